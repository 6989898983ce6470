"""E-mails are plain text: what people typed reaches the subject and body as typed, never
as HTML entities (`L&#x27;atelier`); the notifications page, which is HTML, stays escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from palabre.contributions.models import Contribution, FollowUpContact
from palabre.contributions.services import coauthor_invite, idea_submit
from palabre.notifications import services
from palabre.notifications.models import Notification, Preference
from palabre.notifications.tasks import send_outcome_email
from palabre.organizations.roles import Role
from palabre.organizations.services import membership_grant

from ..conftest import login
from ..factories import UserFactory, make_contribution, make_organization, make_process

TYPED = "L'atelier <vélo> & co"
ENTITIES = ("&#x27;", "&#39;", "&lt;", "&gt;", "&amp;", "&quot;")


def plain(text: str) -> str:
    assert not any(entity in text for entity in ENTITIES), text
    return text


@pytest.fixture
def atelier(org_a):
    return make_process(org_a, title=TYPED)


def test_notification_subject_and_body_carry_the_typed_text(
    atelier, citizen, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    services.follow_set(user=follower, target=atelier, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        idea_submit(process=atelier, author=citizen, title=f"Idée {TYPED}", body="x")
    [message] = mail.outbox
    assert TYPED in plain(message.subject) and f"Idée {TYPED}" in plain(message.body)
    assert message.alternatives == []  # plain text only: no HTML part to escape


def test_the_digest_carries_the_typed_text(atelier, citizen, django_capture_on_commit_callbacks):
    follower = UserFactory()
    services.preference_set(user=follower, email_frequency=Preference.Frequency.DAILY)
    services.follow_set(user=follower, target=atelier, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        idea_submit(process=atelier, author=citizen, title=TYPED, body="x")
    assert services.digest_send() == 1
    [message] = mail.outbox
    assert plain(message.body).count(TYPED) == 2  # the process and the idea
    plain(message.subject)


def test_the_outcome_e_mail_carries_the_typed_text(atelier):
    idea = make_contribution(atelier, title=TYPED, body=f"Le texte : {TYPED}", channel="paper")
    contact = FollowUpContact.objects.create(contribution=idea, email="voisine@exemple.fr")
    send_outcome_email.call(contact.pk, Notification.Kind.SYNTHESIS_PUBLISHED)
    [message] = mail.outbox
    assert TYPED in plain(message.subject) and f"« Le texte : {TYPED} »" in plain(message.body)


def test_role_and_co_author_e_mails_carry_the_typed_text(
    published_a, citizen, django_capture_on_commit_callbacks
):
    org = make_organization(TYPED, slug="atelier")
    with django_capture_on_commit_callbacks(execute=True):
        membership_grant(organization=org, user=UserFactory(), role=Role.AGENT)
    [message] = mail.outbox
    assert TYPED in plain(message.subject) and TYPED in plain(message.body)
    association = UserFactory(participant_type="association")
    idea = idea_submit(process=published_a, author=citizen, title=TYPED, body="x")
    with django_capture_on_commit_callbacks(execute=True):
        coauthor_invite(idea=idea, inviter=citizen, email=association.email)
    message = mail.outbox[-1]
    assert TYPED in plain(message.subject) and TYPED in plain(message.body)


def test_the_notifications_page_still_escapes_the_same_text(client, atelier, citizen):
    services.follow_set(user=citizen, target=atelier, following=True)
    idea = idea_submit(process=atelier, author=UserFactory(), title="<b>Bancs</b>", body="x")
    services.on_contribution_published(None, contribution=Contribution.objects.get(pk=idea.pk))
    page = login(client, citizen).get(reverse("notifications:list")).content.decode()
    assert "L&#x27;atelier &lt;vélo&gt; &amp; co" in page and "&lt;b&gt;Bancs" in page
    assert "<vélo>" not in page and "<b>Bancs" not in page


def test_every_e_mail_template_turns_autoescape_off():
    """The rule, checked: an e-mail template (`*/email/*.txt`) renders plain text."""
    templates = sorted((Path(settings.PACKAGE_DIR) / "templates").glob("*/email/*.txt"))
    assert templates
    for template in templates:
        text = template.read_text()
        assert "{% autoescape off %}" in text and "{% endautoescape %}" in text, template.name
