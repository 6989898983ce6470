"""What a published version of the synthesis shows beside its sections: the method told in one
plain sentence (what really happened: how many contributions, read by software or not, topics
reviewed by the team), and its PDF, rendered once and kept in the default storage (a published
version never changes, so neither does its file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from palabre.contributions.models import Contribution, published_q

from .models import Edit, Synthesis

#: workspace edits that are the team's own reading of the topics (not the engine's, not undos)
REVIEW_ACTIONS = frozenset(
    {
        Edit.Action.RENAME,
        Edit.Action.MERGE,
        Edit.Action.SPLIT,
        Edit.Action.MOVE,
        Edit.Action.PIN,
        Edit.Action.DUPLICATE,
        Edit.Action.CAMPAIGN,
    }
)


@dataclass(frozen=True)
class MethodSummary:
    contributions: int  # read by the engine, or (no analysis) readable when published
    by_software: bool  # an analysis run grouped them
    topics: int  # top-level topics the run found
    reviewed: bool  # the team renamed, merged, split, moved or quoted in the workspace


def method_summary(*, synthesis: Synthesis) -> MethodSummary:
    """The facts behind the one-sentence method of the public synthesis."""
    run = synthesis.run
    if run is None or not run.result:
        readable = Contribution.objects.filter(published_q(), process_id=synthesis.process_id)
        return MethodSummary(readable.count(), by_software=False, topics=0, reviewed=False)
    topics = sum(1 for t in run.result.get("topics", []) if t.get("parent") is None)
    reviewed = Edit.objects.filter(
        process_id=synthesis.process_id,
        action__in=REVIEW_ACTIONS,
        created_at__lte=synthesis.published_at or synthesis.created_at,
    ).exists()
    return MethodSummary(
        run.n_input or run.result.get("n_input", 0),
        by_software=True,
        topics=topics,
        reviewed=reviewed,
    )


def pdf_path(synthesis: Synthesis) -> str:
    """Where a published version's PDF is kept: one file per version, named after its moment
    of publication too, so that a file left by another database (a test run, a demo rebuilt
    beside old uploads) is never taken for this version's."""
    published_at = synthesis.published_at or synthesis.created_at
    stamp = published_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"syntheses/{synthesis.process_id}/synthese-v{synthesis.version}-{stamp}.pdf"


def pdf_of(*, synthesis: Synthesis, render: Callable[[], bytes]) -> bytes:
    """The PDF of a published version: the stored file, or `render()` kept for every later
    request. Two first requests at once may both render; the first file written wins and the
    other copy is dropped, so every reader gets the same bytes."""
    if synthesis.status != Synthesis.Status.PUBLISHED:
        return render()
    name = pdf_path(synthesis)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(render()))
        if saved != name:  # written meanwhile by another request: keep the first one
            default_storage.delete(saved)
    with default_storage.open(name, "rb") as handle:
        return handle.read()
