"""Undo for the synthesis workspace. Every edit (a run accepted, a rename, a merge, a move…)
records the rows it changed, before and after (`Recorder`), in its journal entry
(`Edit.undo`); `edit_undo` puts the "before" back where a row is still as the edit left it,
and leaves alone what someone changed since (it says how many). Undoing is itself a
journalled edit, so it can be undone in turn.

Rows are keyed by what does not change: an assignment by its contribution (a run rewrites
assignment rows), a topic by its id. Only rows that really changed are stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.processes.models import Process

from .models import AnalysisRun, Answer, Assignment, Edit, Section, Topic

ASSIGNMENT_FIELDS = (
    "topic_id",
    "score",
    "source",
    "pinned",
    "duplicate_of_id",
    "campaign",
    "category_id",
    "category_score",
    "to_review",
)
TOPIC_FIELDS = ("label", "label_edited", "parent_id", "merged_into_id", "keywords", "engine_key")

Row = list[Any]


def _assignment_rows(process: Process, ids: Iterable[int] | None) -> dict[int, Row]:
    rows = Assignment.objects.filter(process=process)
    if ids is not None:
        rows = rows.filter(contribution_id__in=list(ids))
    return {
        values[0]: list(values[1:])
        for values in rows.values_list("contribution_id", *ASSIGNMENT_FIELDS)
    }


def _topic_rows(process: Process, ids: Iterable[int] | None) -> dict[int, Row]:
    rows = Topic.objects.filter(process=process)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return {values[0]: list(values[1:]) for values in rows.values_list("pk", *TOPIC_FIELDS)}


class Recorder:
    """Watches rows before an edit writes them; `changes()` compares with what is there after.
    `watch_assignments(None)` watches every assignment of the process (a run); new topics
    are found by themselves (every topic of the process is watched)."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self._ids: set[int] | None = set()
        self._assignments: dict[int, Row] = {}
        self._topics = _topic_rows(process, None)

    def watch_assignments(self, contribution_ids: Iterable[int] | None) -> None:
        if contribution_ids is None:
            self._ids = None
            self._assignments = _assignment_rows(self.process, None)
            return
        ids = set(contribution_ids) - set(self._assignments)
        if self._ids is not None:
            self._ids |= ids
            self._assignments.update(_assignment_rows(self.process, ids))

    def changes(self) -> dict[str, list[Row]]:
        after_a = _assignment_rows(self.process, self._ids)
        after_t = _topic_rows(self.process, None)
        assignments = [
            [key, self._assignments.get(key), after_a.get(key)]
            for key in sorted(set(self._assignments) | set(after_a))
            if self._assignments.get(key) != after_a.get(key)
        ]
        topics = [
            [key, self._topics.get(key), after_t.get(key)]
            for key in sorted(set(self._topics) | set(after_t))
            if self._topics.get(key) != after_t.get(key)
        ]
        return {"assignments": assignments, "topics": topics}


def undoable(edit: Edit) -> bool:
    return bool(edit.undo) and edit.undone_at is None and edit.action != Edit.Action.UNDO


def _same(current: Row | None, expected: Row | None) -> bool:
    """JSON turns tuples into lists; compare as JSON would store them."""
    import json

    return json.dumps(current, default=str) == json.dumps(expected, default=str)


@transaction.atomic
def edit_undo(*, edit: Edit, user: Any) -> tuple[Edit, int]:
    """Put back what `edit` changed. Rows changed again since are left as they are; returns
    the journal entry of the undo and how many rows were left."""
    from .services import sections_follow

    edit = Edit.objects.select_for_update().get(pk=edit.pk)
    if not undoable(edit):
        raise ValidationError(_("This edit cannot be undone (already undone, or nothing to undo)."))
    process = edit.process
    data = edit.undo or {}
    recorder = Recorder(process)
    recorder.watch_assignments(row[0] for row in data.get("assignments", []))
    current_t = _topic_rows(process, [row[0] for row in data.get("topics", [])])
    current_a = _assignment_rows(process, [row[0] for row in data.get("assignments", [])])
    skipped = 0
    deleted_topics = []
    # topics first (assignments may point to a topic the undo brings back)
    for pk, before, after in data.get("topics", []):
        if not _same(current_t.get(pk), after):
            skipped += 1
            continue
        if before is None:
            deleted_topics.append(pk)
            continue
        fields = dict(zip(TOPIC_FIELDS, before, strict=True))
        if after is None:
            Topic.objects.create(pk=pk, process=process, **fields)
        else:
            Topic.objects.filter(pk=pk).update(**fields)
            if before[0] != after[0]:
                sections_follow(topic=Topic(pk=pk), label=before[0])
    for contribution_id, before, after in data.get("assignments", []):
        if not _same(current_a.get(contribution_id), after):
            skipped += 1
            continue
        if before is None:
            Assignment.objects.filter(contribution_id=contribution_id).delete()
            continue
        fields = dict(zip(ASSIGNMENT_FIELDS, before, strict=True))
        if after is None:
            Assignment.objects.create(process=process, contribution_id=contribution_id, **fields)
        else:
            Assignment.objects.filter(contribution_id=contribution_id).update(**fields)
    for pk in deleted_topics:  # a topic the edit made goes, unless something uses it now
        used = (
            Assignment.objects.filter(topic_id=pk).exists()
            or Topic.objects.filter(parent_id=pk).exists()
            or Topic.objects.filter(merged_into_id=pk).exists()
            or Answer.objects.filter(topic_id=pk).exists()
            or Section.objects.filter(topic_id=pk).exists()
        )
        if used:
            skipped += 1
        else:
            Topic.objects.filter(pk=pk).delete()
    Edit.objects.filter(pk=edit.pk).update(undone_at=timezone.now())
    if edit.action in (Edit.Action.RUN_APPLIED, Edit.Action.CODEBOOK_APPLIED):
        AnalysisRun.objects.filter(pk=edit.detail.get("run")).update(applied_at=None)
    undo = Edit.objects.create(
        process=process,
        user=user,
        action=Edit.Action.UNDO,
        detail={"edit": edit.pk, "action": edit.action, "left": skipped},
        undo=recorder.changes(),
    )
    return undo, skipped
