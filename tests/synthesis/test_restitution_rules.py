"""Issue 16 (first slice): a statement nobody can check is never published, and a draft's
section titles follow their topic's name until the analyst titles them otherwise."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from palabre.synthesis import restitution, services
from palabre.synthesis.models import Section, Synthesis, Topic

pytestmark = pytest.mark.django_db


def test_a_statement_without_readable_evidence_is_not_published(published_a, analyst_a, corpus_a):
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    backed = corpus_a["velo"][0]
    restitution.statement_save(section=section, text="Des pistes.", evidence_ids=[backed.pk])
    restitution.statement_save(section=section, text="Rien derrière.", evidence_ids=[])
    with pytest.raises(ValidationError, match="Rien derrière"):
        restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    restitution.statement_delete(statement=section.statements.get(text="Rien derrière."))
    # evidence held for review after it was cited no longer counts as support
    backed.held_at, backed.held_terms = timezone.now(), "mot"
    backed.save(update_fields=["held_at", "held_terms"])
    with pytest.raises(ValidationError, match="Des pistes"):
        restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    backed.held_at = None
    backed.save(update_fields=["held_at"])
    published = restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    assert published.status == Synthesis.Status.PUBLISHED


def test_section_titles_follow_their_topic_in_the_draft_only(
    published_a, analyst_a, corpus_a, analyse
):
    analyse(published_a, analyst_a)
    topic = Topic.objects.filter(process=published_a, parent=None).first()
    draft = restitution.draft_get_or_create(process=published_a)
    follows = restitution.section_add(synthesis=draft, title="", topic=topic)
    custom = restitution.section_add(synthesis=draft, title="Notre titre", topic=topic)
    restitution.statement_save(
        section=follows, text="Un énoncé.", evidence_ids=[corpus_a["velo"][0].pk]
    )
    restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    first_name = topic.label
    services.topic_rename(
        topic=topic, label="Pistes cyclables", version=topic.version, user=analyst_a
    )
    assert Section.objects.get(pk=follows.pk).title == first_name  # published: unchanged
    next_draft = restitution.draft_get_or_create(process=published_a)
    copied = next_draft.sections.get(position=follows.position)
    assert copied.title == "Pistes cyclables"  # a new draft takes the current name
    topic.refresh_from_db()
    services.topic_rename(topic=topic, label="Vélo en ville", version=topic.version, user=analyst_a)
    copied.refresh_from_db()
    assert copied.title == "Vélo en ville"  # and follows it while a draft
    assert next_draft.sections.get(position=custom.position).title == "Notre titre"
    assert Section.objects.get(pk=custom.pk).title == "Notre titre"


def test_a_decision_links_to_the_section_about_its_topic(
    client, org_a, published_a, analyst_a, corpus_a, analyse
):
    from django.urls import reverse

    from palabre.organizations.roles import Role

    from ..factories import make_member

    elected_a = make_member(org_a, Role.ELECTED)

    analyse(published_a, analyst_a)
    topic = Topic.objects.filter(process=published_a, parent=None).first()
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="", topic=topic)
    restitution.statement_save(
        section=section, text="Un énoncé.", evidence_ids=[corpus_a["velo"][0].pk]
    )
    restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    restitution.answer_give(
        process=published_a,
        topic=topic,
        status="adopted",
        text="Nous le ferons.",
        signed_as="Le maire",
        user=elected_a,
    )
    kwargs = {"org": published_a.organization.slug, "slug": published_a.slug}
    page = client.get(reverse("decisions", kwargs=kwargs)).content.decode()
    assert f"{reverse('synthesis_public', kwargs=kwargs)}#section-{section.pk}" in page
