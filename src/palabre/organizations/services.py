"""Writes for organisations: creation, settings, neighbourhoods, roles, legal pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from palabre.core.tasks import enqueue_on_commit

from . import defaults
from .models import RESERVED_SLUGS, LegalPage, Membership, Neighbourhood, Organization
from .permissions import forget_roles
from .roles import Role


@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str,
    slug: str = "",
    population: int | None = None,
    primary_colour: str = "#1d4e89",
    contact_email: str = "",
    description: str = "",
    neighbourhoods: list[str] | None = None,
) -> Organization:
    slug = slug or slugify(name)
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This address is reserved, choose another one.")})
    organization = Organization(
        name=name,
        slug=slug,
        kind=kind,
        population=population,
        primary_colour=primary_colour,
        contact_email=contact_email,
        description=description,
    )
    organization.full_clean()
    organization.save()
    legal_pages_ensure(organization=organization)
    for neighbourhood_name in neighbourhoods or []:
        neighbourhood_create(organization=organization, name=neighbourhood_name)
    return organization


def legal_pages_ensure(*, organization: Organization) -> None:
    """Create the default legal pages that `organization` does not have yet."""
    with translation.override(settings.LANGUAGE_CODE):  # stored content: the site's language
        pages = defaults.legal_pages(organization)
    for kind_value, title, body in pages:
        LegalPage.objects.get_or_create(
            organization=organization, kind=kind_value, defaults={"title": title, "body": body}
        )


def organization_update(*, organization: Organization, **fields: Any) -> Organization:
    allowed = {
        "name",
        "kind",
        "population",
        "insee_code",
        "logo",
        "primary_colour",
        "contact_email",
        "website",
        "description",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"organization_update: unknown fields {sorted(unknown)}")
    for key, value in fields.items():
        setattr(organization, key, value)
    organization.full_clean()
    organization.save()
    return organization


def neighbourhood_create(
    *, organization: Organization, name: str, population: int | None = None
) -> Neighbourhood:
    neighbourhood, _created = Neighbourhood.objects.get_or_create(
        organization=organization,
        slug=slugify(name)[:80],
        defaults={"name": name, "population": population},
    )
    return neighbourhood


def neighbourhood_delete(*, neighbourhood: Neighbourhood) -> None:
    neighbourhood.delete()


@transaction.atomic
def membership_grant(
    *, organization: Organization, user: Any, role: str, granted_by: Any = None, notify: bool = True
) -> Membership:
    role = Role(role)
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, role=role, defaults={"granted_by": granted_by}
    )
    forget_roles(user)
    if created and notify and role != Role.CITIZEN:
        from .tasks import send_membership_granted_email

        enqueue_on_commit(send_membership_granted_email, membership.pk)
    return membership


def membership_revoke(*, membership: Membership, revoked_by: Any) -> None:
    organization = membership.organization
    if (
        membership.role == Role.ADMIN
        and Membership.objects.filter(organization=organization, role=Role.ADMIN).count() <= 1
    ):
        raise ValidationError(_("A local government needs at least one administrator."))
    membership.delete()
    forget_roles(membership.user)


def legal_page_update(*, page: LegalPage, title: str, body: str, updated_by: Any) -> LegalPage:
    page.title = title
    page.body = body
    page.updated_by = updated_by
    page.full_clean()
    page.save()
    return page
