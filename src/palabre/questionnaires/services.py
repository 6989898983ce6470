"""Writes for questionnaires: building them (agents) and answering them (everyone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.contributions.models import Contribution
from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.contributions.services import (
    ActivityClosed,
    contribution_create,
    mediation_session_check,
    staff_entry_check,
)
from palabre.core.models import Channel
from palabre.processes.models import Process

from .models import AnswerChoice, Choice, Question, QuestionAnswer, Response, Section

STAFF_CHANNELS = frozenset({Channel.PAPER, Channel.MEETING, Channel.ASSISTED})


def _next_position(qs: Any) -> int:
    return (qs.aggregate(m=Max("position"))["m"] or 0) + 1


def section_create(*, process: Process, title: str, description: str = "") -> Section:
    if not title.strip():
        raise ValidationError({"title": _("Give the section a title.")})
    return Section.objects.create(
        process=process,
        title=title.strip(),
        description=description.strip(),
        position=_next_position(process.sections.all()),
    )


def _clean_choices(kind: str, choices: Sequence[str]) -> list[str]:
    labels = [c.strip() for c in choices if c.strip()]
    if kind in Question.CLOSED_WITH_CHOICES:
        if len(labels) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one per line.")})
        if len(set(labels)) != len(labels):
            raise ValidationError({"choices": _("Two choices have the same label.")})
    return labels


def _check_question(question: Question) -> None:
    if question.kind == Question.Kind.SCALE and question.scale_min >= question.scale_max:
        raise ValidationError({"scale_max": _("The scale must go from a lower to a higher value.")})
    if question.kind == Question.Kind.SCALE and question.scale_max - question.scale_min > 10:
        raise ValidationError({"scale_max": _("A scale has at most 11 values.")})
    if question.section is not None and question.section.process_id != question.process_id:
        raise ValidationError({"section": _("This section belongs to another questionnaire.")})


@transaction.atomic
def question_create(
    *, process: Process, kind: str, text: str, choices: Sequence[str] = (), **fields: Any
) -> Question:
    labels = _clean_choices(kind, choices)
    question = Question(
        process=process,
        kind=kind,
        text=text.strip(),
        position=_next_position(process.questions.all()),
        **fields,
    )
    question.full_clean(exclude=["process"])
    _check_question(question)
    question.save()
    Choice.objects.bulk_create(
        [Choice(question=question, label=label, position=i) for i, label in enumerate(labels)]
    )
    return question


@transaction.atomic
def question_update(*, question: Question, choices: Sequence[str] = (), **fields: Any) -> Question:
    """Change a question. Once it has answers, its kind and choices are frozen (changing them
    would change what people answered); its wording, hint and section can still be fixed."""
    answered = question.answers.exists()
    labels = _clean_choices(fields.get("kind", question.kind), choices)
    current = list(question.choices.values_list("label", flat=True))
    if answered and (fields.get("kind", question.kind) != question.kind or labels != current):
        raise ValidationError(
            _("This question already has answers: its kind and its choices can no longer change.")
        )
    for name, value in fields.items():
        setattr(question, name, value.strip() if isinstance(value, str) else value)
    question.full_clean(exclude=["process"])
    _check_question(question)
    question.save()
    if labels != current:
        question.choices.all().delete()
        Choice.objects.bulk_create(
            [Choice(question=question, label=label, position=i) for i, label in enumerate(labels)]
        )
    return question


def question_delete(*, question: Question) -> None:
    if question.answers.exists():
        raise ValidationError(
            _("This question already has answers: it cannot be deleted any more.")
        )
    question.delete()


@transaction.atomic
def question_move(*, question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1) in the questionnaire."""
    questions = list(question.process.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = index + offset
    if not 0 <= target < len(questions):
        return
    questions[index], questions[target] = questions[target], questions[index]
    for position, q in enumerate(questions):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])


# --- answering -----------------------------------------------------------------------------


def _normalise(question: Question, raw: Any) -> Any:
    """The answer in a canonical shape, or None when unanswered; raises on invalid input."""
    error = ValidationError({question.field_name: _("This answer is not one of the choices.")})
    choice_ids = {c.pk for c in question.choices.all()}
    if question.kind == Question.Kind.OPEN:
        text = (raw or "").strip()
        if len(text) > 5000:
            raise ValidationError(
                {question.field_name: _("Answers are limited to 5,000 characters.")}
            )
        return text or None
    if question.kind == Question.Kind.SCALE:
        if raw in (None, ""):
            return None
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise error from None
        if not question.scale_min <= value <= question.scale_max:
            raise error
        return value
    if question.kind == Question.Kind.SINGLE:
        if raw in (None, ""):
            return None
        try:
            picked = int(raw)
        except (TypeError, ValueError):
            raise error from None
        if picked not in choice_ids:
            raise error
        return picked
    # multiple and ranking: a list of choice ids (ranking: in order of preference)
    try:
        ids = [int(v) for v in (raw or [])]
    except (TypeError, ValueError):
        raise error from None
    if not set(ids) <= choice_ids or len(set(ids)) != len(ids):
        raise error
    if (
        question.kind == Question.Kind.MULTIPLE
        and question.max_choices
        and len(ids) > question.max_choices
    ):
        raise ValidationError(
            {question.field_name: _("Pick at most %(n)d choices.") % {"n": question.max_choices}}
        )
    return ids or None


def _check_may_respond(process: Process, channel: str, entered_by: Any) -> None:
    if channel in STAFF_CHANNELS:
        staff_entry_check(process=process, entered_by=entered_by)
        if process.template != Process.Template.QUESTIONNAIRE:
            raise ActivityClosed(_("This participation process has no questionnaire."))
        return
    reason = activity_closed_reason(process, Activity.ANSWER)
    if reason:
        raise ActivityClosed(reason)


@transaction.atomic
def response_submit(
    *,
    process: Process,
    answers: Mapping[int, Any],
    respondent: Any = None,
    channel: str = Channel.ONLINE,
    entered_by: Any = None,
    neighbourhood: Any = None,
    source_ref: str = "",
    token: Any = None,
    consent: bool = False,
    mediation: Any = None,
) -> Response:
    """Record one respondent's answers (`answers`: question id → raw value).

    Idempotent by form `token`; one online response per person; a paper form number
    (`source_ref`) is typed in once. Open answers become contributions of kind "answer"."""
    if token is not None:
        existing = Response.objects.filter(process=process, submission_token=token).first()
        if existing is not None:
            return existing
    _check_may_respond(process, channel, entered_by)
    if channel == Channel.ASSISTED and not consent:
        raise ValidationError(
            {"consent": _("Record a contribution only once the person has agreed to it.")}
        )
    if mediation is not None:
        mediation_session_check(session=mediation, mediator=entered_by)
        if mediation.organization_id != process.organization_id:
            raise ValidationError(_("This mediation session is not yours or has ended."))
    if (
        respondent is not None
        and Response.objects.filter(process=process, respondent=respondent).exists()
    ):
        raise ValidationError(_("You have already answered this questionnaire."))
    source_ref = source_ref.strip()
    if source_ref and Response.objects.filter(process=process, source_ref=source_ref).exists():
        raise ValidationError(
            {"source_ref": _("A response with this paper form number was already entered.")}
        )
    if neighbourhood is not None and neighbourhood.organization_id != process.organization_id:
        raise ValidationError(
            {"neighbourhood": _("This neighbourhood belongs to another local government.")}
        )
    questions = list(process.questions.prefetch_related("choices"))
    values: dict[Question, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        try:
            value = _normalise(question, answers.get(question.pk))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            continue
        if value is None and question.required:
            errors.setdefault(question.field_name, []).append(
                _("This question requires an answer.")
            )
        elif value is not None:
            values[question] = value
    if errors:
        raise ValidationError(errors)
    if not values:
        raise ValidationError(_("Answer at least one question."))
    phase = process.current_phase()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                process=process,
                respondent=respondent,
                entered_by=entered_by if channel in STAFF_CHANNELS else None,
                channel=channel,
                phase=phase,
                neighbourhood=neighbourhood,
                source_ref=source_ref,
                submission_token=token,
                consent_at=timezone.now() if channel == Channel.ASSISTED else None,
                mediation=mediation if channel == Channel.ASSISTED else None,
            )
    except IntegrityError:
        if token is not None:  # the same form sent twice at the same instant
            existing = Response.objects.filter(process=process, submission_token=token).first()
            if existing is not None:
                return existing
        raise ValidationError(_("You have already answered this questionnaire.")) from None
    selections: list[AnswerChoice] = []
    for question, value in values.items():
        answer = QuestionAnswer(response=response, question=question)
        if question.kind == Question.Kind.OPEN:
            answer.text = value
            answer.contribution = contribution_create(
                process=process,
                kind=Contribution.Kind.ANSWER,
                body=value,
                question=question.text,
                author=respondent,
                channel=channel,
                phase=phase,
                neighbourhood=neighbourhood,
                entered_by=response.entered_by,
                mediation=response.mediation,
                consent_at=response.consent_at,
            )
        elif question.kind == Question.Kind.SCALE:
            answer.value = value
        answer.save()
        selections += answer_selections(answer, question, value)
    AnswerChoice.objects.bulk_create(selections)
    return response


def answer_selections(answer: QuestionAnswer, question: Question, value: Any) -> list[AnswerChoice]:
    """The choices picked in a normalised answer (ranking: in order, rank 1 first)."""
    if question.kind == Question.Kind.SINGLE:
        return [AnswerChoice(answer=answer, choice_id=value)]
    if question.kind == Question.Kind.MULTIPLE:
        return [AnswerChoice(answer=answer, choice_id=v) for v in value]
    if question.kind == Question.Kind.RANKING:
        return [AnswerChoice(answer=answer, choice_id=v, rank=i + 1) for i, v in enumerate(value)]
    return []
