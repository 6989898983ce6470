"""Participation metrics of a process, from Palabre's own data (issue: evaluation).

Participants are the accounts that did anything in the process (contributed, supported,
answered a questionnaire, voted in a budget, on an opinion map or in a comparison,
registered for a meeting); contributions entered on paper, in meetings or with a mediator
are counted as contributions, not as accounts. Cells below `threshold` (10) are suppressed
in breakdowns by participant type and neighbourhood.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from palabre.accounts.models import User
from palabre.budgets.models import Ballot
from palabre.contributions.models import Contribution, Support
from palabre.core.models import Channel
from palabre.core.spreadsheet import csv_writer
from palabre.moderation.models import Report
from palabre.opinions.models import PairwiseVote, Vote
from palabre.processes.models import MeetingRegistration, Process
from palabre.questionnaires.models import Response

from .models import DailyVisitor, DailyVisits

THRESHOLD = 10


def profile_of(*, organization: Any, user: Any) -> Any:
    """The person's answers about themselves for this organisation, if they gave any."""
    from .models import Profile

    return Profile.objects.filter(organization=organization, user=user).first()


def feedback_answer_of(*, process: Process, respondent: Any) -> Any:
    """The person's answer to the process's feedback survey, if they gave one."""
    from .models import FeedbackAnswer

    return FeedbackAnswer.objects.filter(process=process, respondent=respondent).first()


def sheet_of(*, process: Process) -> Any:
    """The process's evaluation sheet, if the agents filled it in."""
    from .models import EvaluationSheet

    return EvaluationSheet.objects.filter(process=process).first()


def participant_ids(process: Process) -> set[int]:
    ids: set[int] = set()
    sources = [
        Contribution.objects.filter(process=process, author__isnull=False).values_list(
            "author_id", flat=True
        ),
        Support.objects.filter(contribution__process=process).values_list("user_id", flat=True),
        Response.objects.filter(process=process, respondent__isnull=False).values_list(
            "respondent_id", flat=True
        ),
        Ballot.objects.filter(envelope__budget__process=process, voter__isnull=False).values_list(
            "voter_id", flat=True
        ),
        Vote.objects.filter(statement__process=process).values_list("voter_id", flat=True),
        PairwiseVote.objects.filter(survey__process=process).values_list("voter_id", flat=True),
        MeetingRegistration.objects.filter(meeting__process=process).values_list(
            "user_id", flat=True
        ),
    ]
    for source in sources:
        ids.update(source.distinct())
    return ids


def suppress_small_cells(rows: dict[str, int]) -> dict[str, int | None]:
    """Counts under THRESHOLD become None (never shown nor published); zeros stay."""
    return {k: (v if v >= THRESHOLD or v == 0 else None) for k, v in rows.items()}


def process_metrics(*, process: Process) -> dict[str, Any]:
    # rolled-up days carry their visitors; days not yet summed up still have their hashes
    today = timezone.localdate()
    visits = DailyVisits.objects.filter(process=process)
    series: dict[dt.date, int] = {row.day: row.visitors for row in visits}
    for row in DailyVisitor.objects.filter(process=process).values("day").annotate(n=Count("pk")):
        series[row["day"]] = series.get(row["day"], 0) + row["n"]
    visitors = sum(series.values())
    page_views = visits.aggregate(p=Sum("page_views"))["p"] or 0
    start = today - dt.timedelta(days=59)
    daily = [
        (start + dt.timedelta(days=i), series.get(start + dt.timedelta(days=i), 0))
        for i in range(60)
    ]

    participants = participant_ids(process)
    contributions = Contribution.objects.filter(process=process)
    contributors = set(
        contributions.filter(author__isnull=False).values_list("author_id", flat=True)
    )
    earlier = Process.objects.filter(
        organization=process.organization, created_at__lt=process.created_at
    )
    returning = set(
        Contribution.objects.filter(process__in=earlier, author_id__in=participants)
        .values_list("author_id", flat=True)
        .distinct()
    ) | set(
        Support.objects.filter(contribution__process__in=earlier, user_id__in=participants)
        .values_list("user_id", flat=True)
        .distinct()
    )

    def by(field: str) -> dict[str, int]:
        rows = contributions.values(field).annotate(n=Count("pk")).order_by("-n")
        return {str(row[field] or "—"): row["n"] for row in rows}

    channel_labels = dict(Channel.choices)
    kind_labels = dict(Contribution.Kind.choices)
    type_labels = dict(User.ParticipantType.choices)
    by_type = {
        str(type_labels.get(k, k)): v
        for k, v in User.objects.filter(pk__in=participants)
        .values_list("participant_type")
        .annotate(n=Count("pk"))
        .values_list("participant_type", "n")
    }
    moderation = contributions.aggregate(
        hidden=Count("pk", filter=Q(is_hidden=True)),
        held=Count("pk", filter=Q(held_at__isnull=False)),
    )
    moderation["reports"] = Report.objects.filter(contribution__process=process).count()
    from palabre.synthesis.selectors import answer_delays

    return {
        "visitors": visitors,
        "page_views": page_views,
        "daily": daily,
        "participants": len(participants),
        "contributors": len(contributors),
        "offline_contributions": contributions.exclude(channel=Channel.ONLINE).count(),
        "contributions": contributions.count(),
        "funnel": {
            "visitors": visitors,
            "participants": len(participants),
            "contributors": len(contributors),
        },
        "new_participants": len(participants - returning),
        "returning_participants": len(participants & returning),
        "by_kind": {str(kind_labels.get(k, k)): v for k, v in by("kind").items()},
        "by_channel": {str(channel_labels.get(k, k)): v for k, v in by("channel").items()},
        "by_phase": by("phase__title"),
        "by_neighbourhood": suppress_small_cells(by("neighbourhood__name")),
        "by_participant_type": suppress_small_cells(by_type),
        "moderation": moderation,
        "answers": answer_delays(process=process),
    }


def metrics_csv(metrics: dict[str, Any]) -> str:
    """The figures as CSV (names such as phase titles go through `csv_writer`, ADR 0009)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["measure", "breakdown", "value"])
    for key in (
        "visitors",
        "page_views",
        "participants",
        "contributors",
        "contributions",
        "offline_contributions",
        "new_participants",
        "returning_participants",
    ):
        writer.writerow([key, "", metrics[key]])
    for group in (
        "by_kind",
        "by_channel",
        "by_phase",
        "by_neighbourhood",
        "by_participant_type",
        "moderation",
        "answers",
    ):
        for name, value in metrics[group].items():
            writer.writerow([group, name, "" if value is None else value])
    for day, value in metrics["daily"]:
        writer.writerow(["visitors_daily", day.isoformat(), value])
    return out.getvalue()


class RecordUnavailable(ValueError):
    """What is missing before a process's evaluation record can be written."""


def evaluation_record(*, process: Process) -> dict[str, Any]:
    """The process's standard evaluation record (schema/evaluation-record.schema.json):
    counts, shares and dates only, no personal data. Fields the evaluation sheet will
    provide (costs, staff time, partners, objectives, feedback) are null for now."""
    import hashlib

    from django.conf import settings
    from django.utils.translation import gettext as _

    from palabre_analysis.barometer import SCHEMA_VERSION, population_band

    organization = process.organization
    band = population_band(organization.population)
    if band is None:
        raise RecordUnavailable(
            _("Enter the population of the local government first (its settings page).")
        )
    phases = list(process.phases.all())
    start = min((p.start_date for p in phases), default=None)
    end = max((p.end_date for p in phases), default=None)
    metrics = process_metrics(process=process)
    channels = sorted(
        set(Contribution.objects.filter(process=process).values_list("channel", flat=True))
    )
    by_channel = dict(
        Contribution.objects.filter(process=process)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    identity = f"{settings.PALABRE_BASE_URL}|{process.pk}".encode()
    return {
        "schema_version": SCHEMA_VERSION,
        "record_id": hashlib.sha256(identity).hexdigest()[:24],
        "generated": False,
        "organisation": {
            "type": organization.kind,
            "population_band": band,
            "population": organization.population,
        },
        "process": {
            "template": process.template,
            "year": (start or timezone.localdate(process.created_at)).year,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "formats": [process.template],
            "channels": channels,
        },
        "metrics": {
            "visitors": metrics["visitors"],
            "participants": metrics["participants"],
            "contributors": metrics["contributors"],
            "contributions": metrics["contributions"],
            "by_channel": by_channel,
            "days_to_answer": metrics["answers"]["median_days"],
        },
        "representativeness": _record_representativeness(process),
        "feedback": _record_feedback(process),
        **_record_sheet(process),
    }


def representativeness(*, process: Process) -> dict[str, Any] | None:
    """Participants of the process who answered about themselves, against the local
    government's reference population (plus neighbourhoods, from their populations), with
    the raking weights; None when there is no reference to compare with."""
    from palabre_analysis.representativeness import Raking

    from .models import Profile, ReferencePopulation

    organization = process.organization
    reference = ReferencePopulation.objects.filter(organization=organization).first()
    margins: dict[str, dict[str, float]] = dict(reference.margins) if reference else {}
    neighbourhoods = {
        n.name: float(n.population) for n in organization.neighbourhoods.all() if n.population
    }
    if neighbourhoods:
        total = sum(neighbourhoods.values())
        margins["quartier"] = {name: value / total for name, value in neighbourhoods.items()}
    if not margins:
        return None
    participants = participant_ids(process)
    profiles = list(
        Profile.objects.filter(organization=organization, user_id__in=participants).select_related(
            "neighbourhood"
        )
    )
    records: list[dict[str, str | None]] = [
        {
            "age": p.age_band or None,
            "sexe": p.sex or None,
            "quartier": p.neighbourhood.name if p.neighbourhood else None,
        }
        for p in profiles
    ]
    model = Raking(margins).fit(records)
    return {
        "participants": len(participants),
        "answered": len(profiles),
        "report": model.report(records),
        "model": model,
        "records": records,
        "users": [p.user_id for p in profiles],
        "source": reference.source if reference else "",
    }


def reweighted_answers(*, process: Process, representativeness: dict[str, Any]) -> list[Any]:
    """Single-choice questionnaire results, raw and reweighted (respondents who also
    described themselves), with 95 % margins of error."""
    from palabre.questionnaires.models import AnswerChoice, Question

    model = representativeness["model"]
    position = {user: i for i, user in enumerate(representativeness["users"])}
    out = []
    for question in Question.objects.filter(process=process, kind=Question.Kind.SINGLE):
        picks = dict(
            AnswerChoice.objects.filter(
                answer__question=question,
                answer__response__respondent_id__in=list(position),
            ).values_list("answer__response__respondent_id", "choice_id")
        )
        if len(picks) < THRESHOLD:
            out.append({"question": question, "rows": [], "respondents": len(picks)})
            continue
        rows = []
        for choice in question.choices.all():
            mask = [False] * len(position)
            answered = [False] * len(position)
            for user, picked in picks.items():
                answered[position[user]] = True
                mask[position[user]] = picked == choice.pk
            sub = _subset(model, answered)
            share = sub.weighted_share([m for m, a in zip(mask, answered, strict=True) if a])
            rows.append({"choice": choice, **share})
        out.append({"question": question, "rows": rows, "respondents": len(picks)})
    return out


def reweighted_topics(*, process: Process, representativeness: dict[str, Any]) -> dict[str, Any]:
    """Topic shares of the synthesis workspace, raw and reweighted: among the participants who
    described themselves and whose contributions were analysed, the share who spoke about each
    top-level topic (a person may speak about several), with 95 % margins of error."""
    from palabre.contributions.models import published_q
    from palabre.synthesis.models import Assignment
    from palabre.synthesis.selectors import topic_tree, topics_of

    model = representativeness["model"]
    position = {user: i for i, user in enumerate(representativeness["users"])}
    placed = Assignment.objects.filter(
        published_q("contribution__"),
        process=process,
        contribution__author_id__in=list(position),
        topic__isnull=False,
    )
    speakers = set(placed.values_list("contribution__author_id", flat=True))
    if len(speakers) < THRESHOLD:
        return {"rows": [], "speakers": len(speakers)}
    answered = [user in speakers for user in position]
    sub = _subset(model, answered)
    rows = []
    tree = topic_tree(process=process)
    for topic in topics_of(process=process, tree=tree):
        authors = set(
            placed.filter(topic__in=tree.members(topic.pk)).values_list(
                "contribution__author_id", flat=True
            )
        )
        mask = [user in authors for user in position if user in speakers]
        rows.append({"topic": topic, **sub.weighted_share(mask)})
    return {"rows": rows, "speakers": len(speakers)}


def _subset(model: Any, keep: list[bool]) -> Any:
    """The raking model restricted to some participants (their weights renormalised)."""
    import copy

    import numpy as np

    sub = copy.copy(model)
    weights = model.weights_[np.array(keep, dtype=bool)]
    sub.weights_ = weights * len(weights) / weights.sum() if len(weights) else weights
    sub.n_ = len(weights)
    from palabre_analysis.representativeness import effective_sample_size

    sub.n_effective_ = effective_sample_size(sub.weights_) if len(weights) else 0.0
    return sub


def feedback_results(*, process: Process) -> dict[str, Any]:
    """Shares of yes / partly / no per question and mean satisfaction; None when fewer
    than THRESHOLD people answered (never shown below it)."""
    from .models import FeedbackAnswer

    answers = FeedbackAnswer.objects.filter(process=process)
    n = answers.count()
    if n < THRESHOLD:
        return {"respondents": n, "questions": None, "satisfaction": None}
    questions = {}
    for field in ("felt_heard", "learned", "will_change"):
        counts = dict(answers.values_list(field).annotate(c=Count("pk")).values_list(field, "c"))
        questions[field] = {
            name.lower(): round(counts.get(member.value, 0) / n, 3)
            for name, member in FeedbackAnswer.Agreement.__members__.items()
        }
    satisfaction = sum(answers.values_list("satisfaction", flat=True)) / n
    return {"respondents": n, "questions": questions, "satisfaction": round(satisfaction, 2)}


def _record_feedback(process: Process) -> dict[str, Any] | None:
    results = feedback_results(process=process)
    if results["questions"] is None:
        return None
    yes = "yes"
    return {
        "respondents": results["respondents"],
        "felt_heard": results["questions"]["felt_heard"][yes],
        "learned": results["questions"]["learned"][yes],
        "will_change_decisions": results["questions"]["will_change"][yes],
        "satisfaction": results["satisfaction"],
    }


def _record_representativeness(process: Process) -> dict[str, Any] | None:
    result = representativeness(process=process)
    if result is None or result["report"]["index"] is None:
        return None
    return {"index": result["report"]["index"]}


def _record_sheet(process: Process) -> dict[str, Any]:
    sheet = sheet_of(process=process)
    if sheet is None:
        return {
            "costs": None,
            "staff_fte": None,
            "partners": [],
            "objectives": [],
            "outcomes": None,
        }
    return {
        "costs": sheet.costs(),
        "staff_fte": float(sheet.staff_fte) if sheet.staff_fte is not None else None,
        "partners": list(sheet.partners),
        "objectives": [
            {"objective": o["objective"], "met": o.get("met")} for o in sheet.objectives
        ],
        "outcomes": {"decisions": sheet.decisions, "answers_given": sheet.answers_given},
    }


def organization_metrics(*, organization: Any, user: Any) -> dict[str, Any]:
    """Every process the user may see, with its main figures, and the organisation's
    totals: distinct participants over all processes, how many took part in more than one."""
    from palabre.processes.selectors import processes_visible_to

    rows = []
    seen: dict[int, int] = {}
    for process in processes_visible_to(user=user, organization=organization).order_by(
        "created_at"
    ):
        participants = participant_ids(process)
        for pk in participants:
            seen[pk] = seen.get(pk, 0) + 1
        visits = DailyVisits.objects.filter(process=process).aggregate(v=Sum("visitors"))["v"]
        live = DailyVisitor.objects.filter(process=process).count()
        contributions = Contribution.objects.filter(process=process)
        rows.append(
            {
                "process": process,
                "visitors": (visits or 0) + live,
                "participants": len(participants),
                "contributors": contributions.filter(author__isnull=False)
                .values("author")
                .distinct()
                .count(),
                "contributions": contributions.count(),
                "felt_heard": (feedback_results(process=process)["questions"] or {})
                .get("felt_heard", {})
                .get("yes"),
            }
        )
    return {
        "rows": rows,
        "participants": len(seen),
        "in_several": sum(1 for n in seen.values() if n > 1),
        "contributions": sum(r["contributions"] for r in rows),
        "visitors": sum(r["visitors"] for r in rows),
    }


def barometer_answers(*, process: Process) -> list[dict[str, Any]]:
    """The answers of a barometer wave as records `palabre barometer` pools (codes, not
    labels; no respondent identity: a hashed id per response)."""
    import hashlib

    from django.conf import settings

    from palabre.questionnaires.models import Response
    from palabre_analysis.barometer import ANSWER_KIND, SCHEMA_VERSION, WAVE_QUESTIONS

    year = int(process.slug.rsplit("-", 1)[-1]) if process.slug[-4:].isdigit() else None
    by_text = {
        text: (key, {label: code for code, label in choices})
        for key, (_kind, text, choices) in WAVE_QUESTIONS.items()
    }
    records = []
    responses = Response.objects.filter(process=process).prefetch_related(
        "answers__question", "answers__selections__choice"
    )
    for response in responses:
        values: dict[str, list[str]] = {}
        for answer in response.answers.all():
            if answer.question.text not in by_text:
                continue
            key, codes = by_text[answer.question.text]
            values[key] = [
                codes[s.choice.label] for s in answer.selections.all() if s.choice.label in codes
            ]
        if not values.get("type") or not values.get("band"):
            continue
        identity = f"{settings.PALABRE_BASE_URL}|{process.pk}|{response.pk}".encode()
        records.append(
            {
                "schema_version": SCHEMA_VERSION,
                "kind": ANSWER_KIND,
                "record_id": hashlib.sha256(identity).hexdigest()[:24],
                "year": year or response.created_at.year,
                "organisation": {
                    "type": values["type"][0],
                    "population_band": values["band"][0],
                },
                "objectives": values.get("objectives", []),
                "tools_contribute": values.get("tools_contribute", []),
                "partners": values.get("partners", []),
            }
        )
    return records


def profile_segments(
    sender: Any, organization: Any, voters: list[int], **kwargs: Any
) -> dict[str, dict[int, str]]:
    """Answers `opinions.signals.voter_segments`: the neighbourhood of the voters who gave it
    in their profile (with consent), so rankings can be shown per neighbourhood."""
    from .models import Profile

    return {
        "neighbourhood": dict(
            Profile.objects.filter(
                organization=organization, user_id__in=voters, neighbourhood__isnull=False
            ).values_list("user_id", "neighbourhood__name")
        )
    }
