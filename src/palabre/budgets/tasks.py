"""Counting ballots in the background: a large envelope takes longer than a request."""

from __future__ import annotations

from django_tasks import task


@task()
def count_budget(budget_id: int, actor_id: int | None = None) -> int:
    from .services import tallies_compute

    return tallies_compute(budget_id=budget_id, actor_id=actor_id)
