"""Reads of the synthesis app: runs, the workspace, the published synthesis with its evidence,
the answers, and what became of a contribution."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet

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


def run_pending_of(*, process: Process) -> AnalysisRun | None:
    """The finished run waiting for an analyst to accept or set it aside, if any."""
    return (
        runs_of(process=process)
        .filter(status=AnalysisRun.Status.DONE, applied_at=None, discarded_at=None)
        .first()
    )


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


@dataclass
class TopicTree:
    """A process's topics as the workspace holds them: merges followed to the topic that now
    holds the contributions, sub-topics at any depth, and THE count of each topic: readable
    contributions (published_q) placed in it, its sub-topics or the topics merged into it.
    Every surface (workspace, topic page, run page, synthesis figures, open data, "Mes
    contributions", the API) counts with it, so that they never disagree."""

    topics: dict[int, Topic]
    direct: dict[int, int]  # final topic id → readable contributions placed there
    unclassified: int
    process_id: int | None = None

    def final(self, pk: int | None) -> int | None:
        """The topic that holds `pk`'s contributions (itself, or where it was merged)."""
        seen: set[int] = set()
        while pk is not None and pk in self.topics and pk not in seen:
            seen.add(pk)
            target = self.topics[pk].merged_into_id
            if target is None:
                return pk
            pk = target
        return pk

    def parent(self, pk: int) -> int | None:
        parent = self.final(self.topics[pk].parent_id)
        return None if parent == pk else parent

    def ancestors(self, pk: int | None) -> list[int]:
        """The final topic of `pk`, then its parents up to the top level."""
        out: list[int] = []
        current = self.final(pk)
        while current is not None and current not in out:
            out.append(current)
            current = self.parent(current)
        return out

    @cached_property
    def _children(self) -> dict[int | None, list[int]]:
        children: dict[int | None, list[int]] = defaultdict(list)
        for pk, topic in self.topics.items():
            if topic.merged_into_id is None:
                children[self.parent(pk)].append(pk)
        return children

    def children(self, pk: int | None) -> list[int]:
        """The live sub-topics of `pk` (None: the top-level topics)."""
        return self._children.get(self.final(pk) if pk is not None else None, [])

    def members(self, pk: int) -> list[int]:
        """Every topic whose contributions count for `pk`: its final topic, the topics merged
        into any of them, and their sub-topics at any depth."""
        root = self.final(pk)
        if root is None:
            return []
        live = {root}
        stack = [root]
        while stack:
            for child in self._children.get(stack.pop(), []):
                if child not in live:
                    live.add(child)
                    stack.append(child)
        return [t for t in self.topics if self.final(t) in live]

    @cached_property
    def totals(self) -> dict[int, int]:
        totals: dict[int, int] = defaultdict(int)
        for pk, n in self.direct.items():
            for ancestor in self.ancestors(pk):
                totals[ancestor] += n
        return totals

    def total(self, pk: int) -> int:
        """Readable contributions of the topic with its sub-topics and merged topics."""
        final = self.final(pk)
        return self.totals.get(final, 0) if final is not None else 0

    def own(self, pk: int) -> int:
        """Readable contributions placed in the topic itself (or topics merged into it)."""
        final = self.final(pk)
        return self.direct.get(final, 0) if final is not None else 0


def topic_tree(*, process: Process | int, counts: bool = True) -> TopicTree:
    """The process's TopicTree (two queries; one without the `counts`)."""
    topics = {t.pk: t for t in Topic.objects.filter(process=process).order_by("pk")}
    tree = TopicTree(
        topics=topics,
        direct={},
        unclassified=0,
        process_id=process if isinstance(process, int) else process.pk,
    )
    if not counts:
        return tree
    placed = (
        Assignment.objects.filter(published_q("contribution__"), process=process)
        .values_list("topic_id")
        .annotate(n=Count("pk"))
    )
    direct: dict[int, int] = defaultdict(int)
    for topic_id, n in placed:
        if topic_id is None:
            tree.unclassified = n
        else:
            final = tree.final(topic_id)
            assert final is not None
            direct[final] += n
    tree.direct = dict(direct)
    return tree


def topics_of(*, process: Process, tree: TopicTree | None = None) -> list[Topic]:
    """The workspace's topics (merged ones left out), top-level first, largest first, each
    with `children_list` (its sub-topics, at any depth), `n` (contributions placed there) and
    `n_total` (with its sub-topics): the counts of TopicTree."""
    tree = tree or topic_tree(process=process)

    def dress(pk: int) -> Topic:
        topic = tree.topics[pk]
        topic.n = tree.own(pk)  # type: ignore[attr-defined]
        topic.n_total = tree.total(pk)  # type: ignore[attr-defined]
        children = [dress(child) for child in tree.children(pk)]
        children.sort(key=lambda t: -t.n_total)  # type: ignore[attr-defined]
        topic.children_list = children  # type: ignore[attr-defined]
        return topic

    roots = [dress(pk) for pk in tree.children(None)]
    roots.sort(key=lambda t: -t.n_total)  # type: ignore[attr-defined]
    return roots


def topics_flat(roots: list[Topic], depth: int = 0) -> list[tuple[Topic, int]]:
    """topics_of's tree in reading order, each topic with its depth (0: top level)."""
    out: list[tuple[Topic, int]] = []
    for topic in roots:
        out.append((topic, depth))
        out += topics_flat(topic.children_list, depth + 1)  # type: ignore[attr-defined]
    return out


def topic_paths(*, process: Process) -> dict[int, str]:
    """Each live topic's name with its parents' ("Retraite › Dossier de retraite"), for lists
    where the tree's indentation is lost."""
    tree = topic_tree(process=process, counts=False)
    return {
        pk: " › ".join(tree.topics[a].label for a in reversed(tree.ancestors(pk)))
        for pk, topic in tree.topics.items()
        if topic.merged_into_id is None
    }


def topic_choices(*, process: Process) -> list[tuple[int, str]]:
    return [
        (topic.pk, "— " * depth + topic.label)
        for topic, depth in topics_flat(topics_of(process=process))
    ]


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
    return Assignment.objects.filter(
        published_q("contribution__"), process=process, topic__isnull=True
    ).count()


def assignments_in(*, process: Process, topic: Topic | None) -> QuerySet[Assignment]:
    """Contributions placed in `topic` (None: unclassified), quotes first."""
    return (
        Assignment.objects.filter(process=process, topic=topic)
        .select_related("contribution", "duplicate_of")
        .order_by("-pinned", "-score", "contribution_id")
    )


@dataclass
class ReadingFilters:
    """What the analyst narrows the reading room to (empty: everything)."""

    text: str = ""
    channel: str = ""
    stance: str = ""
    neighbourhood: int | None = None
    question: str = ""
    category: int | None = None
    to_review: bool = False
    by_agent: bool = False
    campaign: bool = False
    duplicate: bool = False

    @property
    def active(self) -> bool:
        return self != ReadingFilters()


UNCLASSIFIED = "unclassified"


def reading_room(
    *,
    process: Process,
    scope: Topic | str | None = None,
    filters: ReadingFilters | None = None,
    tree: TopicTree | None = None,
) -> QuerySet[Assignment]:
    """The readable contributions of the workspace for the reading room: of a topic with its
    sub-topics and merged topics (`scope` a Topic), the unclassified ones (UNCLASSIFIED) or
    all (None), narrowed by `filters`; quotes first, then the most typical. Paged by the
    caller (one COUNT and one page of rows, whatever the size)."""
    qs = Assignment.objects.filter(published_q("contribution__"), process=process)
    if isinstance(scope, Topic):
        tree = tree or topic_tree(process=process, counts=False)
        qs = qs.filter(topic__in=tree.members(scope.pk))
    elif scope == UNCLASSIFIED:
        qs = qs.filter(topic__isnull=True)
    f = filters or ReadingFilters()
    if f.text.strip():
        qs = qs.filter(
            Q(contribution__body__icontains=f.text.strip())
            | Q(contribution__title__icontains=f.text.strip())
        )
    if f.channel:
        qs = qs.filter(contribution__channel=f.channel)
    if f.stance:
        qs = qs.filter(contribution__stance=f.stance)
    if f.neighbourhood is not None:
        qs = qs.filter(contribution__neighbourhood_id=f.neighbourhood)
    if f.question:
        qs = qs.filter(contribution__question=f.question)
    if f.category is not None:
        qs = qs.filter(category_id=f.category)
    if f.to_review:
        qs = qs.filter(to_review=True)
    if f.by_agent:
        qs = qs.filter(source=Assignment.Source.AGENT)
    if f.campaign:
        qs = qs.filter(campaign=True)
    if f.duplicate:
        qs = qs.filter(duplicate_of__isnull=False)
    return qs.select_related(
        "contribution", "contribution__neighbourhood", "topic", "category"
    ).order_by("-pinned", "-score", "contribution_id")


def reading_item(*, process: Process, contribution_id: Any) -> Assignment | None:
    """One contribution of the workspace, whole, for the reading room's side panel."""
    if not str(contribution_id).isdigit():
        return None
    return (
        Assignment.objects.filter(
            published_q("contribution__"), process=process, contribution_id=int(contribution_id)
        )
        .select_related("contribution", "contribution__neighbourhood", "topic", "category")
        .prefetch_related("contribution__statements__section__synthesis")
        .first()
    )


def reading_facets(*, process: Process) -> dict[str, list[tuple[Any, str]]]:
    """The values the reading room's filters offer: those present in the process."""
    from palabre.organizations.models import Neighbourhood

    contributions = Contribution.objects.filter(published_q(), process=process).order_by()
    channels = dict(Contribution._meta.get_field("channel").choices or [])
    stances = dict(Contribution.Stance.choices)
    present = set(contributions.values_list("channel", flat=True).distinct())
    return {
        "channel": [(c, str(channels.get(c, c))) for c in channels if c in present],
        "stance": [
            (s, str(stances[s]))
            for s in contributions.exclude(stance="").values_list("stance", flat=True).distinct()
            if s in stances
        ],
        "neighbourhood": list(
            Neighbourhood.objects.filter(
                pk__in=contributions.exclude(neighbourhood=None).values("neighbourhood")
            ).values_list("pk", "name")
        ),
        "question": [
            (q, q)
            for q in contributions.exclude(question="")
            .order_by("question")
            .values_list("question", flat=True)
            .distinct()[:50]
        ],
        "category": [
            (c.pk, c.name)
            for c in CodebookCategory.objects.filter(
                pk__in=Assignment.objects.filter(process=process)
                .exclude(category=None)
                .values("category")
            )
        ],
    }


def journal_of(*, process: Process, topic: Topic | None = None) -> QuerySet[Edit]:
    """The workspace's journal, latest first; `can_undo` on each entry (the rows it changed
    are not loaded)."""
    qs = (
        Edit.objects.filter(process=process)
        .select_related("user", "topic")
        .defer("undo")
        .annotate(
            can_undo=ExpressionWrapper(
                Q(undo__isnull=False, undone_at__isnull=True),
                output_field=BooleanField(),
            )
        )
    )
    return qs.filter(topic=topic) if topic is not None else qs


def topic_labels_by_engine_key(*, process: Process) -> dict[str, str]:
    """The workspace's names of the topics the run last applied made or matched, by the
    engine's topic id (merges followed)."""
    tree = topic_tree(process=process, counts=False)
    out = {}
    for topic in tree.topics.values():
        final = tree.final(topic.pk)
        if topic.engine_key and final is not None:
            out[topic.engine_key] = tree.topics[final].label
    return out


def edit_get(*, process: Process, pk: Any) -> Edit:
    return get_or_404(Edit.objects.filter(process=process), pk=pk)


def categories_of(*, process: Process) -> list[dict[str, Any]]:
    """The codebook categories contributions were filed under (a codebook run accepted),
    with how many readable contributions each holds and how many are to review."""
    rows = (
        Assignment.objects.filter(published_q("contribution__"), process=process)
        .exclude(category=None)
        .values("category_id", "category__name")
        .annotate(n=Count("pk"), review=Count("pk", filter=Q(to_review=True)))
        .order_by("-n", "category__name")
    )
    return [
        {"pk": r["category_id"], "name": r["category__name"], "n": r["n"], "review": r["review"]}
        for r in rows
    ]


def to_review_count(*, process: Process) -> int:
    return Assignment.objects.filter(
        published_q("contribution__"), process=process, to_review=True
    ).count()


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


def draft_statement_choices(*, process: Process) -> list[tuple[int, str]]:
    """The statements of the draft synthesis, to cite contributions as their evidence."""
    from django.utils.text import Truncator

    return [
        (s.pk, f"{s.section.title} — {Truncator(s.text).chars(70)}")
        for s in Statement.objects.filter(
            section__synthesis__process=process, section__synthesis__status=Synthesis.Status.DRAFT
        )
        .select_related("section")
        .order_by("section__position", "section__pk", "position", "pk")
    ]


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
    tree = topic_tree(process=synthesis.process_id, counts=False)
    by_topic: dict[int, Section] = {}
    for section in synthesis.sections.exclude(topic=None):
        assert section.topic_id is not None
        for pk in tree.members(section.topic_id):
            by_topic.setdefault(pk, section)
    for subject in subjects:
        if subject.topic is not None:
            subject.section = by_topic.get(subject.topic.pk) or next(
                (by_topic[pk] for pk in tree.ancestors(subject.topic.pk) if pk in by_topic), None
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
    section: Section | None = None  # of the published synthesis that speaks of its topic

    @property
    def assignment(self) -> Assignment | None:
        """The contribution's place in the workspace (None: never analysed nor placed)."""
        return getattr(self.contribution, "synthesis_assignment", None)


def outcomes_of(
    contributions: QuerySet[Contribution], *, tree: TopicTree | None = None
) -> list[Outcome]:
    """What became of each contribution: its topic (where merges led it), the published
    statements it backs (latest version of each synthesis), and the latest answer about it
    or, failing that, about its topic or the nearest of the topic's parents that has one.
    "Mes contributions", the open data and the API all read it."""
    items = list(
        contributions.select_related("process__organization", "synthesis_assignment").order_by(
            "-created_at", "-pk"
        )
    )
    ids = contributions.order_by().values("pk")  # a subquery: no list of 100,000 parameters
    trees = {
        pk: tree
        if tree is not None and tree.process_id == pk
        else topic_tree(process=pk, counts=False)
        for pk in {c.process_id for c in items}
    }
    latest = {
        s.process_id: s.pk
        for s in Synthesis.objects.filter(
            process__in=list(trees), status=Synthesis.Status.PUBLISHED
        ).order_by("version")
    }
    statements: dict[int, list[Statement]] = defaultdict(list)
    through = (
        Statement.evidence.through.objects.filter(
            contribution_id__in=ids, statement__section__synthesis__in=latest.values()
        )
        .select_related("statement__section")
        .order_by("statement__section__position", "statement__position", "statement_id")
    )
    for row in through:
        statements[row.contribution_id].append(row.statement)
    sections: dict[int, Section] = {}  # topic id → section of its process's latest synthesis
    for section in (
        Section.objects.filter(synthesis__in=latest.values(), topic__isnull=False)
        .select_related("synthesis")
        .order_by("position", "pk")
    ):
        assert section.topic_id is not None
        for pk in trees[section.synthesis.process_id].members(section.topic_id):
            sections.setdefault(pk, section)
    chains: dict[int, list[int]] = {}
    for c in items:
        assignment = getattr(c, "synthesis_assignment", None)
        chains[c.pk] = trees[c.process_id].ancestors(assignment.topic_id if assignment else None)
    answers = Answer.objects.filter(
        Q(contribution__in=ids) | Q(process__in=list(trees), topic__isnull=False)
    ).order_by("-created_at", "-pk")
    by_contribution: dict[int, Answer] = {}
    by_topic: dict[int, Answer] = {}
    for answer in answers:
        if answer.contribution_id:
            by_contribution.setdefault(answer.contribution_id, answer)
        elif answer.topic_id:  # about a topic since merged: about the one that holds it
            final = trees[answer.process_id].final(answer.topic_id)
            by_topic.setdefault(final or answer.topic_id, answer)
    outcomes = []
    for c in items:
        chain = chains[c.pk]
        latest_answer = by_contribution.get(c.pk) or next(
            (by_topic[pk] for pk in chain if pk in by_topic), None
        )
        topic = trees[c.process_id].topics[chain[0]] if chain else None
        outcomes.append(
            Outcome(
                contribution=c,
                topic=topic,
                statements=statements[c.pk],
                answer=latest_answer,
                section=next((sections[pk] for pk in chain if pk in sections), None),
            )
        )
    return outcomes


def outcome_of(*, contribution: Contribution) -> Outcome:
    """What became of one contribution (see outcomes_of)."""
    return outcomes_of(Contribution.objects.filter(pk=contribution.pk))[0]


def outcomes_public(*, process: Process, offset: int = 0, limit: int = 500) -> list[Outcome]:
    """What became of the process's public contributions, by contribution number, one page
    (the API's list of outcomes)."""
    from palabre.contributions.selectors import contributions_public

    offset, limit = max(0, offset), max(0, limit)
    page = list(
        contributions_public(process=process)
        .order_by("pk")
        .values_list("pk", flat=True)[offset : offset + limit]
    )
    outcomes = outcomes_of(contributions_public(process=process).filter(pk__in=page))
    return sorted(outcomes, key=lambda o: o.contribution.pk)


def outcome_public(*, process: Process, pk: int) -> Outcome:
    """What became of one public contribution of the process; 404 for any other."""
    from palabre.contributions.selectors import contributions_public

    contribution = get_or_404(contributions_public(process=process), pk=pk)
    return outcome_of(contribution=contribution)


def topic_tree_ids(topic: Topic, tree: TopicTree | None = None) -> list[int]:
    """The topic, its sub-topics at any depth and the topics merged into any of them: the
    topics whose contributions count for it (TopicTree.members)."""
    tree = tree or topic_tree(process=topic.process)
    return tree.members(topic.pk)


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
    tree = topic_tree(process=process, counts=False)
    first_direct: dict[int, Any] = {}
    first_topic: dict[int, Any] = {}
    for answer in Answer.objects.filter(process=process).order_by("created_at", "pk"):
        if answer.contribution_id:
            first_direct.setdefault(answer.contribution_id, answer.created_at)
        elif answer.topic_id:
            first_topic.setdefault(
                tree.final(answer.topic_id) or answer.topic_id, answer.created_at
            )
    delays = []
    for pk, created_at, placed_in in contributions.values_list(
        "pk", "created_at", "synthesis_assignment__topic"
    ):
        candidates = [first_direct.get(pk)] + [
            first_topic.get(topic_id) for topic_id in tree.ancestors(placed_in)
        ]
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
    """For each topic section: how many readable contributions the workspace places in its
    topic (TopicTree.total; for a published version, the count frozen when it was published),
    with a bar width in percent of the largest."""
    trees: dict[int, TopicTree] = {}
    counts = []
    for section in sections:
        if section.topic_id is None:
            continue
        if section.published_count is not None:  # a published version keeps its figures
            counts.append((section, section.published_count))
        else:
            process_id = section.synthesis.process_id
            tree = trees.setdefault(process_id, topic_tree(process=process_id))
            counts.append((section, tree.total(section.topic_id)))
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


def likely_topics(
    *, process: Process, contributions: list[Contribution], k: int = 10, per_topic: int = 40
) -> dict[int, list[int]]:
    """For each contribution, the `k` topics it most likely belongs to (most likely first),
    learnt from each live topic's label and up to `per_topic` of its readable contributions
    (quotes first, then the most typical), the contributions being ranked left out. Offered
    first to a coder who would otherwise scroll through every topic."""
    from django.db.models import F, Window
    from django.db.models.functions import RowNumber

    from palabre_analysis.ranking import TopicRanker

    tree = topic_tree(process=process, counts=False)
    texts: dict[int, list[str]] = {
        pk: [topic.label] for pk, topic in tree.topics.items() if topic.merged_into_id is None
    }
    if not texts or not contributions:
        return {}
    rows = (
        Assignment.objects.filter(published_q("contribution__"), process=process)
        .exclude(topic=None)
        .exclude(contribution__in=[c.pk for c in contributions])
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("topic_id")],
                order_by=[F("pinned").desc(), F("score").desc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=per_topic)
        .values_list("topic_id", "contribution__title", "contribution__body")
    )
    for topic_id, title, body in rows:
        final = tree.final(topic_id)
        if final in texts:
            texts[final].append(f"{title} {body}")
    ranker = TopicRanker[int](k=k).fit(texts)
    ranked = ranker.rank([f"{c.title} {c.body}" for c in contributions])
    return {c.pk: order for c, order in zip(contributions, ranked, strict=True)}


def sample_contributions(*, sample: CodingSample) -> QuerySet[Contribution]:
    """The sample's contributions, in a stable order (for the coders' pages)."""
    return sample.contributions.order_by("pk")


def codebook_categories(*, organization: Any) -> QuerySet[CodebookCategory]:
    return CodebookCategory.objects.filter(organization=organization)


def codebook_size(*, organization: Any) -> int:
    return codebook_categories(organization=organization).count()


def codebook_category_get(*, organization: Any, pk: Any) -> CodebookCategory:
    return get_or_404(codebook_categories(organization=organization), pk=pk)


def proposals_for_section(*, section: Section) -> list[dict[str, Any]]:
    """What the analysis found people propose about a section's topic, to turn into
    statements: the proposals of the run last applied to the workspace (its topic ids are
    the workspace topics' `engine_key`) whose topic or sub-topic is the section's topic, one
    of its sub-topics or a topic merged into them; the most held first. Each is a dict `id`,
    `text`, `contributors` (the engine's voices), `stance` and `evidence`: the ids of its
    contributions still readable (published_q); a proposal with none left, or whose text is
    already a statement of the draft, is left out."""
    if section.topic_id is None:
        return []
    process_id = section.synthesis.process_id
    proposals = (
        AnalysisRun.objects.filter(
            process_id=process_id, status=AnalysisRun.Status.DONE, applied_at__isnull=False
        )
        # not a codebook run (`exclude(parameters__codebook=True)` would also leave out, on
        # SQLite, the runs whose parameters do not name the codebook)
        .filter(Q(parameters__codebook__isnull=True) | Q(parameters__codebook=False))
        .order_by("-applied_at", "-pk")
        .values_list("result__proposals", flat=True)
        .first()
    )
    if not proposals:
        return []
    tree = topic_tree(process=process_id, counts=False)
    keys = {tree.topics[pk].engine_key for pk in tree.members(section.topic_id)} - {""}
    chosen = [p for p in proposals if p["topic"] in keys or p.get("subtopic") in keys]
    written = set(
        Statement.objects.filter(section__synthesis_id=section.synthesis_id).values_list(
            "text", flat=True
        )
    )
    chosen = [p for p in chosen if p["text"].strip() not in written]
    wanted = {int(i) for p in chosen for i in p["evidence"] if str(i).isdigit()}
    readable = set(
        Contribution.objects.filter(
            published_q(), process_id=process_id, pk__in=wanted
        ).values_list("pk", flat=True)
    )
    out = []
    for proposal in sorted(chosen, key=lambda p: -p["contributors"]):
        evidence = [int(i) for i in proposal["evidence"] if str(i).isdigit() and int(i) in readable]
        if evidence:
            out.append(
                {
                    "id": proposal["id"],
                    "text": proposal["text"],
                    "contributors": proposal["contributors"],
                    "stance": proposal.get("stance", ""),
                    "evidence": evidence,
                }
            )
    return out
