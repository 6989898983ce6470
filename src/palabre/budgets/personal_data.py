"""This app's part of a person's data: their ballots (see accounts.signals).

On deletion the ballots stay counted, attributed to nobody (a vote is not withdrawn by
deleting an account after the count). A used invitation code stays used."""

from __future__ import annotations

from typing import Any

from .models import Ballot


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    ballots = (
        Ballot.objects.filter(voter=user)
        .select_related("envelope__budget__process")
        .prefetch_related("choices__project")
    )
    return (
        "ballots",
        [
            {
                "process": ballot.envelope.budget.process.title,
                "envelope": ballot.envelope.name,
                "cast_at": ballot.created_at.isoformat(),
                "changed_at": ballot.updated_at.isoformat(),
                "projects": [
                    {"project": choice.project.title, "points": choice.points}
                    for choice in ballot.choices.all()
                ],
            }
            for ballot in ballots
        ],
    )


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    Ballot.objects.filter(voter=user).update(voter=None)
