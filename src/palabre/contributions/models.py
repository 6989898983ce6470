"""The corpus: everything participants say, whatever the channel.

This is the foundation's minimal shape (kind, text, stance, channel, phase, segments). The
consultations issue adds the specialised components (ideas, comments, questionnaires…), all
of which land here so the analysis engine reads one corpus.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood
from palabre.processes.models import Phase, Process, Theme


class Contribution(models.Model):
    class Kind(models.TextChoices):
        IDEA = "idea", _("Idea")
        COMMENT = "comment", _("Comment")
        ANSWER = "answer", _("Answer")
        STATEMENT = "statement", _("Statement")
        MEETING_NOTE = "meeting_note", _("Meeting note")

    class Stance(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        NEUTRAL = "neutral", _("Neutral")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="contributions")
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    question = models.CharField(_("question"), max_length=300, blank=True)
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    public_reason = models.CharField(_("public reason"), max_length=300, blank=True)
    source_ref = models.CharField(
        _("source reference"),
        max_length=120,
        blank=True,
        help_text=_("Identifier in the file it was imported from; makes re-imports idempotent."),
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Sent with the form: a second submit of the same form changes nothing."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="contribution_unique_source_ref",
            ),
            models.UniqueConstraint(
                fields=["process", "submission_token"], name="contribution_unique_submission"
            ),
        ]
        indexes = [models.Index(fields=["process", "kind", "created_at"])]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def author_name(self) -> str:
        """The name shown in public: the author's pseudonym, never an e-mail address."""
        if self.author is None:
            return str(_("Anonymous participant"))
        return self.author.public_name


class Support(models.Model):
    """One person's endorsement of an idea (glossary: soutien); one per person, revocable."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contribution", "user"], name="support_one_per_person")
        ]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.contribution_id}"
