"""The permission chokepoint: roles map to actions, and nothing leaks across organisations."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import ROLE_ACTIONS, Action, Role
from palabre.organizations.selectors import organization_get_for_user, organizations_for_staff
from palabre.processes.selectors import process_get_for_user, processes_visible_to
from tests.factories import UserFactory, make_member, make_process

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_its_actions(org_a, role):
    user = make_member(org_a, role)
    for action in Action:
        assert organization_user_can(user, org_a, action) == (action in ROLE_ACTIONS[role])


def test_anonymous_and_plain_users_can_do_nothing(org_a, citizen):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), citizen):
        assert not any(organization_user_can(user, org_a, a) for a in Action)


def test_a_role_in_one_organisation_gives_nothing_in_another(org_a, org_b, agent_a):
    assert organization_user_can(agent_a, org_a, Action.MANAGE_PROCESSES)
    assert not any(organization_user_can(agent_a, org_b, a) for a in Action)
    with pytest.raises(PermissionDenied):
        organization_get_for_user(user=agent_a, slug=org_b.slug, action=Action.VIEW_BACKOFFICE)
    assert list(organizations_for_staff(user=agent_a)) == [org_a]


def test_superuser_can_everything(org_a):
    root = UserFactory(is_superuser=True)
    assert all(organization_user_can(root, org_a, a) for a in Action)


def test_inactive_user_loses_all_rights(org_a):
    user = make_member(org_a, Role.ADMIN)
    user.is_active = False
    assert not organization_user_can(user, org_a, Action.VIEW_BACKOFFICE)


def test_unknown_organisation_is_404(agent_a):
    with pytest.raises(Http404):
        organization_get_for_user(user=agent_a, slug="nulle-part", action=Action.VIEW_BACKOFFICE)


def test_drafts_and_restricted_processes_stay_inside_their_organisation(
    org_a, org_b, agent_a, agent_b, draft_b
):
    restricted_b = make_process(org_b, title="Réservé aux membres de B", visibility="restricted")
    public_b = make_process(org_b, title="Publique B")
    # Agent of B sees all of B.
    assert set(processes_visible_to(user=agent_b, organization=org_b)) == {
        draft_b,
        restricted_b,
        public_b,
    }
    # Agent of A sees only B's public process, never its draft or restricted one.
    assert list(processes_visible_to(user=agent_a, organization=org_b)) == [public_b]
    for hidden in (draft_b, restricted_b):
        with pytest.raises(Http404):
            process_get_for_user(user=agent_a, organization=org_b, slug=hidden.slug)
    # A citizen member of B sees the restricted process, not the draft.
    member = make_member(org_b, Role.CITIZEN)
    assert set(processes_visible_to(user=member, organization=org_b)) == {restricted_b, public_b}


def test_process_lookup_is_scoped_to_the_organisation(org_a, org_b, agent_b):
    process_b = make_process(org_b, title="Même adresse")
    make_process(org_a, title="Même adresse")
    assert process_get_for_user(user=agent_b, organization=org_b, slug=process_b.slug) == process_b
    # The same slug in A resolves to A's process, never to B's.
    found = process_get_for_user(user=None, organization=org_a, slug=process_b.slug)
    assert found.organization == org_a
