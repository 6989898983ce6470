"""This app's part of a person's data: their votes on statements (see accounts.signals).

On deletion the account row is anonymised, not removed: the votes stay on the map, tied to
nobody identifiable, so that the groups others see do not change."""

from __future__ import annotations

from typing import Any

from .models import Vote


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    votes = Vote.objects.filter(voter=user).select_related("statement__process")
    return (
        "opinion_votes",
        [
            {
                "process": vote.statement.process.title,
                "statement": vote.statement.body,
                "vote": vote.get_value_display(),
                "at": vote.updated_at.isoformat(),
            }
            for vote in votes
        ],
    )


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    """Nothing to remove: the votes of an anonymised account identify no one."""
