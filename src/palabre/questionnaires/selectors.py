"""Reads for questionnaires: the questions, a person's response, and the results.

Results are aggregated in the database (a handful of queries whatever the number of
respondents); no respondent is ever identifiable from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet

from palabre.core.orm import get_or_404
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action
from palabre.processes.models import Process

from .models import AnswerChoice, Question, QuestionAnswer, Response, Section


def questions_of(*, process: Process) -> QuerySet[Question]:
    return process.questions.select_related("section").prefetch_related("choices")


def question_get(*, process: Process, pk: int) -> Question:
    return get_or_404(Question.objects.filter(process=process), pk=pk)


def sections_of(*, process: Process) -> QuerySet[Section]:
    return process.sections.all()


def questionnaire_blocks(*, process: Process) -> list[tuple[Section | None, list[Question]]]:
    """Questions grouped by section, in questionnaire order (questions without a section
    first). A section appears where its first question is."""
    blocks: list[tuple[Section | None, list[Question]]] = []
    for question in questions_of(process=process):
        if blocks and blocks[-1][0] == question.section:
            blocks[-1][1].append(question)
        else:
            blocks.append((question.section, [question]))
    return blocks


def responses_entered_count(*, process: Process, user: Any) -> int:
    """How many responses `user` typed in for the process (paper, meeting, assisted)."""
    return int(process.responses.filter(entered_by=user.pk).count())


def results_visible_to(*, user: Any, process: Process) -> bool:
    """Closed-question results are public once the process is closed (answers given before
    the close are not influenced by them); the local government's staff see them live."""
    if process.status in {Process.Status.CLOSED, Process.Status.ARCHIVED}:
        return True
    return organization_user_can(user, process.organization, Action.VIEW_BACKOFFICE)


def response_of(*, user: Any, process: Process) -> Response | None:
    if not user.is_authenticated:
        return None
    return Response.objects.filter(process=process, respondent=user).first()


@dataclass
class ChoiceResult:
    label: str
    count: int = 0
    share: float = 0.0  # of the respondents who answered the question, in %
    mean_rank: float | None = None


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    choices: list[ChoiceResult] = field(default_factory=list)
    mean: float | None = None
    open_answers: int = 0

    @property
    def max_count(self) -> int:
        return max((c.count for c in self.choices), default=0)


@dataclass
class QuestionnaireResults:
    respondents: int
    by_channel: list[dict[str, Any]]
    questions: list[QuestionResult]


def questionnaire_results(*, process: Process, channel: str = "") -> QuestionnaireResults:
    """Counts for every question: choices picked (share of those who answered), scale
    distribution and mean, ranking by mean rank (lower = preferred), number of open answers.
    `channel` restricts to one channel (e.g. to compare paper and online)."""
    responses = Response.objects.filter(process=process)
    answers = QuestionAnswer.objects.filter(response__process=process)
    selections = AnswerChoice.objects.filter(answer__response__process=process)
    if channel:
        responses = responses.filter(channel=channel)
        answers = answers.filter(response__channel=channel)
        selections = selections.filter(answer__response__channel=channel)
    answered = dict(
        answers.values("question_id").annotate(n=Count("pk")).values_list("question_id", "n")
    )
    picked: dict[int, dict[str, Any]] = {
        row["choice_id"]: dict(row)
        for row in selections.values("choice_id").annotate(n=Count("pk"), rank=Avg("rank"))
    }
    scale: dict[int, dict[int, int]] = {}
    for question_id, value, n in (
        answers.filter(value__isnull=False)
        .values("question_id", "value")
        .annotate(n=Count("pk"))
        .values_list("question_id", "value", "n")
    ):
        scale.setdefault(question_id, {})[int(value or 0)] = n
    results = []
    for question in questions_of(process=process):
        n = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=n)
        if question.has_choices:
            for choice in question.choices.all():
                row = picked.get(choice.pk, {})
                count = row.get("n", 0)
                result.choices.append(
                    ChoiceResult(
                        label=choice.label,
                        count=count,
                        share=round(100 * count / n, 1) if n else 0.0,
                        mean_rank=round(row["rank"], 2) if row.get("rank") else None,
                    )
                )
            if question.kind == Question.Kind.RANKING:
                result.choices.sort(key=lambda c: (c.mean_rank is None, c.mean_rank or 0))
        elif question.kind == Question.Kind.SCALE:
            distribution = scale.get(question.pk, {})
            for value, label in question.scale_values():
                count = distribution.get(value, 0)
                result.choices.append(
                    ChoiceResult(
                        label=label, count=count, share=round(100 * count / n, 1) if n else 0.0
                    )
                )
            if n:
                result.mean = round(sum(v * c for v, c in distribution.items()) / n, 2)
        else:
            result.open_answers = n
        results.append(result)
    by_channel = [
        dict(row) for row in responses.values("channel").annotate(n=Count("pk")).order_by("-n")
    ]
    return QuestionnaireResults(
        respondents=responses.count(), by_channel=by_channel, questions=results
    )
