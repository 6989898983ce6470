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


class OpinionMap(models.Model):
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
    result = models.JSONField(null=True, blank=True, editable=False)
    computed_at = models.DateTimeField(null=True, blank=True, editable=False)
    votes_counted = models.PositiveIntegerField(default=0, editable=False)
    requested_at = models.DateTimeField(null=True, blank=True, editable=False)

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
