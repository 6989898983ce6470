"""Follow a process, a theme or an idea; hear about new ideas, comments, replies and phases,
in the site and by e-mail (at once or daily), and stop the e-mails in one click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from palabre.contributions.services import comment_add, idea_submit
from palabre.notifications import services
from palabre.notifications.models import Notification, Preference
from palabre.processes.models import Phase
from palabre.processes.services import theme_get_or_create

from ..factories import UserFactory


@pytest.fixture
def people(db):
    return {name: UserFactory(pseudonym=name) for name in ("Alice", "Bruno", "Chloé", "Driss")}


def kinds(user):
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_followers_authors_and_repliers_each_get_one_notification(
    published_a, people, django_capture_on_commit_callbacks
):
    alice, bruno, chloe, driss = people.values()
    theme = theme_get_or_create(organization=published_a.organization, name="Mobilité")
    services.follow_set(user=bruno, target=published_a, following=True)
    services.follow_set(user=driss, target=theme, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_submit(
            process=published_a,
            author=alice,
            title="Pistes cyclables",
            body="Rue Haute",
            theme=theme,
        )
    assert kinds(bruno) == ["new_idea"] and kinds(driss) == ["new_idea"] and kinds(alice) == []
    services.follow_set(user=chloe, target=idea, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_add(idea=idea, author=bruno, body="Oui !", stance="for")
    assert kinds(alice) == ["comment_on_my_idea"]
    assert kinds(chloe) == ["comment_on_followed"]
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(idea=idea, author=chloe, body="Et rue Basse ?", reply_to=comment)
    assert kinds(bruno) == ["new_idea", "reply_to_my_comment"]
    assert kinds(alice) == ["comment_on_my_idea", "comment_on_my_idea"]
    assert kinds(chloe) == ["comment_on_followed"]  # not told of her own reply
    # e-mails went out at once (default), with a one-click unsubscribe header
    assert len(mail.outbox) == Notification.objects.count()
    message = mail.outbox[-1]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/mon-compte/notifications/desabonnement/" in message.body
    assert "@" not in message.subject


def test_daily_digest_groups_notifications(published_a, people, django_capture_on_commit_callbacks):
    alice, bruno, *_ = people.values()
    services.preference_set(user=bruno, email_frequency=Preference.Frequency.DAILY)
    services.follow_set(user=bruno, target=published_a, following=True)
    with django_capture_on_commit_callbacks(execute=True):
        for title in ("Une", "Deux", "Trois"):
            idea_submit(process=published_a, author=alice, title=title, body="x")
    assert mail.outbox == []
    assert services.digest_send() == 1
    assert len(mail.outbox) == 1 and "3" in mail.outbox[0].subject
    assert "« Une »" in mail.outbox[0].body or "Une" in mail.outbox[0].body
    assert services.digest_send() == 0


def test_new_phase_is_announced_once(published_a, people):
    bruno = people["Bruno"]
    services.follow_set(user=bruno, target=published_a, following=True)
    Phase.objects.filter(process=published_a).update(announced_at=None)
    today = timezone.localdate()
    current = published_a.current_phase()
    assert current is not None
    Phase.objects.filter(pk=current.pk).update(start_date=today - dt.timedelta(days=1))
    assert services.phases_announce() == 1
    assert kinds(bruno) == ["new_phase"]
    assert services.phases_announce() == 0


def test_unsubscribe_link_works_without_login_and_rejects_forgeries(client, people):
    bruno = people["Bruno"]
    url = reverse("notifications:unsubscribe", args=[services.unsubscribe_token(bruno)])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200
    assert services.frequency_of(bruno) == Preference.Frequency.NEVER
    forged = reverse("notifications:unsubscribe", args=["abc:def"])
    assert client.post(forged).status_code == 400


def test_follow_buttons_and_notifications_page(client, as_user, published_a, people, citizen):
    as_user(citizen)
    follow = reverse("process_follow", kwargs={"org": "ville-a", "slug": published_a.slug})
    detail = reverse("process_detail", kwargs={"org": "ville-a", "slug": published_a.slug})
    client.post(follow, {"follow": "1", "next": detail})
    page = client.get(detail).content.decode()
    assert 'aria-pressed="true"' in page
    as_user(people["Alice"])
    idea_submit(process=published_a, author=people["Alice"], title="Bancs", body="x")
    services.on_contribution_published(None, contribution=published_a.contributions.get())
    as_user(citizen)
    page = client.get(detail).content.decode()
    assert "non lue" in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "Bancs" in listing
    assert Notification.objects.get(user=citizen).read_at is None  # a GET writes nothing
    client.post(reverse("notifications:list"), {"what": "read"})
    assert Notification.objects.get(user=citizen).read_at is not None
    client.post(reverse("notifications:list"), {"what": "preference", "email_frequency": "daily"})
    assert services.frequency_of(citizen) == "daily"
