"""Open data is built in the background (on closing a process, or on demand)."""

from __future__ import annotations

from django_tasks import task


@task()
def dataset_publish(process_id: int) -> int:
    from palabre.processes.models import Process

    from .services import dataset_publish as publish

    return publish(process=Process.objects.get(pk=process_id)).pk
