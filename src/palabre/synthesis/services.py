"""Writes of the synthesis app: analysis runs and the workspace (topics, assignments, the
journal). The synthesis document and the answers are in `restitution.py`."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.contributions.models import Contribution
from palabre.contributions.selectors import corpus_rows
from palabre.core.tasks import enqueue_on_commit
from palabre.processes.models import Process
from palabre_analysis.codebook import Category, load_codebook
from palabre_analysis.records import Contribution as Record
from palabre_analysis.records import Corpus
from palabre_analysis.synthesis import Synthesizer, compare_results, match_topics

from .models import AnalysisRun, Assignment, CodebookCategory, Edit, Topic

logger = logging.getLogger(__name__)

SEGMENTS = ("channel", "kind", "neighbourhood", "participant_type", "theme", "question")

# The proposal's row of the contributions a run would leave in no topic.
UNCLASSIFIED_KEY = "u"

# Runs that found topics (not codebook classifications); runs recorded before the option
# existed have no "codebook" key, and `.exclude(parameters__codebook=True)` would drop them
# on SQLite, where comparing a missing key yields NULL.
_NOT_CODEBOOK = Q(parameters__codebook=False) | ~Q(parameters__has_key="codebook")


# --- Analysis runs -------------------------------------------------------------------------


def run_start(
    *,
    process: Process,
    user: Any,
    n_topics: int | str = "auto",
    random_state: int = 0,
    codebook: bool = False,
) -> AnalysisRun:
    """Queue an analysis of the process's whole corpus. One at a time per process. With
    `codebook`, contributions are classified into the organisation's codebook categories."""
    if (
        codebook
        and not CodebookCategory.objects.filter(organization=process.organization_id).exists()
    ):
        raise ValidationError(_("The organisation's codebook has no category yet."))
    with transaction.atomic():
        Process.objects.select_for_update().filter(pk=process.pk).first()
        runs_lost_mark(process=process)
        busy = AnalysisRun.objects.filter(
            process=process, status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING]
        ).exists()
        if busy:
            raise ValidationError(_("An analysis of this process is already under way."))
        run = AnalysisRun.objects.create(
            process=process,
            started_by=user,
            parameters={"n_topics": n_topics, "random_state": random_state, "codebook": codebook},
        )
        from .tasks import analysis_run

        enqueue_on_commit(analysis_run, run.pk)
    return run


# A running run reports each step; one silent this long lost its worker (killed, machine
# restarted): its workspace update, one transaction, never happened or was rolled back.
RUN_LOST_AFTER = dt.timedelta(minutes=30)


def runs_lost_mark(*, process: Process) -> int:
    """Mark as failed the runs of `process` whose worker was lost: queued or running, with
    no sign of life for RUN_LOST_AFTER. Nothing of theirs reached the workspace; the agents
    start the analysis again. Returns how many were marked."""
    limit = timezone.now() - RUN_LOST_AFTER
    return AnalysisRun.objects.filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
        process=process,
        status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING],
    ).update(
        status=AnalysisRun.Status.FAILED,
        error=_("The analysis stopped: its worker was interrupted. Start it again."),
        finished_at=timezone.now(),
    )


def _corpus(run: AnalysisRun) -> Corpus:
    records = [
        Record(
            id=row["id"],
            text=row["text"],
            title=row["title"],
            segments={name: row[name] for name in (*SEGMENTS, "stance") if row.get(name)},
        )
        for row in corpus_rows(user=run.started_by, process=run.process, published_only=True)
    ]
    return Corpus(contributions=records, issues=[], columns=[], format="palabre")


def _corrections(process: Process) -> dict[str, str]:
    """The agents' choices, handed to the engine as corrections (contribution → topic name)."""
    return {
        str(cid): label
        for cid, label in Assignment.objects.filter(
            process=process, source=Assignment.Source.AGENT, topic__isnull=False
        ).values_list("contribution_id", "topic__label")
    }


def run_execute(*, run_id: int) -> str:
    """The task's body: run the engine and keep its result as a proposal (the workspace
    changes when an analyst accepts it; a workspace still empty takes it at once). A failure
    leaves the workspace and the previous runs as they were and keeps the error on the run.
    The run is claimed in one statement (waiting → running): a task delivered twice (a
    worker's retry, two workers) runs the analysis once; the other delivery returns at once
    with the run's status."""
    claimed = AnalysisRun.objects.filter(pk=run_id, status=AnalysisRun.Status.QUEUED).update(
        status=AnalysisRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    if not claimed:
        return str(AnalysisRun.objects.values_list("status", flat=True).get(pk=run_id))
    run = AnalysisRun.objects.select_related("process__organization", "started_by").get(pk=run_id)
    steps: list[str] = []

    def progress(message: str) -> None:
        steps.append(message)
        AnalysisRun.objects.filter(pk=run.pk).update(
            progress=list(steps), heartbeat_at=timezone.now()
        )

    try:
        if run.started_by is None:
            raise ValidationError(_("The person who started this analysis no longer exists."))
        progress(_("Reading the contributions…"))
        corpus = _corpus(run)
        AnalysisRun.objects.filter(pk=run.pk).update(n_input=len(corpus))
        n_topics = run.parameters.get("n_topics", "auto")
        synthesizer = Synthesizer(
            n_topics=n_topics,
            segments=("channel", "neighbourhood"),
            random_state=int(run.parameters.get("random_state", 0)),
            corrections=_corrections(run.process),
            codebook=codebook_of(run.process) if run.parameters.get("codebook") else None,
            progress=progress,
        )
        result = synthesizer.fit(corpus).result_
        with transaction.atomic():
            previous = (
                AnalysisRun.objects.filter(
                    process=run.process, status=AnalysisRun.Status.DONE, pk__lt=run.pk
                )
                .filter(_NOT_CODEBOOK)
                .order_by("-pk")
                .first()
            )
            comparison = (
                compare_results(previous.result, result)
                if previous and previous.result and "codebook" not in result
                else None
            )
            AnalysisRun.objects.filter(pk=run.pk).update(
                status=AnalysisRun.Status.DONE,
                result=result,
                comparison=comparison,
                engine_version=result["engine_version"],
                finished_at=timezone.now(),
            )
            # older proposals nobody accepted are replaced by this one
            AnalysisRun.objects.filter(
                process=run.process,
                status=AnalysisRun.Status.DONE,
                applied_at__isnull=True,
                discarded_at__isnull=True,
                pk__lt=run.pk,
            ).update(discarded_at=timezone.now(), superseded_by=run.pk)
            if "codebook" not in result and not Topic.objects.filter(process=run.process).exists():
                progress(_("Filling the workspace…"))
                run.refresh_from_db()
                run_accept(run=run, user=run.started_by)
    except Exception as error:
        logger.exception("analysis run %s failed", run.pk)
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else repr(error)
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        return AnalysisRun.Status.FAILED
    return AnalysisRun.Status.DONE


def _final(topic_id: int | None, topics: dict[int, Topic]) -> int | None:
    """Follow merges to the topic that now holds the contributions."""
    seen: set[int] = set()
    while topic_id is not None and topics[topic_id].merged_into_id and topic_id not in seen:
        seen.add(topic_id)
        topic_id = topics[topic_id].merged_into_id
    return topic_id


_ENGINE_ID = re.compile(r"^T\d+(\.\d+)*$")


def _topic_label(engine_topic: dict[str, Any]) -> str:
    """The engine's label, unless it found none and gave its id ("T12.5"): then the topic's
    first keywords, which say more to an analyst than a code."""
    label = str(engine_topic.get("label") or "").strip()
    if not label or _ENGINE_ID.match(label):
        keywords = [str(k) for k in engine_topic.get("keywords", [])[:3] if str(k).strip()]
        if keywords:
            label = ", ".join(keywords)
            label = label[0].upper() + label[1:]
    return label[:200] or str(engine_topic.get("label", ""))[:200]


def _distinct_label(process: Process, parent: Topic | None, label: str, keywords: list[str]) -> str:
    """A new topic's name, told apart from a live topic of the same name under the same
    parent ("Caisse de retraite" twice), or from its parent's, by its first keyword that is
    not in the name."""
    siblings = {
        t.lower()
        for t in Topic.objects.filter(process=process, parent=parent, merged_into=None).values_list(
            "label", flat=True
        )
    }
    if parent is not None:  # nor like its parent ("Heure › Heure")
        siblings.add(parent.label.lower())
    if label.lower() not in siblings:
        return label
    for keyword in keywords:
        candidate = f"{label} ({keyword})"[:200]
        if keyword.lower() not in label.lower() and candidate.lower() not in siblings:
            return candidate
    n = 2
    while f"{label} ({n})".lower() in siblings:
        n += 1
    return f"{label} ({n})"[:200]


@dataclass
class ProposalRow:
    """One destination of a proposal: an existing topic (`key` "t<pk>"), a topic the run
    would create ("n<engine id>") or a codebook category ("c<pk>"), with the contributions
    it has now and would have after, how many arrive and leave; `curated`: an analyst named
    it or placed contributions in it."""

    key: str
    label: str
    new_label: str = ""
    parent: str = ""
    now: int = 0
    incoming: int = 0
    outgoing: int = 0
    curated: bool = False
    new: bool = False

    @property
    def after(self) -> int:
        return self.now + self.incoming - self.outgoing

    @property
    def choosable(self) -> bool:
        """Accepting it changes something (a row that only loses contributions follows the
        rows that receive them)."""
        return self.new or bool(self.incoming) or bool(self.new_label)


@dataclass
class Plan:
    """What accepting a run would change in the workspace (computed against the workspace as
    it is now, again when the analyst accepts)."""

    run: AnalysisRun
    codebook: bool
    # contribution → (destination key or None: unclassified, score, campaign or to review)
    moves: dict[int, tuple[str | None, float, bool]] = field(default_factory=dict)
    current: dict[int, str | None] = field(default_factory=dict)
    kept_by_agents: int = 0
    leaving: list[int] = field(default_factory=list)
    new_topics: dict[str, dict[str, Any]] = field(default_factory=dict)
    topic_updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    rows: list[ProposalRow] = field(default_factory=list)

    @property
    def moving(self) -> int:
        """Contributions of the workspace that would change topic (or category)."""
        return sum(
            1
            for cid, move in self.moves.items()
            if cid in self.current and self.current[cid] != move[0]
        )

    @property
    def arriving(self) -> int:
        """Contributions not in the workspace yet (published since) that would be placed."""
        return sum(1 for cid in self.moves if cid not in self.current)

    @property
    def changed_rows(self) -> list[ProposalRow]:
        """The rows where something would change (the others are only counted)."""
        return [r for r in self.rows if r.incoming or r.outgoing or r.new or r.new_label]

    @property
    def unchanged(self) -> int:
        return len(self.rows) - len(self.changed_rows)


def _topic_plan(plan: Plan, result: dict[str, Any], previous: dict[str, Any] | None) -> None:
    """Match each topic of the run to a workspace topic without losing an edit. Each run
    topic is matched to a topic of the previous accepted run by shared contributions, hence
    to the workspace topic that came from it (`engine_key`): renamed topics keep their name,
    merged ones send their contributions to the topic they were merged into. Topics without
    such a match are matched to the workspace's by shared contributions, or proposed as new.
    Contributions placed by an agent stay where they are."""
    process = plan.run.process
    topics = {t.pk: t for t in Topic.objects.filter(process=process)}
    by_key = {t.engine_key: t for t in topics.values() if t.engine_key}
    current = {a.contribution_id: a for a in Assignment.objects.filter(process=process)}
    engine_topics = {t["id"]: t for t in result["topics"]}
    leaf_of = {a["id"]: a["topic"] for a in result["assignments"]}
    previous_topics = {t["id"]: t for t in (previous or {}).get("topics", [])}
    previous_leaf = {a["id"]: a["topic"] for a in (previous or {}).get("assignments", [])}

    def level(topic_id: str | None, kind: str, top: bool) -> str | None:
        if topic_id is None:
            return None
        if kind == "workspace":
            topic = topics[int(topic_id)]
            if top:
                return str(topic.parent_id or topic.pk)
            return str(topic.pk) if topic.parent_id else None
        parent = (engine_topics if kind == "run" else previous_topics)[topic_id]["parent"]
        if top:
            return parent or topic_id
        return topic_id if parent else None

    ws_leaf = {
        str(cid): (str(_final(a.topic_id, topics)) if a.topic_id else None)
        for cid, a in current.items()
    }
    mapping: dict[str, str] = {}
    for top in (True, False):
        run_level = {cid: level(t, "run", top) for cid, t in leaf_of.items()}
        through_previous = match_topics(
            {cid: level(t, "previous", top) for cid, t in previous_leaf.items()}, run_level
        )
        direct = match_topics(
            {cid: level(t, "workspace", top) for cid, t in ws_leaf.items()}, run_level
        )
        used: set[int] = set()
        for engine_id, engine_topic in engine_topics.items():
            if (engine_topic["parent"] is None) != top:
                continue
            topic = by_key.get(through_previous.get(engine_id, ""))
            if topic is None and engine_id in direct:
                topic = topics[int(direct[engine_id])]
            label = _topic_label(engine_topic)
            if topic is not None and topic.pk not in used:
                used.add(topic.pk)
                update: dict[str, Any] = {
                    "keywords": engine_topic["keywords"],
                    "engine_key": engine_id,
                }
                if not topic.label_edited and topic.label != label:
                    update["label"] = label
                plan.topic_updates[topic.pk] = update
                final = _final(topic.pk, topics)
                mapping[engine_id] = f"t{final if final is not None else topic.pk}"
            else:
                mapping[engine_id] = f"n{engine_id}"
                plan.new_topics[engine_id] = {
                    "label": label,
                    "keywords": engine_topic["keywords"],
                    "parent": engine_topic["parent"],
                }
    campaign_ids = {
        cid for group in result["duplicate_groups"] if group["campaign"] for cid in group["ids"]
    }
    for row in result["assignments"]:
        cid = int(row["id"])
        existing = current.pop(cid, None)
        if existing is not None and existing.source == Assignment.Source.AGENT:
            plan.kept_by_agents += 1
            continue
        if existing is not None:
            final = _final(existing.topic_id, topics)
            plan.current[cid] = f"t{final}" if final is not None else None
        plan.moves[cid] = (
            mapping[row["topic"]] if row["topic"] else None,
            row["score"],
            row["id"] in campaign_ids,
        )
    # contributions no longer analysed (hidden, withdrawn since) leave the workspace unless
    # an agent placed them
    plan.leaving = [cid for cid, a in current.items() if a.source == Assignment.Source.ENGINE]
    from .selectors import topic_tree

    tree = topic_tree(process=process)
    rows: dict[str, ProposalRow] = {}
    edited = {  # topics holding contributions an agent placed or pinned as quotes
        tree.final(pk)
        for pk in Assignment.objects.filter(
            Q(source=Assignment.Source.AGENT) | Q(pinned=True), process=process
        )
        .exclude(topic=None)
        .values_list("topic_id", flat=True)
    }

    def row_of(key: str) -> ProposalRow:
        if key not in rows:
            if key == UNCLASSIFIED_KEY:
                rows[key] = ProposalRow(key=key, label=_("Unclassified"), now=tree.unclassified)
            elif key.startswith("t"):
                topic = topics[int(key[1:])]
                parent = tree.parent(topic.pk)
                rows[key] = ProposalRow(
                    key=key,
                    label=topic.label,
                    new_label=plan.topic_updates.get(topic.pk, {}).get("label", ""),
                    parent=topics[parent].label if parent else "",
                    now=tree.own(topic.pk),
                    curated=topic.label_edited or topic.pk in edited,
                )
            else:
                new = plan.new_topics[key[1:]]
                parent_key = mapping.get(new["parent"] or "", "")
                rows[key] = ProposalRow(
                    key=key,
                    label=new["label"],
                    new=True,
                    parent=(
                        topics[int(parent_key[1:])].label
                        if parent_key.startswith("t")
                        else plan.new_topics.get(parent_key[1:], {}).get("label", "")
                    ),
                )
        return rows[key]

    for key in (*mapping.values(),):
        row_of(key)
    for cid, (destination, _score, _campaign) in plan.moves.items():
        before = plan.current.get(cid)
        if cid in plan.current and before == destination:
            continue
        row_of(destination or UNCLASSIFIED_KEY).incoming += 1
        if cid in plan.current:
            row_of(before or UNCLASSIFIED_KEY).outgoing += 1
    plan.rows = sorted(
        rows.values(), key=lambda r: (not (r.curated and r.outgoing), -r.after, r.label)
    )


def _codebook_plan(plan: Plan, result: dict[str, Any]) -> None:
    """A codebook run files each contribution under its most confident category, beside its
    topic (topics are not touched); what the engine was not sure of is marked to review."""
    process = plan.run.process
    categories = {
        c.name: c for c in CodebookCategory.objects.filter(organization=process.organization_id)
    }
    current = {
        cid: (f"c{category}" if category else None, source)
        for cid, category, source in Assignment.objects.filter(process=process).values_list(
            "contribution_id", "category_id", "source"
        )
    }
    review = {str(cid) for cid in result["codebook"].get("review", [])}
    rows: dict[str, ProposalRow] = {}
    counts = Counter(key for key, _source in current.values() if key)
    for name, each in categories.items():
        key = f"c{each.pk}"
        rows[key] = ProposalRow(key=key, label=name, now=counts.get(key, 0))
    for row in result["codebook"]["assignments"]:
        best = max(row["categories"], key=lambda c: c["confidence"], default=None)
        category = categories.get(best["name"]) if best else None
        destination = f"c{category.pk}" if category else None
        cid = int(row["id"])
        if cid in current:
            plan.current[cid] = current[cid][0]
        plan.moves[cid] = (
            destination,
            best["confidence"] if best else 0.0,
            str(row["id"]) in review,
        )
        before = plan.current.get(cid)
        if cid in plan.current and before == destination:
            continue
        if destination is not None:
            rows[destination].incoming += 1
        if before is not None and before in rows:
            rows[before].outgoing += 1
    plan.rows = sorted(rows.values(), key=lambda r: (-r.after, r.label))


def run_plan(*, run: AnalysisRun) -> Plan:
    """What accepting `run` would change, against the workspace as it is now."""
    if run.status != AnalysisRun.Status.DONE or not run.result:
        raise ValidationError(_("Only a finished analysis can be applied."))
    plan = Plan(run=run, codebook="codebook" in run.result)
    if plan.codebook:
        _codebook_plan(plan, run.result)
    else:
        previous = (
            AnalysisRun.objects.filter(
                process=run.process,
                status=AnalysisRun.Status.DONE,
                applied_at__isnull=False,
                pk__lt=run.pk,
            )
            .filter(_NOT_CODEBOOK)
            .order_by("-applied_at", "-pk")
            .first()
        )
        _topic_plan(plan, run.result, previous.result if previous else None)
    return plan


def run_pending(*, run: AnalysisRun) -> bool:
    """Whether `run` is a proposal an analyst can still accept or discard."""
    return (
        run.status == AnalysisRun.Status.DONE
        and run.applied_at is None
        and run.discarded_at is None
    )


@transaction.atomic
def run_accept(*, run: AnalysisRun, user: Any, keys: Iterable[str] | None = None) -> Edit:
    """Apply a run's proposal to the workspace, all of it (`keys` None) or only the
    destinations chosen (`keys`: ProposalRow keys): contributions go to a destination only
    when it is accepted; a new sub-topic accepted brings its new parent. One journal entry,
    which can be undone."""
    from .journal import Recorder

    Process.objects.select_for_update().filter(pk=run.process_id).first()
    run = AnalysisRun.objects.select_related("process").get(pk=run.pk)
    if not run_pending(run=run):
        raise ValidationError(_("This analysis was already applied or set aside."))
    plan = run_plan(run=run)
    chosen = {r.key for r in plan.rows} if keys is None else set(keys)
    if plan.codebook:
        return _codebook_accept(plan, chosen, user, everything=keys is None)
    process = run.process
    recorder = Recorder(process)
    recorder.watch_assignments(None)
    Topic.objects.filter(process=process).update(engine_key="")
    created: dict[str, Topic] = {}

    def create(engine_id: str) -> Topic:
        if engine_id not in created:
            new = plan.new_topics[engine_id]
            parent_key = new["parent"]
            parent = None
            if parent_key:
                parent_row = next((r for r in plan.rows if r.key in (f"n{parent_key}",)), None)
                if parent_row is not None:
                    parent = create(parent_key)
                else:
                    parent = Topic.objects.filter(process=process, engine_key=parent_key).first()
            created[engine_id] = Topic.objects.create(
                process=process,
                label=_distinct_label(process, parent, new["label"], new["keywords"]),
                keywords=new["keywords"],
                engine_key=engine_id,
                parent=parent,
            )
        return created[engine_id]

    for pk, update in plan.topic_updates.items():
        fields = {k: v for k, v in update.items() if k != "label" or f"t{pk}" in chosen}
        if "label" in fields:
            sections_follow(topic=Topic(pk=pk), label=fields["label"])
        Topic.objects.filter(pk=pk).update(**fields)
    for key in sorted(chosen):
        if key.startswith("n") and key[1:] in plan.new_topics:
            create(key[1:])
    existing = {a.contribution_id: a for a in Assignment.objects.filter(process=process)}
    to_update, to_create = [], []
    for cid, (destination, score, campaign) in plan.moves.items():
        accepted = (destination or UNCLASSIFIED_KEY) in chosen
        target_id = None
        if destination is not None and destination.startswith("t"):
            target_id = int(destination[1:])
        elif destination is not None and destination[1:] in created:
            target_id = created[destination[1:]].pk
        assignment = existing.get(cid)
        if assignment is None:
            to_create.append(
                Assignment(
                    process=process,
                    contribution_id=cid,
                    topic_id=target_id if accepted else None,
                    score=score if accepted else 0.0,
                    campaign=campaign,
                )
            )
        elif accepted and (assignment.topic_id != target_id or assignment.score != score):
            assignment.topic_id, assignment.score = target_id, score
            assignment.campaign = assignment.campaign or campaign
            to_update.append(assignment)
    _save_assignments(to_update, to_create)
    Assignment.objects.filter(process=process, contribution_id__in=plan.leaving).delete()
    AnalysisRun.objects.filter(pk=run.pk).update(applied_at=timezone.now())
    return Edit.objects.create(
        process=process,
        user=user,
        action=Edit.Action.RUN_APPLIED,
        detail={
            "run": run.pk,
            "new_topics": len(created),
            "kept_by_agents": plan.kept_by_agents,
            "partial": keys is not None,
        },
        undo=recorder.changes(),
    )


def _codebook_accept(plan: Plan, chosen: set[str], user: Any, *, everything: bool) -> Edit:
    """File contributions under the chosen categories; a contribution that fits no category
    loses the one it had only when the whole proposal is applied."""
    from .journal import Recorder

    run, process = plan.run, plan.run.process
    recorder = Recorder(process)
    recorder.watch_assignments(plan.moves)
    existing = {a.contribution_id: a for a in Assignment.objects.filter(process=process)}
    to_update, to_create = [], []
    for cid, (destination, score, review) in plan.moves.items():
        if destination not in chosen and not (destination is None and everything):
            continue
        category_id = int(destination[1:]) if destination else None
        assignment = existing.get(cid)
        if assignment is None:
            to_create.append(
                Assignment(
                    process=process,
                    contribution_id=cid,
                    category_id=category_id,
                    category_score=score,
                    to_review=review,
                )
            )
        else:
            assignment.category_id, assignment.category_score = category_id, score
            assignment.to_review = review
            to_update.append(assignment)
    _save_assignments(to_update, to_create)
    AnalysisRun.objects.filter(pk=run.pk).update(applied_at=timezone.now())
    return Edit.objects.create(
        process=process,
        user=user,
        action=Edit.Action.CODEBOOK_APPLIED,
        detail={"run": run.pk, "categories": len(chosen)},
        undo=recorder.changes(),
    )


def run_discard(*, run: AnalysisRun, user: Any) -> None:
    """Set a proposal aside: the workspace stays as it is."""
    if not run_pending(run=run):
        raise ValidationError(_("This analysis was already applied or set aside."))
    AnalysisRun.objects.filter(pk=run.pk).update(discarded_at=timezone.now())


def _save_assignments(changed: list[Assignment], new: list[Assignment]) -> None:
    """Write a run's assignments. Changed rows are deleted and inserted again with every field
    kept (quotes, duplicates, campaigns…): Django's bulk_update writes one CASE per row and took
    18 s for 15,000 rows on SQLite; delete + insert takes well under a second."""
    for start in range(0, len(changed), 2000):
        Assignment.objects.filter(pk__in=[a.pk for a in changed[start : start + 2000]]).delete()
    for row in changed:
        row.pk = None
    Assignment.objects.bulk_create([*changed, *new], batch_size=2000)


# --- The organisation's codebook -----------------------------------------------------------


def codebook_of(process: Process) -> list[Category]:
    return [
        Category(
            name=c.name,
            description=c.description,
            keywords=[k.strip() for k in c.keywords.replace(";", ",").split(",") if k.strip()],
            examples=[e.strip() for e in c.examples.splitlines() if e.strip()],
        )
        for c in CodebookCategory.objects.filter(organization=process.organization_id)
    ]


def codebook_category_delete(*, organization: Any, pk: Any) -> int:
    """Delete one category of the organisation's codebook; 0 when `pk` names none of them."""
    if not str(pk).isdigit():
        return 0
    deleted, _by_model = CodebookCategory.objects.filter(
        organization=organization, pk=int(pk)
    ).delete()
    return deleted


def codebook_category_save(
    *, organization: Any, category: CodebookCategory | None = None, **fields: Any
) -> CodebookCategory:
    category = category or CodebookCategory(organization=organization)
    for name in ("name", "description", "keywords", "examples"):
        if name in fields:
            setattr(category, name, (fields[name] or "").strip())
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def codebook_import(*, organization: Any, path: str) -> int:
    """Add (or update, by name) categories from a codebook file (CSV or YAML, the layout of
    `palabre synthesize --codebook`). A file that cannot be read changes nothing."""
    from palabre_analysis.records import ReadError

    try:
        categories = load_codebook(path)
    except ReadError as error:
        raise ValidationError(str(error)) from error
    for category in categories:
        CodebookCategory.objects.update_or_create(
            organization=organization,
            name=category.name[:200],
            defaults={
                "description": category.description,
                "keywords": "; ".join(category.keywords)[:500],
                "examples": "\n".join(category.examples),
            },
        )
    return len(categories)


# --- Workspace edits ------------------------------------------------------------------------
# Each edit records the rows it changes (journal.Recorder) in its journal entry, so that it
# can be undone from the journal.


def _journal(
    *,
    process: Process,
    user: Any,
    action: str,
    topic: Topic | None = None,
    recorder: Any = None,
    **detail: Any,
) -> Edit:
    return Edit.objects.create(
        process=process,
        topic=topic,
        user=user,
        action=action,
        detail=detail,
        undo=recorder.changes() if recorder is not None else None,
    )


def _recorder(process: Process, contribution_ids: Iterable[int] = ()) -> Any:
    from .journal import Recorder

    recorder = Recorder(process)
    recorder.watch_assignments(contribution_ids)
    return recorder


def topic_rename(*, topic: Topic, label: str, version: int, user: Any) -> Topic:
    """Rename if nobody renamed it since `version` was read; otherwise refuse and say so."""
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("A topic needs a name.")})
    with transaction.atomic():
        recorder = _recorder(topic.process)
        changed = Topic.objects.filter(pk=topic.pk, version=version).update(
            label=label[:200], label_edited=True, version=F("version") + 1
        )
        if not changed:
            topic.refresh_from_db()
            raise ValidationError(
                {
                    "label": _(
                        "Someone renamed this topic meanwhile: it is now called “%(label)s”. "
                        "Your name was not saved; send it again if you still want it."
                    )
                    % {"label": topic.label}
                }
            )
        _journal(
            process=topic.process,
            user=user,
            action=Edit.Action.RENAME,
            topic=topic,
            recorder=recorder,
            before=topic.label,
            after=label,
        )
        sections_follow(topic=topic, label=label[:200])
    topic.refresh_from_db()
    return topic


def sections_follow(*, topic: Topic, label: str) -> int:
    """The draft's sections titled by `topic`'s name take its new name (a section the analyst
    titled otherwise keeps its title; published versions never change; a new draft takes
    the current names). Returns how many were renamed."""
    from .models import Section, Synthesis

    return Section.objects.filter(
        topic=topic, title_follows_topic=True, synthesis__status=Synthesis.Status.DRAFT
    ).update(title=label)


@transaction.atomic
def topics_merge(*, topics: Iterable[Topic], target: Topic, user: Any) -> int:
    """Merge topics into `target`: their contributions and sub-topics move there; the merged
    topics stay (marked) so that the next analysis sends their contributions to `target` too.
    Returns how many contributions now count for `target` that did not (those of the merged
    topics with their sub-topics: TopicTree's count). One journal entry."""
    from .selectors import topic_tree

    tree = topic_tree(process=target.process_id)
    inside = set(tree.members(target.pk))
    topics = [t for t in topics if t.pk != target.pk and t.process_id == target.process_id]
    if not topics:
        return 0
    recorder = _recorder(
        target.process,
        Assignment.objects.filter(topic__in=topics).values_list("contribution_id", flat=True),
    )
    moved = 0
    for topic in topics:
        if topic.pk not in inside:  # a sub-topic merged into its parent already counted
            moved += tree.total(topic.pk)
            inside.update(tree.members(topic.pk))
        Assignment.objects.filter(topic=topic).update(topic=target)
        Topic.objects.filter(parent=topic).exclude(pk=target.pk).update(parent=target)
        Topic.objects.filter(pk=topic.pk).update(merged_into=target)
    _journal(
        process=target.process,
        user=user,
        action=Edit.Action.MERGE,
        topic=target,
        recorder=recorder,
        merged=", ".join(t.label for t in topics),
        merged_ids=[t.pk for t in topics],
        moved=moved,
    )
    return moved


def _assignments(process: Process, contribution_ids: Iterable[int]) -> Any:
    return Assignment.objects.filter(process=process, contribution_id__in=list(contribution_ids))


def _place(
    *, process: Process, contribution_ids: list[int], target: Topic | None, user: Any
) -> int:
    if target is not None and target.process_id != process.pk:
        raise ValidationError(_("This topic belongs to another process."))
    published = Contribution.objects.filter(process=process, pk__in=contribution_ids)
    existing = set(
        _assignments(process, contribution_ids).values_list("contribution_id", flat=True)
    )
    Assignment.objects.bulk_create(
        [
            Assignment(process=process, contribution_id=pk)
            for pk in published.values_list("pk", flat=True)
            if pk not in existing
        ]
    )
    return int(
        _assignments(process, contribution_ids).update(
            topic=target, source=Assignment.Source.AGENT, score=1.0, updated_by=user
        )
    )


@transaction.atomic
def contributions_move(
    *, process: Process, contribution_ids: list[int], target: Topic | None, user: Any
) -> int:
    """Place contributions in `target` (None: unclassified) as an agent's choice."""
    recorder = _recorder(process, contribution_ids)
    n = _place(process=process, contribution_ids=contribution_ids, target=target, user=user)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.MOVE,
        topic=target,
        recorder=recorder,
        contributions=sorted(contribution_ids),
    )
    return n


@transaction.atomic
def topic_split(
    *,
    process: Process,
    topic: Topic | None,
    contribution_ids: list[int],
    label: str,
    user: Any,
) -> Topic:
    """A new topic beside `topic` (at the top level when the contributions come from the
    unclassified ones), made of the chosen contributions. One journal entry."""
    if not contribution_ids:
        raise ValidationError(_("Choose the contributions that make the new topic."))
    if not label.strip():
        raise ValidationError({"label": _("A topic needs a name.")})
    recorder = _recorder(process, contribution_ids)
    new = Topic.objects.create(
        process=process,
        label=label.strip()[:200],
        label_edited=True,
        parent=topic.parent if topic else None,
    )
    _place(process=process, contribution_ids=contribution_ids, target=new, user=user)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.SPLIT,
        topic=topic,
        recorder=recorder,
        into=new.label,
        contributions=sorted(contribution_ids),
    )
    return new


@transaction.atomic
def categories_set(
    *,
    process: Process,
    contribution_ids: list[int],
    user: Any,
    category: CodebookCategory | None = None,
    keep: bool = False,
) -> int:
    """An analyst's decision on codebook categories: file the contributions under `category`
    (None: none), or, with `keep`, confirm the category they have. Either way they are no
    longer "to review". One journal entry."""
    if category is not None and category.organization_id != process.organization_id:
        raise ValidationError(_("This category belongs to another organisation."))
    recorder = _recorder(process, contribution_ids)
    fields: dict[str, Any] = {"to_review": False, "updated_by": user}
    if not keep:
        fields |= {"category": category, "category_score": 1.0}
    n = _assignments(process, contribution_ids).update(**fields)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.CATEGORY,
        recorder=recorder,
        category=category.name if category else "",
        contributions=sorted(contribution_ids),
    )
    return int(n)


@transaction.atomic
def quotes_pin(*, process: Process, contribution_ids: list[int], pinned: bool, user: Any) -> int:
    recorder = _recorder(process, contribution_ids)
    n = _assignments(process, contribution_ids).update(pinned=pinned, updated_by=user)
    action = Edit.Action.PIN if pinned else Edit.Action.UNPIN
    _journal(
        process=process,
        user=user,
        action=action,
        recorder=recorder,
        contributions=sorted(contribution_ids),
    )
    return int(n)


@transaction.atomic
def duplicates_mark(
    *, process: Process, contribution_ids: list[int], original: Contribution | None, user: Any
) -> int:
    """Mark contributions as duplicates of `original` (None: no longer duplicates)."""
    if original is not None and original.process_id != process.pk:
        raise ValidationError(_("The original must be a contribution of this process."))
    ids = [pk for pk in contribution_ids if original is None or pk != original.pk]
    recorder = _recorder(process, ids)
    n = _assignments(process, ids).update(duplicate_of=original, updated_by=user)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.DUPLICATE,
        recorder=recorder,
        contributions=sorted(ids),
        original=original.pk if original else None,
    )
    return int(n)


@transaction.atomic
def campaign_mark(
    *, process: Process, contribution_ids: list[int], campaign: bool, user: Any
) -> int:
    recorder = _recorder(process, contribution_ids)
    n = _assignments(process, contribution_ids).update(campaign=campaign, updated_by=user)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.CAMPAIGN,
        recorder=recorder,
        contributions=sorted(contribution_ids),
        campaign=campaign,
    )
    return int(n)
