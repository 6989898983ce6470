"""Finding C: an analysis task delivered twice (a worker retry, a queue handing the same task
to two workers) ran the analysis twice. The second delivery arrives in the worst place: after
the first has read the run as waiting, before it marks the run as running."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from palabre.synthesis import services
from palabre.synthesis.models import AnalysisRun, Edit
from palabre.synthesis.tasks import analysis_run

pytestmark = pytest.mark.django_db


def _applications(run: AnalysisRun) -> int:
    """How many times the engine's result was applied to the workspace for this run."""
    return Edit.objects.filter(action=Edit.Action.RUN_APPLIED, detail__run=run.pk).count()


def test_a_task_delivered_twice_in_a_row_runs_once(published_a, agent_a, corpus_a):
    run = services.run_start(process=published_a, user=agent_a)  # queued, not run yet
    assert analysis_run.call(run.pk) == AnalysisRun.Status.DONE
    assert analysis_run.call(run.pk) == AnalysisRun.Status.DONE
    assert _applications(run) == 1


def test_a_second_delivery_during_the_first_does_not_run_the_analysis_again(
    published_a, agent_a, corpus_a
):
    run = services.run_start(process=published_a, user=agent_a)
    table = AnalysisRun._meta.db_table
    second: dict[str, Any] = {}

    def deliver_again(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # the first delivery is about to mark the run as running: the second arrives now
        if not second and sql.startswith("UPDATE") and table in sql and "status" in sql:
            second["status"] = "delivering"
            second["status"] = analysis_run.call(run.pk)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(deliver_again):
        first = analysis_run.call(run.pk)
    assert second["status"] == AnalysisRun.Status.DONE
    assert first == AnalysisRun.Status.DONE
    assert _applications(run) == 1
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE and run.result


def test_a_run_whose_worker_was_lost_is_marked_failed_when_the_next_starts(
    published_a, agent_a, corpus_a
):
    """A worker killed mid-run leaves its run "running" (tests/test_faults.py kills one):
    silent for RUN_LOST_AFTER, it no longer blocks the analysis, and says why it stopped."""
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    lost = services.run_start(process=published_a, user=agent_a)
    AnalysisRun.objects.filter(pk=lost.pk).update(
        status=AnalysisRun.Status.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.run_start(process=published_a, user=agent_a)
    AnalysisRun.objects.filter(pk=lost.pk).update(
        heartbeat_at=timezone.now() - services.RUN_LOST_AFTER - dt.timedelta(minutes=1)
    )
    again = services.run_start(process=published_a, user=agent_a)
    lost.refresh_from_db()
    assert lost.status == AnalysisRun.Status.FAILED and "interrompu" in lost.error
    assert analysis_run.call(again.pk) == AnalysisRun.Status.DONE
    assert analysis_run.call(lost.pk) == AnalysisRun.Status.FAILED  # never run late
