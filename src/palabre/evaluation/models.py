"""Evaluation of processes (issue: evaluation and barometer). This slice: visits counted on
the server, without cookies and without keeping anyone's address.

A visitor of a process on a day is a hash of (that day's random salt, IP address, browser
signature, process); the salt is deleted with the day's hashes once the day is summed up
into DailyVisits (`palabre manage evaluation_daily`, daily cron), so no visit can be tied to
an address afterwards — the method of privacy-friendly analytics such as Plausible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.processes.models import Process


class VisitSalt(models.Model):
    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class DailyVisitor(models.Model):
    """Today's distinct visitors, as salted hashes; summed up and deleted daily."""

    day = models.DateField()
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "process", "visitor"], name="daily_visitor_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.process_id}"


class DailyVisits(models.Model):
    day = models.DateField()
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="daily_visits")
    visitors = models.PositiveIntegerField(default=0)
    page_views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["day", "process"], name="daily_visits_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.process_id}: {self.visitors}"


AGE_BANDS = ("0-14", "15-29", "30-44", "45-59", "60-74", "75+")  # INSEE's census bands


class ReferencePopulation(models.Model):
    """The population a local government compares its participants with: shares per
    dimension (age band, sex…), from INSEE's census table or typed in."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="reference"
    )
    margins = models.JSONField(default=dict)  # {"age": {"15-29": 0.18, …}, "sexe": {…}}
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.organization)


class Profile(models.Model):
    """A participant's optional answers about themselves, given with consent, per local
    government; never shown with their contributions, only counted (groups under 10
    hidden). Deleted with the account."""

    class Sex(models.TextChoices):
        F = "F", _("Woman")
        H = "H", _("Man")

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profiles"
    )
    age_band = models.CharField(
        _("age"), max_length=10, blank=True, choices=[(b, b) for b in AGE_BANDS]
    )
    sex = models.CharField(_("sex"), max_length=1, blank=True, choices=Sex.choices)
    neighbourhood = models.ForeignKey(
        "organizations.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    consent_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="profile_once")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.user_id}"


class FeedbackAnswer(models.Model):
    """A participant's answer to the standard feedback survey of a process (after its
    restitution): four questions, the same everywhere, so processes can be compared."""

    class Agreement(models.IntegerChoices):
        YES = 1, _("Yes")
        PARTLY = 2, _("Partly")
        NO = 3, _("No")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="feedback")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    felt_heard = models.PositiveSmallIntegerField(
        _("Did you feel heard?"), choices=Agreement.choices
    )
    learned = models.PositiveSmallIntegerField(
        _("Did you learn something?"), choices=Agreement.choices
    )
    will_change = models.PositiveSmallIntegerField(
        _("Do you think it will change decisions?"), choices=Agreement.choices
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("Overall, how satisfied are you? (1 = not at all, 5 = very)"),
        choices=[(i, str(i)) for i in range(1, 6)],
    )
    comment = models.TextField(_("Anything to add? (optional)"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["process", "respondent"], name="feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.process_id}/{self.respondent_id}"


OBJECTIVES = (
    ("inform", _("Inform")),
    ("make_work_visible", _("Make the local government's work visible")),
    ("transparency", _("Transparency")),
    ("collect_opinions", _("Collect opinions")),
    ("improve_decisions", _("Improve decisions with citizens' expertise")),
    ("reach_new_publics", _("Reach new publics")),
    ("co_produce", _("Co-produce")),
    ("evaluate_public_action", _("Evaluate public action")),
)
PARTNERS = (
    ("civic_tech_vendor", _("Civic-tech vendor")),
    ("it_provider", _("IT provider")),
    ("consultancy", _("Consultancy")),
    ("associations", _("Associations")),
    ("none", _("None")),
)


class EvaluationSheet(models.Model):
    """What the team states at framing time and records at the end: objectives with their
    targets (and whether they were met), money spent, staff time, partners, outcomes."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="sheet")
    objectives = models.JSONField(default=list)  # [{"objective", "target", "met": bool|None}]
    cost_tool = models.PositiveIntegerField(_("tool (€)"), null=True, blank=True)
    cost_vendor_support = models.PositiveIntegerField(
        _("vendor support (€)"), null=True, blank=True
    )
    cost_communication = models.PositiveIntegerField(_("communication (€)"), null=True, blank=True)
    cost_events = models.PositiveIntegerField(_("events (€)"), null=True, blank=True)
    staff_fte = models.DecimalField(
        _("staff time (full-time equivalent)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    partners = models.JSONField(default=list)
    decisions = models.PositiveIntegerField(_("decisions taken"), null=True, blank=True)
    answers_given = models.PositiveIntegerField(_("public answers given"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.process)

    def costs(self) -> dict[str, int | None]:
        return {
            "tool": self.cost_tool,
            "vendor_support": self.cost_vendor_support,
            "communication": self.cost_communication,
            "events": self.cost_events,
        }
