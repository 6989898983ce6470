"""The corpus: everything participants say, whatever the channel.

This is the foundation's minimal shape (kind, text, stance, channel, phase, segments). The
consultations issue adds the specialised components (ideas, comments, questionnaires…), all
of which land here so the analysis engine reads one corpus.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood, Organization
from palabre.processes.models import Meeting, Phase, Process, Theme


class MediationSession(models.Model):
    """A mediator's stint with a tablet (a market, a library, a door-to-door round): the
    contributions they record on people's behalf are attributed to it, not to fake accounts."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="mediation_sessions"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    place = models.CharField(_("place"), max_length=200)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self) -> str:
        return f"{self.place} ({self.started_at:%Y-%m-%d})"


def published_q(prefix: str = "") -> models.Q:
    """Contributions anyone may read: not hidden by a moderator, not withdrawn by their
    author, not held for review (word list, proposed statements). `prefix`: a relation
    path ("contribution__") when filtering another model."""
    return models.Q(
        **{
            f"{prefix}is_hidden": False,
            f"{prefix}withdrawn_at__isnull": True,
            f"{prefix}held_at__isnull": True,
        }
    )


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
    image = models.ImageField(_("image"), upload_to="contributions/%Y/%m/", blank=True)
    image_alt = models.CharField(
        _("description of the image"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("meeting"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The agent or mediator who typed in a paper, meeting or assisted contribution."
        ),
    )
    mediation = models.ForeignKey(
        MediationSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    consent_at = models.DateTimeField(
        _("consent noted at"),
        null=True,
        blank=True,
        help_text=_("Assisted contributions: when the person agreed to have it recorded."),
    )
    held_at = models.DateTimeField(
        _("held for review since"),
        null=True,
        blank=True,
        help_text=_("Set when the text contains a word of the list: published once reviewed."),
    )
    held_terms = models.CharField(_("words found"), max_length=300, blank=True)
    views = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Distinct people or browsers per day who opened the idea's page, other than "
        "its author, for the finished days (today's are IdeaViewer rows): the exposure behind "
        "the fair support ranking.",
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
    def idea(self) -> Contribution | None:
        """The idea this contribution is (or belongs to, for comments and replies), following
        the parent chain; None for contributions outside any idea."""
        node: Contribution | None = self
        while node is not None and node.kind != Contribution.Kind.IDEA:
            node = node.parent
        return node

    @property
    def author_name(self) -> str:
        """The name shown in public: the author's pseudonym, never an e-mail address."""
        if self.author is not None:
            return self.author.public_name
        by_channel: dict[str, Any] = {
            Channel.PAPER: _("Paper contribution"),
            Channel.MEETING: _("Contribution at a meeting"),
            Channel.ASSISTED: _("Recorded with a mediator"),
        }
        return str(by_channel.get(self.channel, _("Anonymous participant")))


class IdeaViewer(models.Model):
    """One person or browser who opened an idea's page today, as a keyed hash (no address,
    no account): an idea's openings count once per viewer and day, in their own rows (a page
    view never writes the idea's row). The daily roll-up adds finished days to
    `Contribution.views` and deletes these rows."""

    idea = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    viewer = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "day", "viewer"], name="idea_viewer_once")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.day}"


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


class FollowUpContact(models.Model):
    """How to reach a person who contributed on paper or through a mediator, when they asked
    to hear what became of their contribution. Personal data: never shown, never exported,
    only used to tell them the outcome."""

    contribution = models.OneToOneField(
        Contribution, on_delete=models.CASCADE, related_name="follow_up_contact"
    )
    email = models.EmailField(_("e-mail address"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up contact")
        verbose_name_plural = _("follow-up contacts")

    def __str__(self) -> str:
        return f"contact for {self.contribution_id}"


class Coauthorship(models.Model):
    """An association co-signs an idea with its author (glossary: co-autrice). The
    association is invited by the author and appears once it has accepted."""

    idea = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="coauthorships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coauthorships"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="coauthor_once")]
        verbose_name = _("co-authorship")
        verbose_name_plural = _("co-authorships")

    def __str__(self) -> str:
        return f"{self.user_id} co-signs {self.idea_id}"
