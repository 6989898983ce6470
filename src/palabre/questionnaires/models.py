"""Questionnaires (glossary: questionnaire): sections, questions, and answers per respondent.

Closed answers (single, multiple, scale, ranking) are stored here and counted; each open
answer is also a `Contribution` of kind "answer" with the question as its segment, so the
analysis engine reads questionnaires exactly like the Grand Débat.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution, MediationSession
from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood
from palabre.processes.models import Phase, Process


class Section(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("introduction"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale")
        RANKING = "ranking", _("Ranking")
        OPEN = "open", _("Open question")

    CLOSED_WITH_CHOICES = frozenset({Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING})

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("section"),
    )
    kind = models.CharField(_("kind of question"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum number of choices"),
        null=True,
        blank=True,
        help_text=_("Multiple choice only; leave empty for no limit."),
    )
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=80, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=80, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    def scale_values(self) -> list[tuple[int, str]]:
        """The scale's values with their labels ("1 — Pas du tout", "2", …)."""
        values = []
        for value in range(self.scale_min, self.scale_max + 1):
            label = str(value)
            if value == self.scale_min and self.scale_min_label:
                label = f"{value} — {self.scale_min_label}"
            elif value == self.scale_max and self.scale_max_label:
                label = f"{value} — {self.scale_max_label}"
            values.append((value, label))
        return values

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CLOSED_WITH_CHOICES


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One respondent's answers to one questionnaire (online, on paper, at a meeting or
    assisted by a mediator)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_responses",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The agent or mediator who typed in a paper, meeting or assisted response."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(
        _("paper form number"),
        max_length=60,
        blank=True,
        help_text=_("Written on the paper form, so that a form is never typed in twice."),
    )
    mediation = models.ForeignKey(
        MediationSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    consent_at = models.DateTimeField(
        _("consent noted at"),
        null=True,
        blank=True,
        help_text=_("Assisted responses: when the person agreed to have them recorded."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "respondent"],
                condition=models.Q(respondent__isnull=False),
                name="response_one_per_respondent",
            ),
            models.UniqueConstraint(
                fields=["process", "submission_token"], name="response_unique_submission"
            ),
            models.UniqueConstraint(
                fields=["process", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="response_unique_source_ref",
            ),
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self) -> str:
        return f"{self.process_id}#{self.pk}"


class QuestionAnswer(models.Model):
    """One respondent's answer to one question (not to be confused with the public answer
    to a proposal, `Answer` in the glossary, which the restitution gives)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    contribution = models.OneToOneField(
        Contribution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questionnaire_answer",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class AnswerChoice(models.Model):
    """A choice picked in a single/multiple choice answer, or ranked (rank 1 = preferred)."""

    answer = models.ForeignKey(QuestionAnswer, on_delete=models.CASCADE, related_name="selections")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="selections")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "choice"], name="answer_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.answer_id}:{self.choice_id}"
