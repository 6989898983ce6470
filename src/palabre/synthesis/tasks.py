"""The analysis of a process's corpus runs in the background, never in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def analysis_run(run_id: int) -> str:
    from .services import run_execute

    return run_execute(run_id=run_id)
