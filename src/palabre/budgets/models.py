"""Participatory budgets: envelopes, projects, ballots and the works that follow.

Glossary: budget participatif `Budget`, enveloppe `Envelope`, projet `Project`, bulletin
`Ballot`. A project comes from one or more ideas of the process (the ideas keep their
authors and supports); a ballot belongs to one envelope; counting is done by
`palabre_analysis.budget` from what `selectors.election_of` reads here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution, MediationSession
from palabre.core.models import Channel, TimeStampedModel
from palabre.organizations.models import Neighbourhood
from palabre.processes.models import Process


class Budget(models.Model):
    class Method(models.TextChoices):
        APPROVAL = "approval", _("Approval: choose up to a number of projects")
        KNAPSACK = "knapsack", _("Knapsack: choose projects until the envelope is spent")
        CUMULATIVE = "cumulative", _("Cumulative: share points between projects")
        RANKING = "ranking", _("Ranking: rank your preferred projects")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Most votes first")
        MES = "mes", _("Method of Equal Shares")

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="budget")
    method = models.CharField(
        _("ballot method"), max_length=20, choices=Method.choices, default=Method.KNAPSACK
    )
    max_projects = models.PositiveSmallIntegerField(
        _("maximum number of projects per ballot"),
        null=True,
        blank=True,
        help_text=_("Approval and ranking ballots. Leave empty for no limit."),
    )
    points = models.PositiveSmallIntegerField(
        _("points to share"), default=10, help_text=_("Cumulative ballots only.")
    )
    rule = models.CharField(
        _("counting rule that decides"), max_length=10, choices=Rule.choices, default=Rule.GREEDY
    )
    show_comparison = models.BooleanField(_("show the result of the other rule too"), default=True)
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=0, help_text=_("0 for no age condition.")
    )
    postcodes = models.CharField(
        _("postcodes of residence"),
        max_length=500,
        blank=True,
        help_text=_(
            "Separated by spaces or commas; voters state theirs, it is checked and not stored. "
            "Leave empty for no residence condition."
        ),
    )
    codes_required = models.BooleanField(
        _("an invitation code is required"),
        default=False,
        help_text=_("Codes are printed and handed out on paper; each opens one vote."),
    )
    ballot_published_at = models.DateTimeField(_("ballot list published at"), null=True, blank=True)
    # cleared by any ballot written after the count: results are published from a fresh count
    counted_at = models.DateTimeField(_("ballots counted at"), null=True, blank=True)
    # a secret drawn at each count: the public files number ballots in an order it shuffles,
    # so that whoever saw who voted when cannot match a person to a ballot
    ballot_order_key = models.CharField(max_length=64, blank=True, editable=False)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")

    def __str__(self) -> str:
        return str(self.process)

    def postcode_list(self) -> list[str]:
        return [p for p in self.postcodes.replace(",", " ").split() if p]


class Envelope(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="envelopes")
    name = models.CharField(_("name"), max_length=150)
    amount = models.PositiveBigIntegerField(_("amount (€)"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
        help_text=_("Leave empty for the whole territory. A resident votes in one neighbourhood."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")

    def __str__(self) -> str:
        return self.name


class Project(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_ANALYSIS = "under_analysis", _("Under analysis")
        ACCEPTED = "accepted", _("On the ballot")
        REJECTED = "rejected", _("Not kept")
        MERGED = "merged", _("Merged into another project")

    class Works(models.TextChoices):
        NONE = "", _("Not started")
        STUDIES = "studies", _("Studies")
        WORKS = "works", _("Works")
        DELIVERED = "delivered", _("Delivered")
        ABANDONED = "abandoned", _("Abandoned")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    envelope = models.ForeignKey(
        Envelope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("envelope"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    address = models.CharField(_("address or place"), max_length=300, blank=True)
    proposed_cost = models.PositiveBigIntegerField(
        _("cost estimated by the proposer (€)"), null=True, blank=True
    )
    cost = models.PositiveBigIntegerField(
        _("cost estimated by the services (€)"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    feasibility = models.TextField(_("technical analysis"), blank=True)
    within_competence = models.BooleanField(
        _("within the local government's legal competence"), null=True, blank=True
    )
    rejection_reason = models.TextField(_("reason it is not kept"), blank=True)
    ideas = models.ManyToManyField(
        Contribution, blank=True, related_name="budget_projects", verbose_name=_("ideas")
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    works_status = models.CharField(
        _("works"), max_length=20, choices=Works.choices, default=Works.NONE, blank=True
    )

    class Meta:
        ordering = ["envelope__position", "title", "pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title


class ProjectEvent(models.Model):
    """The audit trail of a project's analysis: status changes, merges, works updates."""

    class Kind(models.TextChoices):
        ANALYSED = "analysed", _("Analysed")
        MERGED = "merged", _("Merged")
        WORKS = "works", _("Works update")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.project_id}"


class WorkUpdate(models.Model):
    """A public progress note on a funded project (studies, works, delivered)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="work_updates")
    status = models.CharField(_("stage"), max_length=20, choices=Project.Works.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))
    photo = models.ImageField(_("photo"), upload_to="budgets/works/%Y/", blank=True)
    photo_alt = models.CharField(_("what the photo shows"), max_length=250, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("works update")
        verbose_name_plural = _("works updates")

    def __str__(self) -> str:
        return f"{self.project_id} {self.date}"


class InvitationCode(models.Model):
    """A code printed on paper that opens the vote to one person (no identity stored)."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=20)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="invitation_code_unique"),
            # a person spends one code per budget (and may hold one in each budget)
            models.UniqueConstraint(
                fields=["budget", "used_by"],
                condition=models.Q(used_by__isnull=False),
                name="invitation_code_one_per_voter",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Ballot(models.Model):
    """One person's ballot in one envelope (online: changeable until the vote closes)."""

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ballots",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    paper_ref = models.CharField(_("ballot number"), max_length=50, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    mediation = models.ForeignKey(
        MediationSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["envelope", "voter"],
                condition=models.Q(voter__isnull=False),
                name="ballot_one_per_voter",
            ),
            models.UniqueConstraint(
                fields=["envelope", "paper_ref"],
                condition=~models.Q(paper_ref=""),
                name="ballot_one_per_paper_ref",
            ),
        ]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return f"{self.envelope_id}/{self.pk}"


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    # approval and knapsack: 1; cumulative: the points; ranking: the rank (1 = first)
    points = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["ballot", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="ballot_choice_once")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}→{self.project_id}"


class PaperEntry(models.Model):
    """One keying of a paper ballot; two matching keyings by two people make the ballot."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the second entry")
        CONFIRMED = "confirmed", _("Confirmed")
        CONFLICT = "conflict", _("Entries differ")

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="paper_entries")
    paper_ref = models.CharField(_("ballot number"), max_length=50)
    selections = models.JSONField()  # {project id (str): points}
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paper_ref", "pk"]

    def __str__(self) -> str:
        return self.paper_ref


class Tally(models.Model):
    """The stored count of one envelope by one rule (made by a task, shown by the pages)."""

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="tallies")
    rule = models.CharField(max_length=10, choices=Budget.Rule.choices)
    selected = models.JSONField()  # project pks, in the order the rule bought them
    total_cost = models.PositiveBigIntegerField()
    ballots = models.PositiveIntegerField()
    engine_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["envelope", "rule"], name="tally_one_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.envelope_id} {self.rule}"
