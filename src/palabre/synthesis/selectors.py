"""Reads of the synthesis app: runs, the workspace, the published synthesis with its evidence,
the answers, and what became of a contribution."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from palabre.contributions.models import Contribution, published_q
from palabre.core.orm import get_or_404
from palabre.processes.models import Process

from .models import (
    AnalysisRun,
    Answer,
    Assignment,
    CodebookCategory,
    CodingSample,
    Edit,
    Section,
    Statement,
    Synthesis,
    Topic,
)

ACTIVE = (AnalysisRun.Status.QUEUED, AnalysisRun.Status.RUNNING)


def runs_of(*, process: Process) -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.filter(process=process).select_related("started_by").defer("result")


def run_active(*, process: Process) -> AnalysisRun | None:
    return runs_of(process=process).filter(status__in=ACTIVE).first()


def run_get(*, process: Process, pk: int) -> AnalysisRun:
    return get_or_404(AnalysisRun.objects.filter(process=process), pk=pk)


def run_done_exists(*, process: Process) -> bool:
    """Whether an analysis of the process has finished (the workspace has topics to show)."""
    return runs_of(process=process).filter(status=AnalysisRun.Status.DONE).exists()


def analysable_count(*, process: Process) -> int:
    """How many contributions an analysis run reads: neither hidden nor withdrawn."""
    return Contribution.objects.filter(
        process=process, is_hidden=False, withdrawn_at__isnull=True
    ).count()


def processes_with_synthesis(*, user: Any, organization: Any) -> QuerySet[Process]:
    """The processes `user` may open that have a synthesis (a draft or published)."""
    from palabre.processes.selectors import processes_visible_to

    return (
        processes_visible_to(user=user, organization=organization)
        .filter(syntheses__isnull=False)
        .distinct()
    )


def topics_of(*, process: Process) -> list[Topic]:
    """The workspace's topics (merged ones left out), top-level first with `children`, each
    with `n` (contributions placed there) and `n_total` (with its sub-topics)."""
    topics = list(
        Topic.objects.filter(process=process, merged_into__isnull=True)
        .annotate(n=Count("assignments"))
        .order_by("pk")
    )
    by_parent: dict[int | None, list[Topic]] = defaultdict(list)
    ids = {t.pk for t in topics}
    for topic in topics:
        by_parent[topic.parent_id if topic.parent_id in ids else None].append(topic)
    roots = by_parent[None]
    for topic in topics:
        topic.children_list = by_parent.get(topic.pk, [])  # type: ignore[attr-defined]
        topic.n_total = topic.n + sum(c.n for c in topic.children_list)  # type: ignore[attr-defined]
    roots.sort(key=lambda t: -t.n_total)  # type: ignore[attr-defined]
    return roots


def topic_choices(*, process: Process) -> list[tuple[int, str]]:
    out = []
    for root in topics_of(process=process):
        out.append((root.pk, root.label))
        out += [(c.pk, f"— {c.label}") for c in root.children_list]  # type: ignore[attr-defined]
    return out


def topic_find(*, process: Process, pk: Any) -> Topic | None:
    """The process's topic with this id; None when there is none (or no id)."""
    if not str(pk).isdigit():
        return None
    return Topic.objects.filter(process=process, pk=int(pk)).first()


def topic_get(*, process: Process, pk: Any) -> Topic:
    return get_or_404(Topic.objects.filter(process=process), pk=pk)


def topics_in(*, process: Process, pks: list[Any]) -> QuerySet[Topic]:
    """The process's topics among these ids (the others are left out)."""
    return Topic.objects.filter(process=process, pk__in=pks)


def unclassified_count(*, process: Process) -> int:
    return Assignment.objects.filter(process=process, topic__isnull=True).count()


def assignments_in(*, process: Process, topic: Topic | None) -> QuerySet[Assignment]:
    """Contributions placed in `topic` (None: unclassified), quotes first."""
    return (
        Assignment.objects.filter(process=process, topic=topic)
        .select_related("contribution", "duplicate_of")
        .order_by("-pinned", "-score", "contribution_id")
    )


def journal_of(*, process: Process, topic: Topic | None = None) -> QuerySet[Edit]:
    qs = Edit.objects.filter(process=process).select_related("user", "topic")
    return qs.filter(topic=topic) if topic is not None else qs


# --- The synthesis --------------------------------------------------------------------------


def syntheses_published(*, process: Process) -> QuerySet[Synthesis]:
    return Synthesis.objects.filter(process=process, status=Synthesis.Status.PUBLISHED)


def synthesis_public(*, process: Process, version: int | None = None) -> Synthesis | None:
    qs = syntheses_published(process=process)
    if version is not None:
        return qs.filter(version=version).first()
    return qs.order_by("-version").first()


def statement_texts(*, process: Process) -> list[str]:
    """The statements of the process's latest synthesis (the draft if one is being written),
    in reading order: what an opinion map can ask participants to agree or disagree with."""
    synthesis = Synthesis.objects.filter(process=process).order_by("-version").first()
    if synthesis is None:
        return []
    return list(
        Statement.objects.filter(section__synthesis=synthesis)
        .order_by("section__position", "section__pk", "position", "pk")
        .values_list("text", flat=True)
    )


def draft_of(*, process: Process) -> Synthesis | None:
    return Synthesis.objects.filter(process=process, status=Synthesis.Status.DRAFT).first()


def section_get(*, synthesis: Synthesis, pk: Any) -> Section:
    return get_or_404(Section.objects.filter(synthesis=synthesis), pk=pk)


def statement_get(*, synthesis: Synthesis, pk: Any) -> Statement:
    return get_or_404(Statement.objects.filter(section__synthesis=synthesis), pk=pk)


def statements_in(*, section: Section) -> list[Statement]:
    """The section's statements (prefetched, with their `backing`, by document_of)."""
    return list(section.statements.all())


def candidate_assignments(*, section: Section) -> list[Assignment]:
    """The contributions offered as evidence for a section: the 30 first of its topic and
    sub-topics, quotes first, hidden ones left out."""
    if section.topic_id is None:
        return []
    topic_ids = [section.topic_id, *section.topic.children.values_list("pk", flat=True)]  # type: ignore[union-attr]
    return list(
        Assignment.objects.filter(topic__in=topic_ids, contribution__is_hidden=False)
        .select_related("contribution")
        .order_by("-pinned", "-score", "contribution_id")[:30]
    )


@dataclass
class Evidence:
    """The contributions backing a statement; `by_channel` counts them per channel code."""

    contributions: list[Contribution]
    by_channel: dict[str, int]

    @property
    def n(self) -> int:
        return len(self.contributions)

    @property
    def channels(self) -> list[tuple[str, int]]:
        """(channel label, count), most frequent first."""
        labels = dict(Contribution._meta.get_field("channel").choices or [])
        return [
            (str(labels.get(code, code)), n) for code, n in Counter(self.by_channel).most_common()
        ]


def document_of(*, synthesis: Synthesis) -> list[Section]:
    """Sections with their statements; each statement gets `backing` (Evidence: how many
    contributions back it, from which channels, and the public ones to read)."""
    visible = Contribution.objects.filter(published_q())
    sections = list(
        synthesis.sections.select_related("topic").prefetch_related(
            Prefetch(
                "statements",
                queryset=Statement.objects.prefetch_related(
                    Prefetch("evidence", queryset=visible.order_by("pk"))
                ).prefetch_related("comments__author"),
            )
        )
    )
    for section in sections:
        for statement in section.statements.all():
            items = list(statement.evidence.all())
            statement.backing = Evidence(  # type: ignore[attr-defined]
                contributions=items, by_channel=dict(Counter(c.channel for c in items))
            )
    return sections


# --- Answers --------------------------------------------------------------------------------


@dataclass
class AnswerSubject:
    """A topic or a proposal with its answers, latest first (the first is its status)."""

    topic: Topic | None
    contribution: Contribution | None
    answers: list[Answer]
    section: Section | None = None  # the published synthesis's section about its topic

    @property
    def current(self) -> Answer:
        return self.answers[0]

    @property
    def title(self) -> str:
        if self.topic is not None:
            return self.topic.label
        assert self.contribution is not None
        return self.contribution.title or self.contribution.body[:80]


def answers_of(*, process: Process, public: bool = True) -> list[AnswerSubject]:
    """Every topic and proposal that has an answer, topics first; `public`: leaves out the
    proposals hidden, withdrawn or held for review since they were answered."""
    grouped: dict[tuple[str, int | None], list[Answer]] = defaultdict(list)
    answers = Answer.objects.filter(process=process)
    if public:
        answers = answers.filter(Q(contribution=None) | published_q("contribution__"))
    for answer in answers.select_related("topic", "contribution"):
        key = ("t", answer.topic_id) if answer.topic_id else ("c", answer.contribution_id)
        grouped[key].append(answer)
    subjects = [
        AnswerSubject(topic=answers[0].topic, contribution=answers[0].contribution, answers=answers)
        for answers in grouped.values()
    ]
    subjects.sort(key=lambda s: (s.topic is None, s.title.lower()))
    return subjects


def answers_to(*, contribution: Contribution) -> list[Answer]:
    """The answers given about one proposal, the latest first."""
    return list(Answer.objects.filter(contribution=contribution).order_by("-created_at", "-pk"))


def proposals_to_answer(*, process: Process, including: int | None = None) -> list[Contribution]:
    """The published ideas an agent may answer: the 300 latest, and `including` (the one
    answered from its page) when it is a published idea of the process."""
    ideas = Contribution.objects.filter(published_q(), process=process, kind=Contribution.Kind.IDEA)
    proposals = list(ideas.order_by("-pk")[:300])
    if including is not None:
        proposals += [c for c in ideas.filter(pk=including) if c not in proposals]
    return proposals


def sections_for_answers(
    subjects: list[AnswerSubject], synthesis: Synthesis | None
) -> list[AnswerSubject]:
    """Give each answered topic the section of `synthesis` that speaks of it (the section's
    topic, one of its sub-topics or a topic merged into it), so that a decision links to
    what was heard."""
    if synthesis is None:
        return subjects
    by_topic: dict[int, Section] = {}
    for section in synthesis.sections.exclude(topic=None).select_related("topic"):
        assert section.topic is not None
        for pk in topic_tree_ids(section.topic):
            by_topic.setdefault(pk, section)
    for subject in subjects:
        if subject.topic is not None:
            final = _final_topic(subject.topic)
            subject.section = by_topic.get(subject.topic.pk) or (
                by_topic.get(final.pk) if final is not None else None
            )
    return subjects


def status_counts(subjects: list[AnswerSubject]) -> list[tuple[str, int]]:
    counts = Counter(s.current.status for s in subjects)
    return [(str(label), counts[value]) for value, label in Answer.Status.choices if counts[value]]


# --- Outcomes -------------------------------------------------------------------------------


@dataclass
class Outcome:
    contribution: Contribution
    topic: Topic | None
    statements: list[Statement]
    answer: Answer | None


def _final_topic(topic: Topic | None) -> Topic | None:
    seen: set[int] = set()
    while topic is not None and topic.merged_into_id and topic.pk not in seen:
        seen.add(topic.pk)
        topic = topic.merged_into
    return topic


def outcomes_of(contributions: QuerySet[Contribution]) -> list[Outcome]:
    """What became of each contribution: its topic, the published statements it backs (latest
    version of each synthesis), and the latest answer about it or, failing that, its topic
    (or the topic's parent)."""
    items = list(
        contributions.select_related(
            "process__organization",
            "synthesis_assignment__topic__merged_into",
            "synthesis_assignment__topic__parent",
        ).order_by("-created_at")
    )
    ids = [c.pk for c in items]
    latest = {
        s.process_id: s.pk
        for s in Synthesis.objects.filter(
            process__in={c.process_id for c in items}, status=Synthesis.Status.PUBLISHED
        ).order_by("version")
    }
    statements: dict[int, list[Statement]] = defaultdict(list)
    through = Statement.evidence.through.objects.filter(
        contribution_id__in=ids, statement__section__synthesis__in=latest.values()
    ).select_related("statement__section")
    for row in through:
        statements[row.contribution_id].append(row.statement)
    topics = {}
    for c in items:
        assignment = getattr(c, "synthesis_assignment", None)
        topics[c.pk] = _final_topic(assignment.topic if assignment else None)
    topic_ids = {t.pk for t in topics.values() if t} | {
        t.parent_id for t in topics.values() if t and t.parent_id
    }
    answers = Answer.objects.filter(Q(contribution__in=ids) | Q(topic__in=topic_ids)).order_by(
        "-created_at", "-pk"
    )
    by_contribution: dict[int, Answer] = {}
    by_topic: dict[int, Answer] = {}
    for answer in answers:
        if answer.contribution_id:
            by_contribution.setdefault(answer.contribution_id, answer)
        elif answer.topic_id:
            by_topic.setdefault(answer.topic_id, answer)
    outcomes = []
    for c in items:
        topic = topics[c.pk]
        latest_answer = by_contribution.get(c.pk)
        if latest_answer is None and topic is not None:
            latest_answer = by_topic.get(topic.pk) or by_topic.get(topic.parent_id or 0)
        outcomes.append(
            Outcome(contribution=c, topic=topic, statements=statements[c.pk], answer=latest_answer)
        )
    return outcomes


def outcome_of(*, contribution: Contribution) -> Outcome:
    """What became of one contribution (see outcomes_of)."""
    return outcomes_of(Contribution.objects.filter(pk=contribution.pk))[0]


def topic_tree_ids(topic: Topic) -> list[int]:
    """The topic, its sub-topics and the topics merged into it."""
    return [
        topic.pk,
        *Topic.objects.filter(Q(parent=topic) | Q(merged_into=topic)).values_list("pk", flat=True),
    ]


def contributions_of_topic(*, topic: Topic) -> QuerySet[Contribution]:
    """The contributions placed in the topic, its sub-topics or the topics merged into it."""
    return Contribution.objects.filter(synthesis_assignment__topic__in=topic_tree_ids(topic))


def answer_delays(*, process: Process) -> dict[str, Any]:
    """How long contributors waited for a public answer: for each published contribution
    answered directly or through its topic (or the topic's parent), the days from the
    contribution to the first answer. Median over the answered ones, and their share."""
    import statistics

    contributions = Contribution.objects.filter(
        process=process, is_hidden=False, withdrawn_at__isnull=True
    )
    total = contributions.count()
    first_direct: dict[int, Any] = {}
    first_topic: dict[int, Any] = {}
    for answer in Answer.objects.filter(process=process).order_by("created_at"):
        if answer.contribution_id:
            first_direct.setdefault(answer.contribution_id, answer.created_at)
        elif answer.topic_id:
            first_topic.setdefault(answer.topic_id, answer.created_at)
    topics = {t.pk: t for t in Topic.objects.filter(process=process)}
    delays = []
    for pk, created_at, placed_in in contributions.values_list(
        "pk", "created_at", "synthesis_assignment__topic"
    ):
        candidates = [first_direct.get(pk)]
        seen: set[int] = set()
        topic_id: int | None = placed_in
        while topic_id is not None and topic_id not in seen:  # the topic, merges, parents
            seen.add(topic_id)
            candidates.append(first_topic.get(topic_id))
            topic = topics[topic_id]
            candidates.append(first_topic.get(topic.parent_id or 0))
            topic_id = topic.merged_into_id
        answered = [c for c in candidates if c is not None]
        if answered:
            delays.append(max(0.0, (min(answered) - created_at).total_seconds() / 86400))
    return {
        "contributions": total,
        "answered": len(delays),
        "share_answered": round(len(delays) / total, 3) if total else None,
        "median_days": round(statistics.median(delays), 1) if delays else None,
    }


def section_figures(sections: list[Section]) -> list[dict[str, Any]]:
    """For each topic section: how many contributions the workspace places in its topic (and
    sub-topics, and topics merged into it), with a bar width in percent of the largest."""
    counts = [
        (section, Assignment.objects.filter(topic__in=topic_tree_ids(section.topic)).count())
        for section in sections
        if section.topic is not None
    ]
    largest = max((n for _section, n in counts), default=0) or 1
    return [
        {
            "title": section.title,
            "kind": section.kind,
            "n": n,
            "width": f"{100 * n / largest:.1f}",  # CSS wants a dot in every language
        }
        for section, n in counts
    ]


# --- Double coding and the codebook ---------------------------------------------------------


def coding_samples_of(*, process: Process) -> QuerySet[CodingSample]:
    return CodingSample.objects.filter(process=process).select_related("coder_a", "coder_b")


def coding_sample_get(*, process: Process, pk: int) -> CodingSample:
    return get_or_404(coding_samples_of(process=process), pk=pk)


def sample_contributions(*, sample: CodingSample) -> QuerySet[Contribution]:
    """The sample's contributions, in a stable order (for the coders' pages)."""
    return sample.contributions.order_by("pk")


def codebook_categories(*, organization: Any) -> QuerySet[CodebookCategory]:
    return CodebookCategory.objects.filter(organization=organization)


def codebook_category_get(*, organization: Any, pk: Any) -> CodebookCategory:
    return get_or_404(codebook_categories(organization=organization), pk=pk)
