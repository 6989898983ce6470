"""One job system: the Django Tasks API (django-tasks).

Tasks take IDs and are enqueued on commit."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (immediately if none is open)."""
    transaction.on_commit(partial(task.enqueue, *args, **kwargs))


@task()
def ping(value: int) -> int:
    """A no-op task used by `palabre manage tasks_check` to prove that workers are running."""
    return value
