"""Writes for organisations: creation, settings, neighbourhoods, roles, legal pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from palabre.core.images import clean_image
from palabre.core.tasks import enqueue_on_commit

from . import defaults
from .audit import audit_record, changed_fields
from .models import (
    RESERVED_SLUGS,
    AuditEvent,
    LegalPage,
    Membership,
    Neighbourhood,
    Organization,
)
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


# Settings whose values the audit log does not keep (it says that they changed): a contact
# address may be a person's, a logo is a file.
SETTINGS_NOT_RECORDED = frozenset({"contact_email", "logo"})


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: Any = None, **fields: Any
) -> Organization:
    """Change the organisation's settings; the fields that changed go to the audit log, old
    → new (the values of `SETTINGS_NOT_RECORDED` are not kept)."""
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
        "map_latitude",
        "map_longitude",
        "map_zoom",
        "held_words",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"organization_update: unknown fields {sorted(unknown)}")
    if isinstance(fields.get("logo"), UploadedFile):
        # only its pixels are kept: no EXIF, nothing appended after the image
        fields["logo"] = clean_image(fields["logo"], field="logo")
    before = Organization.objects.select_for_update().get(pk=organization.pk)
    for key, value in fields.items():
        if key == "logo" and value is False:  # a form's "clear" box
            value = ""
        setattr(organization, key, value)
    organization.full_clean()
    organization.save()
    old, new = changed_fields(before, organization, fields, not_recorded=SETTINGS_NOT_RECORDED)
    if new:
        audit_record(
            organization=organization,
            actor=actor,
            action=AuditEvent.Kind.ORGANIZATION_UPDATE,
            target=organization,
            label=organization.name,
            old=old,
            new=new,
        )
    return organization


@transaction.atomic
def neighbourhood_create(
    *, organization: Organization, name: str, population: int | None = None, actor: Any = None
) -> Neighbourhood:
    neighbourhood, created = Neighbourhood.objects.get_or_create(
        organization=organization,
        slug=slugify(name)[:80],
        defaults={"name": name, "population": population},
    )
    if created and actor is not None:
        audit_record(
            organization=organization,
            actor=actor,
            action=AuditEvent.Kind.NEIGHBOURHOOD_CREATE,
            target=neighbourhood,
            label=neighbourhood.name,
            new={"name": neighbourhood.name, "population": neighbourhood.population},
        )
    return neighbourhood


@transaction.atomic
def neighbourhood_delete(*, neighbourhood: Neighbourhood, actor: Any = None) -> None:
    """Delete a neighbourhood, unless something that cannot lose it uses it (a budget
    envelope): then say what, so that the agent changes it first; nothing is logged then."""
    from django.db.models import ProtectedError

    audit_record(
        organization=neighbourhood.organization,
        actor=actor,
        action=AuditEvent.Kind.NEIGHBOURHOOD_DELETE,
        target=neighbourhood,
        label=neighbourhood.name,
        old={"name": neighbourhood.name, "population": neighbourhood.population},
    )
    try:
        with transaction.atomic():
            neighbourhood.delete()
    except ProtectedError as error:  # the audit event goes with the outer transaction
        users = sorted({str(obj) for obj in error.protected_objects})[:5]
        raise ValidationError(
            _(
                "The neighbourhood “%(name)s” cannot be deleted: %(users)s use it. Change "
                "them first."
            )
            % {"name": neighbourhood.name, "users": ", ".join(f"« {u} »" for u in users)}
        ) from None


@transaction.atomic
def membership_grant(
    *, organization: Organization, user: Any, role: str, granted_by: Any = None, notify: bool = True
) -> Membership:
    role = Role(role)
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, role=role, defaults={"granted_by": granted_by}
    )
    forget_roles(user)
    if created:
        audit_record(
            organization=organization,
            actor=granted_by,
            action=AuditEvent.Kind.MEMBERSHIP_GRANT,
            target=user,  # the member: their id, never their e-mail
            new={"role": role.value},
        )
    if created and notify and role != Role.CITIZEN:
        from .tasks import send_membership_granted_email

        enqueue_on_commit(send_membership_granted_email, membership.pk)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, revoked_by: Any) -> None:
    """Remove a role; `revoked_by` is the actor in the audit log. The organisation's
    administrator memberships are locked before they are counted, so two administrators
    removing each other at the same instant cannot leave it without any: the second waits
    for the first, then sees one administrator left and is refused."""
    organization = membership.organization
    locked = Membership.objects.select_for_update().order_by("pk")
    if membership.role == Role.ADMIN:
        admins = list(
            locked.filter(organization=organization, role=Role.ADMIN).values_list("pk", flat=True)
        )
        if membership.pk not in admins:
            return  # removed by someone else meanwhile
        if len(admins) <= 1:
            raise ValidationError(_("A local government needs at least one administrator."))
    elif not list(locked.filter(pk=membership.pk).values_list("pk", flat=True)):
        return  # removed by someone else meanwhile
    audit_record(
        organization=organization,
        actor=revoked_by,
        action=AuditEvent.Kind.MEMBERSHIP_REVOKE,
        target=membership.user,  # the member: their id, never their e-mail
        old={"role": membership.role},
    )
    membership.delete()
    forget_roles(membership.user)


def legal_page_update(*, page: LegalPage, title: str, body: str, updated_by: Any) -> LegalPage:
    page.title = title
    page.body = body
    page.updated_by = updated_by
    page.full_clean()
    page.save()
    return page
