"""Opinion maps (glossary: carte des opinions): participants agree, disagree or pass on
short statements; the engine (`palabre_analysis.opinions`) finds opinion groups, their
representative statements, consensus and divisive ones.

Statements are contributions of kind "statement" (so moderation, the corpus and the
analysis see them like the rest); votes are one row per participant and statement, the
latest vote replacing the earlier one. The map's result is computed by a background task
and stored here; pages only read it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution
from palabre.processes.models import Process


class ComputedResult(models.Model):
    """A result computed by a background task and stored for the pages to read;
    `requested_at` is set while a recomputation is pending (one at a time)."""

    result = models.JSONField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    votes_counted = models.PositiveIntegerField(default=0, editable=False)
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class OpinionMap(ComputedResult):
    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="opinion_map")
    participants_may_propose = models.BooleanField(
        _("participants may propose statements"),
        default=True,
        help_text=_("Their statements are shown once a moderator has read them."),
    )
    min_votes = models.PositiveSmallIntegerField(
        _("votes needed to be placed in a group"),
        default=7,
        help_text=_("Participants with fewer votes are counted and shown, not grouped."),
    )

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")

    def __str__(self) -> str:
        return str(self.process)


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    statement = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="opinion_votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opinion_votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "voter"], name="opinion_vote_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="opinion_vote_value"
            ),
        ]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.voter_id} {self.statement_id} {self.value}"


class PairwiseSurvey(ComputedResult):
    """The "which of these two ideas?" ranking of a process that collects ideas (glossary:
    comparaison par paires); the ranking is computed by a task and stored here."""

    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, related_name="pairwise_survey"
    )

    class Meta:
        verbose_name = _("pairwise comparison")
        verbose_name_plural = _("pairwise comparisons")

    def __str__(self) -> str:
        return str(self.process)


class PairwiseVote(models.Model):
    class Reason(models.TextChoices):
        BOTH = "both", _("I like both")
        NEITHER = "neither", _("I like neither")
        UNSURE = "unsure", _("I don't know enough to choose")
        INCOMPARABLE = "incomparable", _("They cannot be compared")

    survey = models.ForeignKey(PairwiseSurvey, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pairwise_votes"
    )
    left = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    winner = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )  # empty: "I can't decide"
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    segment = models.CharField(max_length=30, blank=True)  # the voter's participant type
    token = models.UUIDField(unique=True)  # one per pair shown: a double submit counts once
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comparison")
        verbose_name_plural = _("comparisons")

    def __str__(self) -> str:
        return f"{self.left_id} / {self.right_id} → {self.winner_id}"
