"""Participation processes (démarches), their phases and themes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.models import TimeStampedModel
from palabre.organizations.models import Neighbourhood, Organization


class Theme(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="theme_unique_slug")
        ]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Process(TimeStampedModel):
    class Template(models.TextChoices):
        IDEA_BOX = "idea_box", _("Idea box")
        PROJECT_CONSULTATION = "project_consultation", _("Project consultation")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        PARTICIPATORY_BUDGET = "participatory_budget", _("Participatory budget")
        OPINION_MAP = "opinion_map", _("Opinion map")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: listed and open to all")
        UNLISTED = "unlisted", _("Unlisted: only with the link")
        RESTRICTED = "restricted", _("Restricted: members of the local government only")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="processes"
    )
    slug = models.SlugField(_("address"), max_length=100)
    template = models.CharField(_("template"), max_length=30, choices=Template.choices)
    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(_("question asked"), max_length=300)
    objective = models.TextField(_("objective"), blank=True)
    open_to_discussion = models.TextField(
        _("what is open to discussion"),
        blank=True,
        help_text=_("What participants can influence, and what is already decided."),
    )
    decision_maker = models.CharField(_("who decides"), max_length=200, blank=True)
    decision_date = models.DateField(_("decision expected on"), null=True, blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="processes", verbose_name=_("themes")
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood,
        blank=True,
        related_name="processes",
        verbose_name=_("neighbourhoods concerned"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="process_unique_slug")
        ]
        verbose_name = _("participation process")
        verbose_name_plural = _("participation processes")

    def __str__(self) -> str:
        return self.title

    def current_phase(self) -> Phase | None:
        today = timezone.localdate()
        for phase in self.phases.all():
            if phase.start_date <= today <= phase.end_date:
                return phase
        return None


class Phase(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        CONTRIBUTION = "contribution", _("Contribution")
        QUALIFICATION = "qualification", _("Qualification")
        VOTE = "vote", _("Vote")
        SYNTHESIS = "synthesis", _("Synthesis")
        RESTITUTION = "restitution", _("Restitution")
        FOLLOW_UP = "follow_up", _("Follow-up")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    position = models.PositiveSmallIntegerField(default=0)
    announced_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When followers were told it began."
    )

    class Meta:
        ordering = ["position", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="phase_end_after_start",
            )
        ]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")

    def __str__(self) -> str:
        return self.title

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if today < self.start_date:
            return "upcoming"
        if today > self.end_date:
            return "past"
        return "current"


class Meeting(models.Model):
    """An in-person meeting of a process (glossary: réunion publique / atelier)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_(
            "Step-free access, hearing loop, sign-language interpreting, childcare, transport…"
        ),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no registration limit.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_end_after_start",
            )
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class MeetingRegistration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="registration_once")
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.meeting_id}"
