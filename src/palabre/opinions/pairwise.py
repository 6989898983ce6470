"""Pairwise comparison of ideas (wiki survey): writes and reads.

Participants see two ideas of a process and pick one, or say they cannot decide (with a
reason); they may add an idea, held for a moderator, which joins the pool once published.
The ranking (Bradley–Terry, `palabre_analysis.pairwise`) is recomputed by a throttled
background task and stored on the survey; pages only read it.
"""

from __future__ import annotations

import io
import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.contributions import services as contribution_services
from palabre.contributions.models import Contribution
from palabre.contributions.rules import IDEA_TEMPLATES, Activity
from palabre.core.orm import get_or_404
from palabre.core.spreadsheet import csv_writer
from palabre.processes.models import Process
from palabre_analysis import pairwise as engine

from .models import PairwiseSurvey, PairwiseVote


def survey_of(process: Process) -> PairwiseSurvey:
    if process.template not in IDEA_TEMPLATES:
        raise ValidationError(_("This participation process does not collect ideas."))
    survey, _created = PairwiseSurvey.objects.get_or_create(process=process)
    return survey


def survey_read(process: Process) -> PairwiseSurvey:
    """The survey for a page that only reads it: the stored one, or an unsaved one with its
    defaults until the first comparison is recorded (a GET writes nothing)."""
    if process.template not in IDEA_TEMPLATES:
        raise ValidationError(_("This participation process does not collect ideas."))
    return PairwiseSurvey.objects.filter(process=process).first() or PairwiseSurvey(process=process)


def pool(process: Process) -> Any:
    """The ideas in the comparison: published, not hidden, not withdrawn."""
    return Contribution.objects.filter(
        process=process,
        kind=Contribution.Kind.IDEA,
        held_at__isnull=True,
        is_hidden=False,
        withdrawn_at__isnull=True,
    )


def pool_idea_get(*, process: Process, pk: Any) -> Contribution:
    """An idea of the comparison pool, or 404."""
    return get_or_404(pool(process), pk=pk)


def next_pair(*, process: Process, voter: Any) -> tuple[Contribution, Contribution] | None:
    """Two ideas: the least shown first, against one of the least shown others; not the
    pair this voter just answered."""
    ideas = {idea.pk: idea for idea in pool(process).only("pk", "title", "body", "author")}
    if len(ideas) < 2:
        return None
    exposure: dict[str, int] = {}
    votes = PairwiseVote.objects.filter(survey__process=process)
    for field in ("left_id", "right_id"):
        for row in votes.values(field).annotate(n=Count("pk")):
            key = str(row[field])
            exposure[key] = exposure.get(key, 0) + row["n"]
    last, answered = None, 0
    if getattr(voter, "is_authenticated", False):
        mine = votes.filter(voter=voter)
        answered = mine.count()
        previous = mine.order_by("-pk").values_list("left_id", "right_id").first()
        last = (str(previous[0]), str(previous[1])) if previous else None
    rng = random.Random(f"{getattr(voter, 'pk', 'anonymous')}-{answered}")  # noqa: S311
    pair = engine.next_pair([str(pk) for pk in ideas], exposure, rng, avoid=last)
    if pair is None:
        return None
    return ideas[int(pair[0])], ideas[int(pair[1])]


@transaction.atomic
def pairwise_vote(
    *,
    process: Process,
    voter: Any,
    left: Contribution,
    right: Contribution,
    winner: Contribution | None,
    token: Any,
    reason: str = "",
) -> PairwiseVote:
    """Record one answer; the same form sent twice (same token) is recorded once."""
    contribution_services.activity_check(process, Activity.COMPARE)
    if voter is None or not voter.is_authenticated:
        raise ValidationError(_("Sign in to compare ideas."))
    existing = PairwiseVote.objects.filter(token=token).first()
    if existing is not None:
        return existing
    ids = set(pool(process).filter(pk__in=[left.pk, right.pk]).values_list("pk", flat=True))
    if left.pk == right.pk or ids != {left.pk, right.pk}:
        raise ValidationError(_("These ideas are not open to comparison."))
    if winner is not None and winner.pk not in ids:
        raise ValidationError(_("Choose one of the two ideas shown."))
    if winner is None and reason not in PairwiseVote.Reason.values:
        raise ValidationError({"reason": _("Say why you cannot decide.")})
    survey = survey_of(process)
    try:
        with transaction.atomic():
            vote = PairwiseVote.objects.create(
                survey=survey,
                voter=voter,
                left=left,
                right=right,
                winner=winner,
                reason="" if winner is not None else reason,
                segment=getattr(voter, "participant_type", "") or "",
                token=token,
            )
    except IntegrityError:  # the same token at the same moment
        return PairwiseVote.objects.get(token=token)
    recompute_request(process=process)
    return vote


@contribution_services.submitted_once()
@transaction.atomic
def pairwise_idea_propose(*, process: Process, author: Any, title: str, token: Any = None) -> Any:
    """A participant adds an idea while comparing: it joins the pool once a moderator has
    read it."""
    contribution_services.activity_check(process, Activity.COMPARE)
    text = " ".join(title.split())
    if not text:
        raise ValidationError({"title": _("Write your idea.")})
    if len(text) > 200:
        raise ValidationError({"title": _("200 characters at most: one short idea.")})
    return contribution_services.contribution_create(
        process=process,
        kind=Contribution.Kind.IDEA,
        title=text,
        body=text,
        author=author,
        submission_token=token,
        held_at=timezone.now(),
        held_terms=_("idea added while comparing"),
    )


def recompute_request(*, process: Process) -> bool:
    from .services import throttled_request
    from .tasks import pairwise_compute

    return throttled_request(PairwiseSurvey, process, pairwise_compute)


def ranking_compute(*, survey_id: int) -> int:
    """Recompute and store the ranking (run by the task). Returns the comparisons read.

    Per participant type (stored on each comparison) and per every dimension that the apps
    above answer through `signals.voter_segments` (neighbourhood from consented profiles)."""
    from .signals import voter_segments

    survey = PairwiseSurvey.objects.select_related("process__organization").get(pk=survey_id)
    PairwiseSurvey.objects.filter(pk=survey.pk).update(requested_at=None)
    ideas = [str(pk) for pk in pool(survey.process).values_list("pk", flat=True)]
    rows = survey.votes.values_list("left_id", "right_id", "winner_id", "segment", "voter_id")
    comparisons, voters, undecided = [], [], 0
    alive = set(ideas)
    for left, right, winner, segment, voter in rows.iterator():
        if winner is None:
            undecided += 1
            continue
        loser = right if winner == left else left
        if str(winner) in alive and str(loser) in alive:
            comparisons.append(engine.Comparison(str(winner), str(loser), segment))
            voters.append(voter)
    model = engine.PairwiseRanking(n_bootstrap=100, random_state=0)
    result = model.fit(comparisons, ideas, undecided=undecided).report()
    dimensions: dict[str, dict[int, str]] = {}
    for _receiver, answer in voter_segments.send(
        sender=PairwiseSurvey,
        organization=survey.process.organization,
        voters=sorted({v for v in voters if v is not None}),
    ):
        if isinstance(answer, dict):
            dimensions.update(answer)
    result["segments_by"] = {}
    for dimension, value_of in sorted(dimensions.items()):
        regrouped = [
            engine.Comparison(c.winner, c.loser, value_of.get(voter, "") if voter else "")
            for c, voter in zip(comparisons, voters, strict=True)
        ]
        result["segments_by"][dimension] = (
            engine.PairwiseRanking(n_bootstrap=100, random_state=0)
            .fit(regrouped, ideas)
            .report()["segments"]
        )
    PairwiseSurvey.objects.filter(pk=survey.pk).update(
        result=result, computed_at=timezone.now(), votes_counted=len(comparisons) + undecided
    )
    return len(comparisons)


def ranking_view(*, survey: PairwiseSurvey) -> dict[str, Any] | None:
    """The stored ranking with the ideas' titles, overall and per participant type."""
    if not survey.result:
        return None
    titles = dict(
        Contribution.objects.filter(process=survey.process, kind=Contribution.Kind.IDEA)
        .values_list("pk", "title")
        .iterator()
    )

    def named(rows: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if rows is None:
            return None
        return [{**row, "title": titles.get(int(row["id"]), "")} for row in rows]

    from palabre.accounts.models import User

    def segmented(rows: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
        return {
            str(labels.get(name, name)): {**value, "ranking": named(value.get("ranking"))}
            for name, value in rows.items()
        }

    segments = segmented(survey.result.get("segments", {}), dict(User.ParticipantType.choices))
    neighbourhoods = segmented(survey.result.get("segments_by", {}).get("neighbourhood", {}), {})
    undecided = dict(
        survey.votes.filter(winner__isnull=True)
        .values_list("reason")
        .annotate(n=Count("pk"))
        .values_list("reason", "n")
    )
    return {
        **survey.result,
        "ranking": named(survey.result["ranking"]),
        "segments": segments,
        "neighbourhoods": neighbourhoods,
        "undecided_reasons": undecided,
        "computed_at": survey.computed_at,
    }


def ranking_csv(*, survey: PairwiseSurvey) -> str:
    """The ranking as CSV; a title that a spreadsheet would run as a formula gets a leading
    apostrophe (ADR 0009)."""
    view = ranking_view(survey=survey)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["idea_id", "title", "score", "low", "high", "comparisons", "wins"])
    for row in (view or {}).get("ranking") or []:
        writer.writerow(
            [row[k] for k in ("id", "title", "score", "low", "high", "comparisons", "wins")]
        )
    return out.getvalue()


def answered_by(*, process: Process, voter: Any) -> int:
    if not getattr(voter, "is_authenticated", False):
        return 0
    return PairwiseVote.objects.filter(survey__process=process, voter=voter).count()
