"""Paper and meeting contributions typed in by agents, and the mediators' assisted mode."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.contributions.models import Contribution, FollowUpContact, MediationSession
from palabre.contributions.selectors import corpus_rows
from palabre.contributions.services import (
    assisted_idea_record,
    contributions_enter,
    mediation_start,
)
from palabre.organizations.roles import Role

from ..factories import make_member
from ..processes.test_meetings import make_meeting

NOTES = """Plus de bancs sur la place
Surtout à l'ombre des platanes.

Un marché le dimanche matin

  Des toilettes publiques ouvertes le soir
"""


@pytest.fixture
def mediator(org_a):
    return make_member(org_a, Role.MEDIATOR, email="mediatrice@ville-a.fr")


def test_bulk_entry_makes_one_contribution_per_paragraph(published_a, agent_a):
    meeting = make_meeting(published_a)
    token = uuid.uuid4()
    created = contributions_enter(
        process=published_a, entered_by=agent_a, text=NOTES, meeting=meeting, token=token
    )
    assert [c.title for c in created] == [
        "Plus de bancs sur la place",
        "Un marché le dimanche matin",
        "Des toilettes publiques ouvertes le soir",
    ]
    assert created[0].body == "Surtout à l'ombre des platanes."
    assert {c.channel for c in created} == {"meeting"}
    assert all(c.meeting == meeting and c.entered_by == agent_a for c in created)
    assert all(c.author is None and c.author_name == "Contribution en réunion" for c in created)
    again = contributions_enter(
        process=published_a, entered_by=agent_a, text=NOTES, meeting=meeting, token=token
    )
    assert again == [] and Contribution.objects.count() == 3


def test_bulk_entry_refuses_outsiders_and_saves_nothing_on_error(published_a, agent_b, citizen):
    for user in (agent_b, citizen):
        with pytest.raises(ValidationError):
            contributions_enter(process=published_a, entered_by=user, text=NOTES)
    with pytest.raises(ValidationError):
        contributions_enter(process=published_a, entered_by=None, text=NOTES)
    assert Contribution.objects.count() == 0


def test_bulk_entry_page(client, as_user, published_a, mediator):
    as_user(mediator)
    url = reverse("backoffice:bulk_entry", kwargs={"org": "ville-a", "slug": published_a.slug})
    page = client.get(url)
    assert page.status_code == 200
    token = page.context["form"].initial["token"]
    data = {"token": token, "channel": "paper", "kind": "meeting_note", "text": NOTES}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    notes = Contribution.objects.filter(kind="meeting_note", channel="paper")
    assert notes.count() == 3
    rows = list(corpus_rows(user=mediator, process=published_a))
    assert {r["channel"] for r in rows} == {"paper"}


def test_assisted_idea_is_attributed_to_the_session_with_consent(published_a, mediator, org_a):
    session = mediation_start(organization=org_a, mediator=mediator, place="Marché du samedi")
    with pytest.raises(ValidationError):
        assisted_idea_record(
            session=session,
            mediator=mediator,
            process=published_a,
            title="Des bancs",
            body="Il faudrait des bancs.",
            consent=False,
        )
    idea = assisted_idea_record(
        session=session,
        mediator=mediator,
        process=published_a,
        title="Des bancs",
        body="Il faudrait des bancs près de l'arrêt de bus.",
        consent=True,
        contact_email="voisine@exemple.fr",
    )
    assert idea.channel == "assisted" and idea.author is None
    assert idea.mediation == session and idea.entered_by == mediator
    assert idea.consent_at is not None
    assert idea.author_name == "Recueillie avec un·e médiateur·rice"
    assert FollowUpContact.objects.get(contribution=idea).email == "voisine@exemple.fr"
    rows = list(corpus_rows(user=mediator, process=published_a))
    assert "voisine" not in repr(rows)


def test_mediator_of_another_organisation_cannot_record(published_a, org_b):
    outsider = make_member(org_b, Role.MEDIATOR)
    with pytest.raises(ValidationError):
        mediation_start(organization=published_a.organization, mediator=outsider, place="Ici")
    session = mediation_start(organization=org_b, mediator=outsider, place="Ailleurs")
    with pytest.raises(ValidationError):
        assisted_idea_record(
            session=session,
            mediator=outsider,
            process=published_a,
            title="Intrus",
            body="Texte",
            consent=True,
        )
    assert Contribution.objects.count() == 0


def test_mediator_flow_without_javascript(client, as_user, published_a, mediator):
    as_user(mediator)
    home = reverse("backoffice:mediation", kwargs={"org": "ville-a"})
    assert client.post(home, {"place": "Bibliothèque Jean-Moulin"}).status_code == 302
    page = client.get(home).content.decode()
    assert "Bibliothèque Jean-Moulin" in page and published_a.title in page
    url = reverse("backoffice:assisted_idea", kwargs={"org": "ville-a", "slug": published_a.slug})
    form = client.get(url)
    token = form.context["form"].initial["token"]
    missing_consent = client.post(url, {"token": token, "title": "Ombre", "body": "Des arbres."})
    assert missing_consent.status_code == 200 and Contribution.objects.count() == 0
    data = {"token": token, "consent": "on", "title": "Ombre", "body": "Des arbres."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Contribution.objects.filter(channel="assisted").count() == 1
    client.post(reverse("backoffice:mediation_end", kwargs={"org": "ville-a"}))
    assert MediationSession.objects.get().ended_at is not None
    assert client.get(url).status_code == 302


def test_archiving_the_process_deletes_follow_up_contacts(published_a, mediator, org_a):
    from palabre.processes.services import process_set_status

    session = mediation_start(organization=org_a, mediator=mediator, place="Marché")
    idea = assisted_idea_record(
        session=session,
        mediator=mediator,
        process=published_a,
        title="Un abri",
        body="À l'arrêt de bus.",
        consent=True,
        contact_email="voisine@exemple.fr",
    )
    process = process_set_status(process=published_a, status="closed")
    assert FollowUpContact.objects.filter(contribution=idea).exists()
    process_set_status(process=process, status="archived")
    assert not FollowUpContact.objects.exists()
    assert Contribution.objects.filter(pk=idea.pk).exists()
