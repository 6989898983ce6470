"""The audit log (Finding A): who, with which role at the time, did what, on what, old → new;
no personal data beyond the acting account. Here: roles, settings, the personal-data export
and account deletion. Each app's own writers are checked in its tests (test_audit.py)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from palabre.accounts.services import user_delete_account, user_export_data
from palabre.organizations.audit import NOT_RECORDED, audit_rows
from palabre.organizations.models import AuditEvent, Membership
from palabre.organizations.roles import Role
from palabre.organizations.services import (
    membership_grant,
    membership_revoke,
    neighbourhood_create,
    neighbourhood_delete,
    organization_update,
)
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


def _events(org, action):
    return list(AuditEvent.objects.filter(organization=org, action=action).order_by("pk"))


def test_granting_and_revoking_a_role_are_logged_with_the_member_id_not_the_email(org_a, admin_a):
    member = UserFactory(email="camille.martin@exemple.fr", pseudonym="Camille M")
    membership = membership_grant(
        organization=org_a, user=member, role=Role.ANALYST, granted_by=admin_a, notify=False
    )
    membership_grant(  # granted again: nothing changes, nothing is logged
        organization=org_a, user=member, role=Role.ANALYST, granted_by=admin_a, notify=False
    )
    membership_revoke(membership=membership, revoked_by=admin_a)

    (grant,) = _events(org_a, AuditEvent.Kind.MEMBERSHIP_GRANT)
    (revoke,) = _events(org_a, AuditEvent.Kind.MEMBERSHIP_REVOKE)
    for event in (grant, revoke):
        assert event.actor == admin_a and event.actor_role == "admin"
        assert (event.target_type, event.target_id) == ("accounts.user", member.pk)
        stored = json.dumps([event.target_label, event.old, event.new, event.actor_role])
        assert "camille" not in stored.lower() and "Camille M" not in stored
    assert (grant.old, grant.new) == (None, {"role": "analyst"})
    assert (revoke.old, revoke.new) == ({"role": "analyst"}, None)


def test_the_role_is_the_one_held_when_acting(org_a, admin_a):
    agent = make_member(org_a, Role.AGENT)
    membership_grant(
        organization=org_a, user=agent, role=Role.MODERATOR, granted_by=admin_a, notify=False
    )
    membership_grant(
        organization=org_a, user=UserFactory(), role=Role.ANALYST, granted_by=agent, notify=False
    )
    event = AuditEvent.objects.filter(actor=agent).get()
    assert event.actor_role == "agent,moderator"
    Membership.objects.filter(user=agent).delete()  # later, the agent leaves
    event.refresh_from_db()
    assert event.actor_role == "agent,moderator"
    (row,) = audit_rows([event])
    assert row.role == f"{Role.AGENT.label}, {Role.MODERATOR.label}"


def test_a_refused_or_repeated_revoke_logs_nothing(org_a, admin_a):
    only = Membership.objects.get(user=admin_a, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        membership_revoke(membership=only, revoked_by=admin_a)
    second = make_member(org_a, Role.ADMIN)
    theirs = Membership.objects.get(user=second, role=Role.ADMIN)
    membership_revoke(membership=theirs, revoked_by=admin_a)
    membership_revoke(membership=theirs, revoked_by=admin_a)  # a double click
    revokes = _events(org_a, AuditEvent.Kind.MEMBERSHIP_REVOKE)
    assert [(e.actor_id, e.target_id) for e in revokes] == [(admin_a.pk, second.pk)]
    assert Membership.objects.filter(organization=org_a, role=Role.ADMIN).count() == 1


def test_settings_changes_are_logged_old_to_new_without_the_contact_address(client, org_a, admin_a):
    client.force_login(admin_a)
    settings_page = reverse("backoffice:organization_settings", kwargs={"org": org_a.slug})
    form = {
        "action": "settings",
        "name": "Ville A",
        "kind": "commune",
        "population": "13500",
        "primary_colour": "#1d4e89",
        "contact_email": "jean.dupont@exemple.fr",
        "held_words": "arnaque",
        "map_latitude": "48.85",
    }
    assert client.post(settings_page, form).status_code == 302
    (event,) = _events(org_a, AuditEvent.Kind.ORGANIZATION_UPDATE)
    assert event.actor == admin_a and event.actor_role == "admin"
    assert (event.target_type, event.target_id) == ("organizations.organization", org_a.pk)
    assert event.old == {
        "population": 12000,
        "contact_email": NOT_RECORDED,
        "map_latitude": None,
        "held_words": "",
    }
    assert event.new == {
        "population": 13500,
        "contact_email": NOT_RECORDED,
        "map_latitude": "48.85",
        "held_words": "arnaque",
    }
    assert "jean.dupont" not in json.dumps([event.old, event.new, event.target_label])
    # saving again without a change logs nothing
    assert client.post(settings_page, form).status_code == 302
    organization_update(organization=org_a, actor=admin_a, population=13500)
    assert len(_events(org_a, AuditEvent.Kind.ORGANIZATION_UPDATE)) == 1


def test_neighbourhoods_added_and_deleted_are_logged(org_a, admin_a):
    port = neighbourhood_create(organization=org_a, name="Port", population=800, actor=admin_a)
    port_id = port.pk
    neighbourhood_delete(neighbourhood=port, actor=admin_a)
    (added,) = _events(org_a, AuditEvent.Kind.NEIGHBOURHOOD_CREATE)
    (deleted,) = _events(org_a, AuditEvent.Kind.NEIGHBOURHOOD_DELETE)
    assert added.target_id == deleted.target_id == port_id
    assert added.new == {"name": "Port", "population": 800} and deleted.target_label == "Port"


def test_automatic_actions_have_no_actor(org_a):
    membership_grant(organization=org_a, user=UserFactory(), role=Role.AGENT, notify=False)
    (event,) = _events(org_a, AuditEvent.Kind.MEMBERSHIP_GRANT)
    assert event.actor is None and event.actor_role == ""
    assert audit_rows([event])[0].actor == gettext("Palabre (automatic)")


def test_export_holds_my_audit_events_and_deletion_keeps_them_without_me(org_a, admin_a):
    member = UserFactory()
    membership_grant(
        organization=org_a, user=member, role=Role.AGENT, granted_by=admin_a, notify=False
    )
    other = make_member(org_a, Role.ADMIN)
    membership_grant(
        organization=org_a, user=UserFactory(), role=Role.AGENT, granted_by=other, notify=False
    )
    data = user_export_data(user=admin_a)
    assert [(e["action"], e["role"], e["target"]) for e in data["audit_events"]] == [
        ("membership_grant", "admin", {"type": "accounts.user", "id": member.pk, "label": ""})
    ]
    json.dumps(data)  # JSON-ready
    assert user_export_data(user=member)["audit_events"] == []  # a target is not an actor

    email = admin_a.email
    user_delete_account(user=admin_a)
    event = AuditEvent.objects.get(organization=org_a, target_id=member.pk)
    assert event.actor_id == admin_a.pk and event.actor_role == "admin"  # the event stays
    (row,) = audit_rows([AuditEvent.objects.select_related("actor").get(pk=event.pk)])
    assert email not in row.actor and row.actor == "Ancien·ne participant·e"


def test_a_neighbourhood_an_envelope_uses_is_not_deleted_and_says_why(org_a, admin_a):
    """Seen in review: deleting it gave an HTTP 500 (the envelope protects it)."""
    from django.core.exceptions import ValidationError

    from ..budgets.conftest import build_pb

    north = build_pb(org_a, admin_a)["north"]
    with pytest.raises(ValidationError, match="Quartier Nord"):
        neighbourhood_delete(neighbourhood=north, actor=admin_a)
    assert north.__class__.objects.filter(pk=north.pk).exists()
    assert not _events(org_a, AuditEvent.Kind.NEIGHBOURHOOD_DELETE)
