"""Reads for participatory budgets: projects, ballots as an election, stored counts and the
results explained project by project, open data (`.pb` and CSV)."""

from __future__ import annotations

import hashlib
import hmac
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from palabre.contributions.models import Contribution
from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.core.orm import get_or_404
from palabre.core.spreadsheet import csv_writer
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action
from palabre_analysis import budget as engine

from .models import (
    Ballot,
    BallotChoice,
    Budget,
    Envelope,
    PaperEntry,
    Project,
    ProjectEvent,
    Tally,
    WorkUpdate,
)

VOTE_TYPES: dict[str, str] = {
    Budget.Method.APPROVAL: "approval",
    Budget.Method.KNAPSACK: "approval",
    Budget.Method.CUMULATIVE: "cumulative",
    Budget.Method.RANKING: "ordinal",
}


def project_key(pk: int) -> str:
    """A project's id in an election: zero-padded, so that the engine's tie-break (ids
    compared as text) is the order of creation, and `.pb` exports count the same."""
    return f"{pk:06d}"


def envelopes_of(*, budget: Budget) -> list[Envelope]:
    return list(budget.envelopes.select_related("neighbourhood"))


def envelope_get(*, budget: Budget, pk: int) -> Envelope:
    return get_or_404(Envelope.objects.filter(budget=budget), pk=pk)


def envelopes_overview(*, budget: Budget) -> list[tuple[Envelope, dict[str, int], int]]:
    """For the set-up page: each envelope with its ballots per channel and its number of
    projects."""
    return [
        (envelope, vote_counts(envelope=envelope), envelope.projects.count())
        for envelope in envelopes_of(budget=budget)
    ]


def codes_counts(*, budget: Budget) -> tuple[int, int]:
    """(invitation codes generated, codes used)."""
    return budget.codes.count(), budget.codes.exclude(used_at=None).count()


def code_used(*, budget: Budget, voter: Any) -> bool:
    """Whether `voter` already used an invitation code of this budget (then the ballot form
    asks for none: the same rule as the vote's)."""
    return bool(voter.is_authenticated) and budget.codes.filter(used_by=voter).exists()


def projects_of(*, budget: Budget, public: bool = True) -> QuerySet[Project]:
    """Projects with their supports (distinct supporters of their ideas) and source ideas."""
    projects = (
        Project.objects.filter(budget=budget)
        .select_related("envelope", "merged_into")
        .prefetch_related("ideas")
        .annotate(
            supports=Count(
                "ideas__supports__user",
                distinct=True,
                filter=Q(ideas__supports__isnull=False),
            )
        )
    )
    if public:  # a proposal waits while its idea is held for review or hidden
        projects = projects.exclude(
            Q(status=Project.Status.SUBMITTED)
            & (Q(ideas__held_at__isnull=False) | Q(ideas__is_hidden=True))
        )
    return projects.order_by("envelope__position", "status", "title", "pk")


def project_get(*, budget: Budget, pk: int, public: bool = True) -> Project:
    """A project of the budget, or 404: `public`, one of projects_of (with its supports and
    ideas, left out while it waits for review); otherwise any, as the agents see them."""
    projects = projects_of(budget=budget) if public else Project.objects.filter(budget=budget)
    return get_or_404(projects, pk=pk)


def project_page(*, project: Project) -> dict[str, Any]:
    """What a project's public page shows besides the project: its published source ideas,
    the projects merged into it, its history and its works updates."""
    return {
        "ideas": [i for i in project.ideas.all() if i.held_at is None and not i.is_hidden],
        "merged_from": project.merged_from.all(),
        "events": project.events.all(),
        "updates": project.work_updates.all(),
    }


def project_events(*, project: Project) -> QuerySet[ProjectEvent]:
    """The project's history with who did what (for the agents)."""
    return project.events.select_related("actor")


def projects_to_merge(*, budget: Budget, pks: list[str]) -> list[Project]:
    """The budget's projects among these ids that are not merged already."""
    return list(
        budget.projects.filter(pk__in=[pk for pk in pks if pk.isdigit()]).exclude(
            status=Project.Status.MERGED
        )
    )


def proposal_idea(*, project: Project) -> Contribution:
    """The idea a participant's project proposal was made with."""
    return project.ideas.get()


def ballot_projects(*, envelope: Envelope) -> list[Project]:
    return list(envelope.projects.filter(status=Project.Status.ACCEPTED).order_by("title", "pk"))


def ballot_of(*, envelope: Envelope, voter: Any) -> Ballot | None:
    if not getattr(voter, "is_authenticated", False):
        return None
    return Ballot.objects.filter(envelope=envelope, voter=voter).prefetch_related("choices").first()


def ballot_points(*, ballot: Ballot | None) -> dict[int, int]:
    """The points the ballot gives each project (its choices, prefetched by ballot_of)."""
    return {c.project_id: c.points for c in ballot.choices.all()} if ballot else {}


def ballots_of_voter(*, budget: Budget, voter: Any) -> dict[int, Ballot]:
    if not getattr(voter, "is_authenticated", False):
        return {}
    return {b.envelope_id: b for b in Ballot.objects.filter(envelope__budget=budget, voter=voter)}


def vote_counts(*, envelope: Envelope) -> dict[str, int]:
    rows = envelope.ballots.values("channel").annotate(n=Count("pk"))
    return {row["channel"]: row["n"] for row in rows}


def ballot_totals(*, budget: Budget) -> dict[int, int]:
    """Ballots per envelope now (every envelope, 0 included)."""
    rows = budget.envelopes.annotate(n=Count("ballots")).values_list("pk", "n")
    return dict(rows)


def paper_entries_open(*, envelope: Envelope) -> dict[str, Any]:
    """The paper keyings still to settle: ballot numbers whose keyings differ (`conflicts`),
    and how many keyings wait for a second one (`pending`)."""
    entries = PaperEntry.objects.filter(envelope=envelope)
    return {
        "conflicts": list(
            entries.filter(status=PaperEntry.Status.CONFLICT)
            .values_list("paper_ref", flat=True)
            .distinct()
        ),
        "pending": entries.filter(status=PaperEntry.Status.PENDING).count(),
    }


def count_is_stale(*, budget: Budget) -> bool:
    """Counted once, then ballots were written: the stored count is no longer current."""
    return not budget.counted_at and Tally.objects.filter(envelope__budget=budget).exists()


def _ballot_groups(
    rows: Iterable[tuple[Any, ...]], order_key: str
) -> list[tuple[Any, list[tuple[Any, ...]]]]:
    """Rows grouped by ballot (the first column), the groups in the order of cast, or, with
    a secret key, in an order that key shuffles (the public files: nobody can tell from a
    ballot's number when it was cast)."""
    groups = [(ballot, list(group)) for ballot, group in groupby(rows, key=itemgetter(0))]
    if order_key:
        secret = order_key.encode()
        groups.sort(key=lambda g: hmac.new(secret, str(g[0]).encode(), hashlib.sha256).digest())
    return groups


def election_of(*, envelope: Envelope, order_key: str = "") -> engine.Election:
    """The envelope's ballots as an election for the counting engine (exact amounts);
    `order_key`: the ballots in the shuffled order of the public files."""
    budget = envelope.budget
    projects = {
        project_key(p.pk): engine.Project(project_key(p.pk), Fraction(p.cost or 0), p.title)
        for p in ballot_projects(envelope=envelope)
    }
    rows = (
        BallotChoice.objects.filter(ballot__envelope=envelope)
        .order_by("ballot_id", "points" if budget.method == Budget.Method.RANKING else "pk")
        .values_list("ballot_id", "project_id", "points")
        .iterator(chunk_size=10_000)
    )
    ranking = budget.method == Budget.Method.RANKING  # the engine reads the order
    ballots = [
        {
            project_key(project): 1 if ranking else points
            for _ballot, project, points in group
            if project_key(project) in projects
        }
        for _ballot, group in _ballot_groups(rows, order_key)
    ]
    meta = {
        "description": str(envelope),
        "country": "France",
        "unit": str(budget.process.organization),
        "instance": str(budget.process),
        "num_projects": str(len(projects)),
        "num_votes": str(len(ballots)),
        "budget": str(envelope.amount),
        "vote_type": VOTE_TYPES[budget.method],
        "rule": "equalshares/add1" if budget.rule == Budget.Rule.MES else "greedy",
        "currency": "EUR",
    }
    if budget.method == Budget.Method.RANKING:
        meta["max_length"] = str(budget.max_projects or len(projects))
    if budget.method == Budget.Method.CUMULATIVE:
        meta["max_sum_points"] = str(budget.points)
    return engine.Election(
        budget=Fraction(envelope.amount),
        projects=projects,
        ballots=ballots,
        vote_type=VOTE_TYPES[budget.method],
        meta=meta,
        voter_ids=[str(i) for i in range(1, len(ballots) + 1)],
    )


def results_visible_to(*, user: Any, budget: Budget) -> bool:
    if budget.results_published_at:
        return True
    return bool(
        budget.counted_at
        and organization_user_can(user, budget.process.organization, Action.VIEW_BACKOFFICE)
    )


@dataclass
class ProjectResult:
    project: Project
    score: int
    greedy: bool
    mes: bool
    greedy_rank: int
    left_at_turn: int  # greedy: what was left of the envelope when the project's turn came

    @property
    def selected_by_rule(self) -> dict[str, bool]:
        return {"greedy": self.greedy, "mes": self.mes}


@dataclass
class EnvelopeResults:
    envelope: Envelope
    ballots: int
    channels: dict[str, int]
    rows: list[ProjectResult]
    totals: dict[str, int] = field(default_factory=dict)
    computed_at: Any = None

    @property
    def differ(self) -> bool:
        return any(row.greedy != row.mes for row in self.rows)

    def chosen(self, rule: str) -> list[ProjectResult]:
        return [row for row in self.rows if row.selected_by_rule[rule]]


def results_of(*, budget: Budget) -> list[EnvelopeResults]:
    """Per envelope, from the stored counts: each project's score, whether each rule funds
    it and, for the greedy rule, what was left of the envelope when its turn came."""
    envelopes = list(budget.envelopes.prefetch_related("tallies"))
    scores = _scores(budget)
    results = []
    for envelope in envelopes:
        tallies = {t.rule: t for t in envelope.tallies.all()}
        if set(tallies) != set(Budget.Rule.values):
            continue
        projects = ballot_projects(envelope=envelope)
        order = sorted(projects, key=lambda p: (-scores.get(p.pk, 0), project_key(p.pk)))
        greedy_set = set(tallies["greedy"].selected)
        mes_set = set(tallies["mes"].selected)
        left = envelope.amount
        rows = []
        for rank, project in enumerate(order, start=1):
            rows.append(
                ProjectResult(
                    project=project,
                    score=scores.get(project.pk, 0),
                    greedy=project.pk in greedy_set,
                    mes=project.pk in mes_set,
                    greedy_rank=rank,
                    left_at_turn=left,
                )
            )
            if project.pk in greedy_set:
                left -= project.cost or 0
        results.append(
            EnvelopeResults(
                envelope=envelope,
                ballots=tallies["greedy"].ballots,
                channels=vote_counts(envelope=envelope),
                rows=rows,
                totals={rule: tally.total_cost for rule, tally in tallies.items()},
                computed_at=tallies["greedy"].computed_at,
            )
        )
    return results


def _scores(budget: Budget) -> dict[int, int]:
    """Votes (approval, knapsack), points (cumulative) or ballots ranking it (ranking)."""
    choices = BallotChoice.objects.filter(ballot__envelope__budget=budget)
    if budget.method == Budget.Method.CUMULATIVE:
        rows = choices.values("project_id").annotate(n=Sum("points"))
    else:
        rows = choices.values("project_id").annotate(n=Count("pk"))
    return {row["project_id"]: row["n"] for row in rows}


def works_of(*, budget: Budget) -> QuerySet[Project]:
    """Funded projects (by the deciding rule) with their works updates."""
    funded: list[int] = []
    for tally in Tally.objects.filter(envelope__budget=budget, rule=budget.rule):
        funded += tally.selected
    return (
        Project.objects.filter(pk__in=funded)
        .select_related("envelope")
        .prefetch_related(Prefetch("work_updates", queryset=WorkUpdate.objects.all()))
    )


# --- open data ---------------------------------------------------------------------------


def pb_export(*, envelope: Envelope) -> str:
    """The envelope's anonymised ballots and projects in Pabulib's `.pb` format."""
    election = election_of(envelope=envelope, order_key=envelope.budget.ballot_order_key)
    tally = {t.rule: t for t in envelope.tallies.all()}
    deciding = tally.get(envelope.budget.rule)
    # Pabulib's `votes`: how many ballots chose the project
    approvals = Counter(key for ballot in election.ballots for key in ballot)
    for key, project in election.projects.items():
        project.extra["votes"] = str(approvals[key])
        if deciding is not None:
            project.extra["selected"] = "1" if int(key) in deciding.selected else "0"
    if election.vote_type == "cumulative":  # and `score`: the points they gave it
        for key, value in engine.scores(election).items():
            election.projects[key].extra["score"] = str(value)
    return engine.write_pb(election)


def ballots_csv(*, envelope: Envelope) -> str:
    """The envelope's ballots, anonymised: a number (the same as in the `.pb` file, in an
    order shuffled by the count's secret), the channel, the projects chosen (ids as in the
    `.pb` file and the results CSV) and their points or ranks."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["ballot", "channel", "projects", "points"])
    rows = (
        BallotChoice.objects.filter(ballot__envelope=envelope)
        .order_by("ballot_id", "points", "pk")
        .values_list("ballot_id", "ballot__channel", "project_id", "points")
        .iterator(chunk_size=10_000)
    )
    groups = _ballot_groups(rows, envelope.budget.ballot_order_key)
    for number, (_ballot, choices) in enumerate(groups, start=1):
        writer.writerow(
            [
                number,
                choices[0][1],
                ",".join(project_key(project) for _b, _c, project, _p in choices),
                ",".join(str(points) for _b, _c, _project, points in choices),
            ]
        )
    return out.getvalue()


def csv_export(*, budget: Budget) -> str:
    """One row per project on the ballot: envelope, cost, votes, funded by each rule."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["envelope", "project_id", "title", "cost", "votes", "funded_greedy", "funded_mes"]
    )
    for result in results_of(budget=budget):
        for row in result.rows:
            writer.writerow(
                [
                    result.envelope.name,
                    project_key(row.project.pk),
                    row.project.title,
                    row.project.cost,
                    row.score,
                    int(row.greedy),
                    int(row.mes),
                ]
            )
    return out.getvalue()


def vote_open(*, budget: Budget) -> str | None:
    """None when ballots can be cast now, else why not."""
    from django.utils.translation import gettext as _

    reason = activity_closed_reason(budget.process, Activity.VOTE)
    if reason:
        return reason
    if not budget.ballot_published_at:
        return _("The ballot list is not published yet.")
    return None
