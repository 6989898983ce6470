"""Organisations (collectivités), their neighbourhoods, members and legal pages."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.models import TimeStampedModel
from palabre.core.validators import validate_brand_colour

from .roles import Role

RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "comptes",
        "compte",
        "i18n",
        "static",
        "media",
        "espace",
        "mon-compte",
        "accounts",
        "healthz",
        "robots.txt",
        "favicon.ico",
    }
)


class Organization(TimeStampedModel):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Municipality (commune)")
        INTERCOMMUNALITY = "intercommunality", _("Intercommunality (EPCI)")
        METROPOLIS = "metropolis", _("Metropolis")
        DEPARTMENT = "department", _("Département")
        REGION = "region", _("Region")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("address on this site"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    insee_code = models.CharField(
        _("INSEE or SIREN code"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[0-9AB]{5,9}$", _("Enter a valid INSEE or SIREN code."))],
    )
    logo = models.ImageField(_("logo"), upload_to="organizations/logos/", blank=True)
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1d4e89", validators=[validate_brand_colour]
    )
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("presentation"), blank=True)
    map_latitude = models.DecimalField(
        _("map centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    map_longitude = models.DecimalField(
        _("map centre longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    map_zoom = models.PositiveSmallIntegerField(_("map zoom"), default=13)
    held_words = models.TextField(
        _("words held for review"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A contribution containing one of them waits for a "
            "moderator before it is published. Accents and capitals do not matter."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("local government")
        verbose_name_plural = _("local governments")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="neighbourhoods"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=80)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="neighbourhood_unique_slug"
            )
        ]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organisation. A user may hold several roles."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["organization", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "role"], name="membership_unique_role"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organization_id}:{self.role}"


class LegalPage(models.Model):
    class Kind(models.TextChoices):
        LEGAL_NOTICE = "mentions-legales", _("Legal notice")
        PERSONAL_DATA = "donnees-personnelles", _("Personal data")
        ACCESSIBILITY = "accessibilite", _("Accessibility")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="legal_pages"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Plain text. Leave an empty line between paragraphs.")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="legalpage_unique_kind")
        ]
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")

    def __str__(self) -> str:
        return self.title


class AuditEvent(models.Model):
    """One sensitive action in an organisation: who (the account, and the role it held then),
    what, on what, old → new, when. Written by `audit.audit_record`, shown to administrators
    ("Journal d'audit"). No personal data beyond the acting account: the target is a type, an
    id and a short label chosen not to be personal (a member is their user id)."""

    class Kind(models.TextChoices):
        MEMBERSHIP_GRANT = "membership_grant", _("Role granted")
        MEMBERSHIP_REVOKE = "membership_revoke", _("Role removed")
        ORGANIZATION_UPDATE = "organization_update", _("Settings changed")
        NEIGHBOURHOOD_CREATE = "neighbourhood_create", _("Neighbourhood added")
        NEIGHBOURHOOD_DELETE = "neighbourhood_delete", _("Neighbourhood deleted")
        BUDGET_COUNT = "budget_count", _("Ballots counted")
        BUDGET_RESULTS_PUBLISH = "budget_results_publish", _("Budget results published")
        DATASET_PUBLISH = "dataset_publish", _("Open dataset published")
        SYNTHESIS_PUBLISH = "synthesis_publish", _("Synthesis published")
        ANSWER_GIVE = "answer_give", _("Answer given")
        CONTRIBUTION_HIDE = "contribution_hide", _("Hidden")
        CONTRIBUTION_RESTORE = "contribution_restore", _("Restored")
        REPORTS_DISMISS = "reports_dismiss", _("Reports dismissed")
        CONTRIBUTION_RELEASE = "contribution_release", _("Published after review")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("local government"),
        on_delete=models.CASCADE,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_role = models.CharField(
        _("role"),
        max_length=100,
        blank=True,
        help_text=_(
            "The person's roles in the local government when they acted, comma-separated "
            "(superuser: a site administrator); empty for an automatic action."
        ),
    )
    action = models.CharField(_("action"), max_length=40, choices=Kind.choices)
    target_type = models.CharField(_("kind of object"), max_length=60, help_text="app_label.model")
    target_id = models.PositiveBigIntegerField(_("object number"), null=True, blank=True)
    target_label = models.CharField(_("object"), max_length=200, blank=True)
    old = models.JSONField(_("before"), null=True, blank=True)
    new = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="auditevent_org_recent"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.target_label or self.target_id}"
