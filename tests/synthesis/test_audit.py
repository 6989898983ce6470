"""The audit log (Finding A) for the restitution: publishing a synthesis, giving answers
(status before → after)."""

from __future__ import annotations

import pytest

from palabre.organizations.models import AuditEvent
from palabre.synthesis import restitution

from ..factories import make_contribution

pytestmark = pytest.mark.django_db


def test_publication_and_answers_are_logged(published_a, org_a, analyst_a, admin_a):
    idea = make_contribution(published_a, title="Bancs", body="Des bancs, écrivez à a@b.fr")
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Mobilier")
    restitution.statement_save(section=section, text="Plus de bancs.", evidence_ids=[idea.pk])
    restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    for status, user in [("under_study", analyst_a), ("adopted", admin_a)]:
        restitution.answer_give(
            process=published_a,
            contribution=idea,
            status=status,
            text="Nous étudions les emplacements.",
            signed_as="Le maire",
            user=user,
            progress=10 if status == "adopted" else None,
        )

    (published,) = AuditEvent.objects.filter(action=AuditEvent.Kind.SYNTHESIS_PUBLISH)
    assert (published.actor, published.actor_role) == (analyst_a, "analyst")
    assert (published.target_type, published.target_id) == ("synthesis.synthesis", draft.pk)
    assert published.old == {"status": "draft"}
    assert published.new == {"status": "published", "version": 1}

    first, second = AuditEvent.objects.filter(action=AuditEvent.Kind.ANSWER_GIVE).order_by("pk")
    assert first.old is None and first.new == {"status": "under_study", "progress": None}
    assert second.old == {"status": "under_study", "progress": None}
    assert second.new == {"status": "adopted", "progress": 10}
    assert (second.actor, second.actor_role) == (admin_a, "admin")
    # the proposal by its number, never its words
    assert second.target_label == f"{published_a.title} — #{idea.pk}"
    assert all(e.organization == org_a for e in (published, first, second))
