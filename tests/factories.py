from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from palabre.accounts.models import User
from palabre.contributions.models import Contribution
from palabre.organizations.models import Membership, Organization
from palabre.organizations.services import organization_create
from palabre.processes.models import Process
from palabre.processes.services import process_create, process_set_status

PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    pseudonym = factory.Sequence(lambda n: f"Pseudo {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def make_organization(name: str = "Ville A", **kwargs) -> Organization:
    kwargs.setdefault("kind", Organization.Kind.COMMUNE)
    kwargs.setdefault("population", 12000)
    return organization_create(name=name, **kwargs)


# Staff roles must have a second factor (PALABRE_STAFF_MFA_REQUIRED): test staff get this
# authenticator-app secret, and browser tests type its current code at sign-in.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(user: User, secret: str = TOTP_SECRET) -> str:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The authenticator app's code now (what a person types)."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def make_member(organization: Organization, role: str, **kwargs) -> User:
    from palabre.accounts.selectors import MFA_ROLES

    user = UserFactory(**kwargs)
    Membership.objects.create(organization=organization, user=user, role=role)
    if role in MFA_ROLES:
        enrol_totp(user)
    return user


def make_process(
    organization: Organization,
    *,
    title: str = "Une démarche",
    status: str = Process.Status.PUBLISHED,
    template: str = Process.Template.IDEA_BOX,
    visibility: str = Process.Visibility.PUBLIC,
    start: dt.date | None = None,
) -> Process:
    process = process_create(
        organization=organization,
        template=template,
        title=title,
        question="Que proposez-vous ?",
        visibility=visibility,
        start_date=start or timezone.localdate() - dt.timedelta(days=20),
    )
    steps = {
        Process.Status.DRAFT: [],
        Process.Status.PUBLISHED: ["published"],
        Process.Status.CLOSED: ["published", "closed"],
        Process.Status.ARCHIVED: ["published", "closed", "archived"],
    }[status]
    for step in steps:
        process = process_set_status(process=process, status=step)
    return process


def make_contribution(process: Process, body: str = "Une idée", **kwargs) -> Contribution:
    kwargs.setdefault("kind", Contribution.Kind.IDEA)
    kwargs.setdefault("created_at", timezone.now())
    return Contribution.objects.create(process=process, body=body, **kwargs)
