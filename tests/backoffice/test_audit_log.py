"""The administrators' audit log page ("Journal d'audit"): admins only, newest first,
paginated, a table with a caption and headers, moderation actions included, no JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from palabre.contributions.services import idea_submit
from palabre.moderation.services import contribution_hide
from palabre.organizations.models import AuditEvent, Membership
from palabre.organizations.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def user_no(pk: int) -> str:
    """How the page names a member: by their account number (not yet translated msgids
    included)."""
    return gettext("%(kind)s no. %(id)s") % {"kind": capfirst(gettext("user")), "id": pk}


def url(org, **query):
    path = reverse("backoffice:audit_log", kwargs={"org": org.slug})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_read_the_audit_log(client, org_a, role):
    client.force_login(make_member(org_a, role))
    assert client.get(url(org_a)).status_code == 403


def test_admins_of_another_organisation_get_403(client, org_a, org_b):
    client.force_login(make_member(org_b, Role.ADMIN))
    assert client.get(url(org_a)).status_code == 403


def test_the_log_shows_roles_settings_and_moderation_newest_first(
    client, org_a, admin_a, published_a
):
    client.force_login(admin_a)
    newcomer = UserFactory(email="nouvelle.agente@exemple.fr")
    client.post(
        reverse("backoffice:members", kwargs={"org": org_a.slug}),
        {"email": "nouvelle.agente@exemple.fr", "role": "agent"},
    )
    moderator = make_member(org_a, Role.MODERATOR, pseudonym="Modé")
    idea = idea_submit(process=published_a, author=UserFactory(), title="Idée", body="Texte")
    contribution_hide(contribution=idea, moderator=moderator, public_reason="Propos injurieux")

    page = client.get(url(org_a))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        '<caption id="audit-caption">' in html
        and '<th scope="col">' in html
        and '<th scope="row">' in html
    )
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert reverse("backoffice:audit_log", kwargs={"org": org_a.slug}) in html  # in the menu
    # the moderation action (newest) comes before the role given
    hidden, granted = html.index("Masquée"), html.index(user_no(newcomer.pk))
    assert hidden < granted
    assert "Propos injurieux" in html and "Modé" in html
    assert "nouvelle.agente@exemple.fr" not in html  # the member is shown by their id
    assert "Administrateur" in html  # the role held by whoever acted


def test_the_log_is_paginated(client, org_a, admin_a):
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organization=org_a,
            actor=admin_a,
            actor_role="admin",
            action=AuditEvent.Kind.MEMBERSHIP_GRANT,
            target_type="accounts.user",
            target_id=1000 + n,
            new={"role": "agent"},
            created_at=now - dt.timedelta(minutes=n),
        )
        for n in range(60)
    )
    client.force_login(admin_a)
    first = client.get(url(org_a)).content.decode()
    assert user_no(1000) in first and user_no(1049) in first and user_no(1050) not in first
    assert "Page 1 sur 2" in first
    second = client.get(url(org_a, page=2)).content.decode()
    assert user_no(1050) in second and user_no(1059) in second and user_no(1000) not in second


def test_an_admins_role_removal_is_in_the_log(client, org_a, admin_a):
    agent = make_member(org_a, Role.AGENT)
    membership = Membership.objects.get(user=agent)
    client.force_login(admin_a)
    client.post(
        reverse("backoffice:member_revoke", kwargs={"org": org_a.slug, "pk": membership.pk})
    )
    event = AuditEvent.objects.get(action=AuditEvent.Kind.MEMBERSHIP_REVOKE)
    assert (event.actor, event.target_id, event.old) == (admin_a, agent.pk, {"role": "agent"})
