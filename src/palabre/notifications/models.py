"""Following (a process, a theme or an idea) and the notifications it brings, in the site and
by e-mail (at once or in a daily digest), with one-click unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution
from palabre.processes.models import Phase, Process, Theme


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    idea = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(process__isnull=False, theme__isnull=True, idea__isnull=True)
                    | models.Q(process__isnull=True, theme__isnull=False, idea__isnull=True)
                    | models.Q(process__isnull=True, theme__isnull=True, idea__isnull=False)
                ),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "process"],
                condition=models.Q(process__isnull=False),
                name="follow_process_once",
            ),
            models.UniqueConstraint(
                fields=["user", "theme"],
                condition=models.Q(theme__isnull=False),
                name="follow_theme_once",
            ),
            models.UniqueConstraint(
                fields=["user", "idea"],
                condition=models.Q(idea__isnull=False),
                name="follow_idea_once",
            ),
        ]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.process_id or self.theme_id or self.idea_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW_PHASE = "new_phase", _("A new phase begins")
        NEW_IDEA = "new_idea", _("New idea")
        COMMENT_ON_MY_IDEA = "comment_on_my_idea", _("Comment on your idea")
        REPLY_TO_MY_COMMENT = "reply_to_my_comment", _("Reply to your comment")
        COMMENT_ON_FOLLOWED = "comment_on_followed", _("Comment on an idea you follow")
        SYNTHESIS_PUBLISHED = "synthesis_published", _("The synthesis is published")
        ANSWER_GIVEN = "answer_given", _("An answer about your contribution")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class Preference(models.Model):
    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once, one e-mail per notification")
        DAILY = "daily", _("One daily digest")
        NEVER = "never", _("No e-mail (notifications stay in my account)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_frequency = models.CharField(
        _("notification e-mails"),
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"
