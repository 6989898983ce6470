"""Reads for organisations. Every organisation-scoped page starts from one of these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from palabre.core.orm import get_or_404

from .models import AuditEvent, LegalPage, Membership, Neighbourhood, Organization
from .permissions import organization_user_can
from .roles import ROLE_ACTIONS, STAFF_ROLES, Action


def organizations_public() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True)


def organization_get(*, slug: str) -> Organization:
    """The active organisation at `slug`, or 404."""
    try:
        return organizations_public().get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404(_("This local government does not exist on this site.")) from None


def organization_get_for_user(*, user: Any, slug: str, action: Action) -> Organization:
    """The organisation at `slug` if `user` may do `action` there.

    404 if it does not exist, 403 if the user lacks the right."""
    organization = organization_get(slug=slug)
    if not organization_user_can(user, organization, action):
        raise PermissionDenied(
            _("You do not have access to this part of %(name)s.") % {"name": organization.name}
        )
    return organization


def organizations_for_staff(*, user: Any) -> QuerySet[Organization]:
    """Organisations whose back-office `user` may open."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser:
        return organizations_public()
    return (
        organizations_public()
        .filter(memberships__user=user, memberships__role__in=STAFF_ROLES)
        .distinct()
    )


def neighbourhoods_of(*, organization: Organization) -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.filter(organization=organization)


def neighbourhood_get(*, organization: Organization, pk: int) -> Neighbourhood:
    return get_or_404(neighbourhoods_of(organization=organization), pk=pk)


def legal_pages_of(*, organization: Organization) -> QuerySet[LegalPage]:
    return LegalPage.objects.filter(organization=organization).order_by("kind")


def legal_page_get(*, organization: Organization, kind: str) -> LegalPage:
    try:
        return LegalPage.objects.get(organization=organization, kind=kind)
    except LegalPage.DoesNotExist:
        raise Http404(_("This page does not exist.")) from None


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .exclude(role="citizen")
        .select_related("user")
        .order_by("user__email", "role")
    )


def membership_get(*, organization: Organization, pk: int) -> Membership:
    return get_or_404(Membership.objects.filter(organization=organization), pk=pk)


def members_who_can(*, organization: Organization, action: Action) -> QuerySet[Membership]:
    """The memberships whose role grants `action` in `organization`, in one query (a person
    with two such roles appears twice). Superusers, who are not members, are not listed."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    return (
        Membership.objects.filter(organization=organization, role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("user__pseudonym", "user_id")
    )


def audit_events_of(*, organization: Organization) -> QuerySet[AuditEvent]:
    """The organisation's audit log, newest first (the caller checks the right to read it)."""
    return (
        AuditEvent.objects.filter(organization=organization)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
