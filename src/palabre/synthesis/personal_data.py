"""This app's part of a person's data (see accounts.signals): their comments on draft
syntheses. Contributions cited as evidence belong to the contributions app's export.

On deletion the account row is anonymised, not removed: the person's contributions stay in
topics and as evidence of the synthesis, tied to nobody identifiable; their comments on drafts
stay beside the statements, signed by a deleted account."""

from __future__ import annotations

from typing import Any

from .models import DraftComment


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    comments = DraftComment.objects.filter(author=user).select_related(
        "statement__section__synthesis__process"
    )
    return (
        "draft_synthesis_comments",
        [
            {
                "process": c.statement.section.synthesis.process.title,
                "statement": c.statement.text,
                "comment": c.body,
                "at": c.created_at.isoformat(),
            }
            for c in comments
        ],
    )


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    """Nothing to remove: an anonymised account identifies no one."""
