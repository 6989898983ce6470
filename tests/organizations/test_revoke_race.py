"""Finding B: two administrators removing each other at the same instant left the local
government without any. Here the first removal is held open, uncommitted, while the second
runs: the second must wait for it, then see that only one administrator is left."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from palabre.organizations.models import AuditEvent, Membership
from palabre.organizations.roles import Role
from palabre.organizations.services import membership_revoke

from ..concurrency import race
from ..factories import make_member, make_organization

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level waits need PostgreSQL"),
]


def test_two_admins_revoking_each_other_at_once_leave_one_admin():
    org = make_organization("Ville Course", slug="ville-course-admins")
    alice = make_member(org, Role.ADMIN)
    bob = make_member(org, Role.ADMIN)
    alice_admin = Membership.objects.get(user=alice, organization=org, role=Role.ADMIN)
    bob_admin = Membership.objects.get(user=bob, organization=org, role=Role.ADMIN)

    first, second = race(
        lambda: membership_revoke(membership=bob_admin, revoked_by=alice),
        lambda: membership_revoke(membership=alice_admin, revoked_by=bob),
    )

    assert first is None, first
    assert isinstance(second, ValidationError), second
    assert list(
        Membership.objects.filter(organization=org, role=Role.ADMIN).values_list("user", flat=True)
    ) == [alice.pk]
    # one removal happened, one was refused: the log holds the one that happened
    revokes = AuditEvent.objects.filter(organization=org, action=AuditEvent.Kind.MEMBERSHIP_REVOKE)
    assert [(e.actor_id, e.target_id) for e in revokes] == [(alice.pk, bob.pk)]
