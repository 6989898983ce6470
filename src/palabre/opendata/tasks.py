"""Open data is built in the background (on closing a process, or on demand)."""

from __future__ import annotations

from django_tasks import task


@task()
def dataset_publish(process_id: int, user_id: int | None = None) -> int:
    from django.contrib.auth import get_user_model

    from palabre.processes.models import Process

    from .services import dataset_publish as publish

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return publish(process=Process.objects.get(pk=process_id), user=user).pk
