"""Writes of the synthesis app: analysis runs and the workspace (topics, assignments, the
journal). The synthesis document and the answers are in `restitution.py`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
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
    """The task's body. A failure leaves the workspace and the previous runs as they were and
    keeps the error on the run. The run is claimed in one statement (waiting → running): a
    task delivered twice (a worker's retry, two workers) runs the analysis once; the other
    delivery returns at once with the run's status."""
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
        progress(_("Updating the workspace…"))
        with transaction.atomic():
            previous = (
                AnalysisRun.objects.filter(
                    process=run.process, status=AnalysisRun.Status.DONE, pk__lt=run.pk
                )
                .order_by("-pk")
                .first()
            )
            comparison = (
                compare_results(previous.result, result) if previous and previous.result else None
            )
            if "codebook" in result:
                _apply_codebook(run, result)
            else:
                _apply(run, result, previous.result if previous else None)
            AnalysisRun.objects.filter(pk=run.pk).update(
                status=AnalysisRun.Status.DONE,
                result=result,
                comparison=comparison,
                engine_version=result["engine_version"],
                finished_at=timezone.now(),
            )
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


def _apply(run: AnalysisRun, result: dict[str, Any], previous: dict[str, Any] | None) -> None:
    """Bring the run into the workspace without losing an edit. Each topic of the run is
    matched to a topic of the previous run by shared contributions, hence to the workspace
    topic that came from it (`engine_key`): renamed topics keep their name, merged ones send
    their contributions to the topic they were merged into. Topics without such a match are
    matched to the workspace's by shared contributions, or created. Contributions placed by an
    agent stay where they are."""
    process = run.process
    topics = {t.pk: t for t in Topic.objects.filter(process=process)}
    by_key = {t.engine_key: t for t in topics.values() if t.engine_key}
    Topic.objects.filter(process=process).update(engine_key="")
    current = {str(a.contribution_id): a for a in Assignment.objects.filter(process=process)}
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
        cid: (str(_final(a.topic_id, topics)) if a.topic_id else None) for cid, a in current.items()
    }
    mapping: dict[str, Topic] = {}
    created = 0
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
            if topic is not None and topic.pk not in used:
                used.add(topic.pk)
                topic.keywords = engine_topic["keywords"]
                topic.engine_key = engine_id
                if not topic.label_edited and topic.label != engine_topic["label"][:200]:
                    sections_follow(topic=topic, label=engine_topic["label"][:200])
                    topic.label = engine_topic["label"][:200]
                topic.save(update_fields=["keywords", "engine_key", "label"])
                final = _final(topic.pk, topics)
                topic = topics[final] if final is not None else topic
            else:
                parent = mapping.get(engine_topic["parent"] or "")
                topic = Topic.objects.create(
                    process=process,
                    label=engine_topic["label"][:200],
                    keywords=engine_topic["keywords"],
                    engine_key=engine_id,
                    parent=parent,
                )
                topics[topic.pk] = topic
                created += 1
            mapping[engine_id] = topic
    campaign_ids = {
        cid for group in result["duplicate_groups"] if group["campaign"] for cid in group["ids"]
    }
    to_update, to_create = [], []
    kept = 0
    for row in result["assignments"]:
        cid = row["id"]
        target = mapping[row["topic"]] if row["topic"] else None
        existing = current.pop(cid, None)
        if existing is not None and existing.source == Assignment.Source.AGENT:
            kept += 1
            continue
        if existing is None:
            to_create.append(
                Assignment(
                    process=process,
                    contribution_id=int(cid),
                    topic=target,
                    score=row["score"],
                    campaign=cid in campaign_ids,
                )
            )
        else:
            existing.topic, existing.score = target, row["score"]
            existing.campaign = existing.campaign or cid in campaign_ids
            to_update.append(existing)
    _save_assignments(to_update, to_create)
    # Contributions no longer analysed (hidden, withdrawn since) leave the workspace unless an
    # agent placed them.
    Assignment.objects.filter(
        pk__in=[a.pk for a in current.values() if a.source == Assignment.Source.ENGINE]
    ).delete()
    Edit.objects.create(
        process=process,
        user=run.started_by,
        action=Edit.Action.RUN_APPLIED,
        detail={"run": run.pk, "new_topics": created, "kept_by_agents": kept},
    )


def _save_assignments(changed: list[Assignment], new: list[Assignment]) -> None:
    """Write a run's assignments. Changed rows are deleted and inserted again with every field
    kept (quotes, duplicates, campaigns…): Django's bulk_update writes one CASE per row and took
    18 s for 15,000 rows on SQLite; delete + insert takes well under a second."""
    for start in range(0, len(changed), 2000):
        Assignment.objects.filter(pk__in=[a.pk for a in changed[start : start + 2000]]).delete()
    for row in changed:
        row.pk = None
    Assignment.objects.bulk_create([*changed, *new], batch_size=2000)


def _apply_codebook(run: AnalysisRun, result: dict[str, Any]) -> None:
    """A codebook run: the workspace's topics are the codebook's categories (found by name,
    created when missing, never renamed); each contribution goes to its most confident
    category, or stays unclassified; contributions placed by an agent stay where they are."""
    process = run.process
    topics = {}
    for category in result["codebook"]["categories"]:
        topic = Topic.objects.filter(
            process=process, label=category["name"], merged_into__isnull=True
        ).first() or Topic.objects.create(
            process=process, label=category["name"], label_edited=True
        )
        topics[category["name"]] = topic
    current = {str(a.contribution_id): a for a in Assignment.objects.filter(process=process)}
    to_update, to_create, kept = [], [], 0
    for row in result["codebook"]["assignments"]:
        best = max(row["categories"], key=lambda c: c["confidence"], default=None)
        target = topics[best["name"]] if best else None
        score = best["confidence"] if best else 0.0
        existing = current.get(row["id"])
        if existing is not None and existing.source == Assignment.Source.AGENT:
            kept += 1
        elif existing is None:
            to_create.append(
                Assignment(
                    process=process, contribution_id=int(row["id"]), topic=target, score=score
                )
            )
        else:
            existing.topic, existing.score = target, score
            to_update.append(existing)
    _save_assignments(to_update, to_create)
    Edit.objects.create(
        process=process,
        user=run.started_by,
        action=Edit.Action.RUN_APPLIED,
        detail={"run": run.pk, "codebook": len(topics), "kept_by_agents": kept},
    )


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


def _journal(
    *, process: Process, user: Any, action: str, topic: Topic | None = None, **detail: Any
) -> None:
    Edit.objects.create(process=process, topic=topic, user=user, action=action, detail=detail)


def topic_rename(*, topic: Topic, label: str, version: int, user: Any) -> Topic:
    """Rename if nobody renamed it since `version` was read; otherwise refuse and say so."""
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("A topic needs a name.")})
    with transaction.atomic():
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
    topics stay (marked) so that the next analysis sends their contributions to `target` too."""
    moved = 0
    for topic in topics:
        if topic.pk == target.pk or topic.process_id != target.process_id:
            continue
        moved += Assignment.objects.filter(topic=topic).update(topic=target)
        Topic.objects.filter(parent=topic).exclude(pk=target.pk).update(parent=target)
        Topic.objects.filter(pk=topic.pk).update(merged_into=target)
        _journal(
            process=target.process,
            user=user,
            action=Edit.Action.MERGE,
            topic=target,
            merged=topic.label,
            merged_id=topic.pk,
        )
    return moved


def _assignments(process: Process, contribution_ids: Iterable[int]) -> Any:
    return Assignment.objects.filter(process=process, contribution_id__in=list(contribution_ids))


@transaction.atomic
def contributions_move(
    *, process: Process, contribution_ids: list[int], target: Topic | None, user: Any
) -> int:
    """Place contributions in `target` (None: unclassified) as an agent's choice."""
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
    n = _assignments(process, contribution_ids).update(
        topic=target, source=Assignment.Source.AGENT, score=1.0, updated_by=user
    )
    _journal(
        process=process,
        user=user,
        action=Edit.Action.MOVE,
        topic=target,
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
    unclassified ones), made of the chosen contributions."""
    if not contribution_ids:
        raise ValidationError(_("Choose the contributions that make the new topic."))
    if not label.strip():
        raise ValidationError({"label": _("A topic needs a name.")})
    new = Topic.objects.create(
        process=process,
        label=label.strip()[:200],
        label_edited=True,
        parent=topic.parent if topic else None,
    )
    contributions_move(process=process, contribution_ids=contribution_ids, target=new, user=user)
    _journal(process=process, user=user, action=Edit.Action.SPLIT, topic=topic, into=new.label)
    return new


def quotes_pin(*, process: Process, contribution_ids: list[int], pinned: bool, user: Any) -> int:
    n = _assignments(process, contribution_ids).update(pinned=pinned, updated_by=user)
    action = Edit.Action.PIN if pinned else Edit.Action.UNPIN
    _journal(process=process, user=user, action=action, contributions=sorted(contribution_ids))
    return n


def duplicates_mark(
    *, process: Process, contribution_ids: list[int], original: Contribution | None, user: Any
) -> int:
    """Mark contributions as duplicates of `original` (None: no longer duplicates)."""
    if original is not None and original.process_id != process.pk:
        raise ValidationError(_("The original must be a contribution of this process."))
    ids = [pk for pk in contribution_ids if original is None or pk != original.pk]
    n = _assignments(process, ids).update(duplicate_of=original, updated_by=user)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.DUPLICATE,
        contributions=sorted(ids),
        original=original.pk if original else None,
    )
    return n


def campaign_mark(
    *, process: Process, contribution_ids: list[int], campaign: bool, user: Any
) -> int:
    n = _assignments(process, contribution_ids).update(campaign=campaign, updated_by=user)
    _journal(
        process=process,
        user=user,
        action=Edit.Action.CAMPAIGN,
        contributions=sorted(contribution_ids),
        campaign=campaign,
    )
    return n
