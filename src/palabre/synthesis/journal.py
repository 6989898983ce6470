"""Undo for the synthesis workspace. Every edit (a run accepted, a rename, a merge, a move…)
records the rows it changed, before and after (`Recorder`), in its journal entry
(`Edit.undo`); `edit_undo` puts the "before" back when every row is still as the edit left
it. When a later edit changed some of them, the undo is refused (undo the later edits first):
undoing an old edit under newer ones would throw away their work. Undoing is itself a
journalled edit, so it can be undone in turn ("Rétablir").

Rows are keyed by what does not change: an assignment by its contribution (a run rewrites
assignment rows), a topic by its id. Only rows that really changed are stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    return bool(edit.undo) and edit.undone_at is None


def _conflicts(process: Process, data: dict[str, list[Row]]) -> int:
    """How many rows the edit changed were changed again since."""
    current_t = _topic_rows(process, [row[0] for row in data.get("topics", [])])
    current_a = _assignment_rows(process, [row[0] for row in data.get("assignments", [])])
    return sum(
        1 for pk, _before, after in data.get("topics", []) if not _same(current_t.get(pk), after)
    ) + sum(
        1
        for pk, _before, after in data.get("assignments", [])
        if not _same(current_a.get(pk), after)
    )


def _same(current: Row | None, expected: Row | None) -> bool:
    """JSON turns tuples into lists; compare as JSON would store them."""
    import json

    return json.dumps(current, default=str) == json.dumps(expected, default=str)


@transaction.atomic
def edit_undo(*, edit: Edit, user: Any) -> Edit:
    """Put back what `edit` changed, if no later edit changed the same rows (else a
    ValidationError says how many and what to do). Returns the journal entry of the undo.
    Undoing an undo puts the edit back ("Rétablir")."""
    from .services import sections_follow

    Process.objects.select_for_update().filter(pk=edit.process_id).first()
    edit = Edit.objects.select_for_update().get(pk=edit.pk)
    if not undoable(edit):
        raise ValidationError(_("This edit cannot be undone (already undone, or nothing to undo)."))
    process = edit.process
    data = edit.undo or {}
    conflicts = _conflicts(process, data)
    if conflicts:
        raise ValidationError(
            ngettext(
                "%(n)d item this edit changed was changed again by a later edit: undo the later "
                "edits first. Nothing was changed.",
                "%(n)d items this edit changed were changed again by later edits: undo the later "
                "edits first. Nothing was changed.",
                conflicts,
            )
            % {"n": conflicts}
        )
    recorder = Recorder(process)
    recorder.watch_assignments(row[0] for row in data.get("assignments", []))
    created_topics = []
    # topics first (assignments may point to a topic the undo brings back)
    for pk, before, after in data.get("topics", []):
        if before is None:
            created_topics.append(pk)
            continue
        fields = dict(zip(TOPIC_FIELDS, before, strict=True))
        if after is None:
            Topic.objects.create(pk=pk, process=process, **fields)
        else:
            Topic.objects.filter(pk=pk).update(**fields)
            if before[0] != after[0]:
                sections_follow(topic=Topic(pk=pk), label=before[0])
    for contribution_id, before, after in data.get("assignments", []):
        if before is None:
            Assignment.objects.filter(contribution_id=contribution_id).delete()
            continue
        fields = dict(zip(ASSIGNMENT_FIELDS, before, strict=True))
        if after is None:
            Assignment.objects.create(process=process, contribution_id=contribution_id, **fields)
        else:
            Assignment.objects.filter(contribution_id=contribution_id).update(**fields)
    _delete_unused(created_topics)
    Edit.objects.filter(pk=edit.pk).update(undone_at=timezone.now())
    run_id = edit.detail.get("run")
    if edit.action in (Edit.Action.RUN_APPLIED, Edit.Action.CODEBOOK_APPLIED):
        AnalysisRun.objects.filter(pk=run_id).update(applied_at=None)
    if edit.action == Edit.Action.UNDO:  # undoing an undo: the edit it undid stands again
        original = Edit.objects.filter(pk=edit.detail.get("edit"), process=process).first()
        if original is not None:
            Edit.objects.filter(pk=original.pk).update(undone_at=None)
            if original.action in (Edit.Action.RUN_APPLIED, Edit.Action.CODEBOOK_APPLIED):
                AnalysisRun.objects.filter(pk=original.detail.get("run")).update(
                    applied_at=timezone.now(), discarded_at=None
                )
    return Edit.objects.create(
        process=process,
        user=user,
        action=Edit.Action.UNDO,
        detail={"edit": edit.pk, "action": edit.action},
        undo=recorder.changes(),
    )


def _delete_unused(pks: list[int]) -> None:
    """Delete the topics an undone edit had made, sub-topics before their parents; a topic
    something else uses now (an answer, a section) stays."""
    remaining = list(pks)
    while remaining:
        kept = []
        for pk in remaining:
            used = (
                Assignment.objects.filter(topic_id=pk).exists()
                or Topic.objects.filter(Q(parent_id=pk) | Q(merged_into_id=pk)).exists()
                or Answer.objects.filter(topic_id=pk).exists()
                or Section.objects.filter(topic_id=pk).exists()
            )
            if used:
                kept.append(pk)
            else:
                Topic.objects.filter(pk=pk).delete()
        if len(kept) == len(remaining):
            return
        remaining = kept
