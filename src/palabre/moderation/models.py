"""Reports by anyone, and the audit log of every moderation action (who, when, why)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution


class Report(models.Model):
    class Reason(models.TextChoices):
        INSULT = "insult", _("Insult, harassment or discrimination")
        PERSONAL_DATA = "personal_data", _("Personal information about someone")
        SPAM = "spam", _("Advertising or spam")
        OFF_TOPIC = "off_topic", _("Off topic")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Other")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="report_one_open_per_person",
            )
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.reason} → {self.contribution_id}"


class ModerationAction(models.Model):
    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Reports dismissed")
        RELEASE = "release", _("Published after review")

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")

    def __str__(self) -> str:
        return f"{self.kind} {self.contribution_id}"
