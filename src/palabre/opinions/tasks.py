"""The opinion map is recomputed in the background after new votes, never in a request."""

from __future__ import annotations

from django_tasks import task


@task()
def opinion_map_compute(opinion_map_id: int) -> int:
    from .services import opinion_map_compute as compute

    return compute(opinion_map_id=opinion_map_id)


@task()
def pairwise_compute(survey_id: int) -> int:
    from .pairwise import ranking_compute

    return ranking_compute(survey_id=survey_id)
