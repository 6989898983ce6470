"""The audit log (Finding A) for moderation: each moderation action stays in the moderators'
log (ModerationAction) and goes to the administrators' audit log too; the actions taken
before the audit log existed are copied into it by a migration."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from palabre.contributions.services import idea_submit
from palabre.moderation import services
from palabre.moderation.models import ModerationAction
from palabre.organizations.models import AuditEvent
from palabre.organizations.roles import Role
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(published_a):
    author = UserFactory(email="auteur@exemple.fr", pseudonym="Auteur")
    return idea_submit(process=published_a, author=author, title="Idée", body="Texte injurieux")


def test_every_moderation_action_is_in_the_audit_log(org_a, idea):
    moderator = make_member(org_a, Role.MODERATOR)
    services.contribution_hide(contribution=idea, moderator=moderator, public_reason="Insulte")
    services.contribution_restore(contribution=idea, moderator=moderator)
    services.reports_dismiss(contribution=idea, moderator=moderator, reason="Rien à redire")

    events = list(AuditEvent.objects.filter(organization=org_a).order_by("pk"))
    assert [e.action for e in events] == [
        AuditEvent.Kind.CONTRIBUTION_HIDE,
        AuditEvent.Kind.CONTRIBUTION_RESTORE,
        AuditEvent.Kind.REPORTS_DISMISS,
    ]
    assert ModerationAction.objects.filter(contribution=idea).count() == 3
    for event in events:
        assert (event.actor, event.actor_role) == (moderator, "moderator")
        assert (event.target_type, event.target_id) == ("contributions.contribution", idea.pk)
        assert event.target_label == idea.process.title  # not the text, not the author
    assert [e.new for e in events] == [{"reason": "Insulte"}, None, {"reason": "Rien à redire"}]


def test_the_migration_copies_earlier_moderation_actions(org_a, idea):
    moderator = make_member(org_a, Role.MODERATOR)
    earlier = ModerationAction.objects.create(
        contribution=idea, moderator=moderator, kind="hide", reason="Insulte"
    )
    migration = importlib.import_module(
        "palabre.moderation.migrations.0003_moderation_actions_to_audit_log"
    )
    migration.forwards(apps, None)
    event = AuditEvent.objects.get()
    assert (event.organization, event.actor, event.actor_role) == (org_a, moderator, "")
    assert (event.action, event.target_id) == (AuditEvent.Kind.CONTRIBUTION_HIDE, idea.pk)
    assert event.new == {"reason": "Insulte"} and event.created_at == earlier.created_at
