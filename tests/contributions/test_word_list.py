"""The word list holds a contribution for review instead of publishing it."""

from __future__ import annotations

from django.urls import reverse

from palabre.contributions.selectors import comments_of, contributions_visible_to
from palabre.contributions.services import comment_add, idea_submit
from palabre.contributions.wordlist import held_terms
from palabre.moderation.models import ModerationAction
from palabre.moderation.selectors import held_queue, moderation_stats
from palabre.moderation.services import contribution_release
from palabre.organizations.roles import Role

from ..factories import UserFactory, make_member

WORDS = "arnaque\nsale type\n"


def test_matching_is_whole_word_accent_and_case_insensitive():
    assert held_terms("C'est une ARNAQUE !", WORDS) == ["arnaque"]
    assert held_terms("Quel  Sale\nTYPE ce maire", WORDS) == ["sale type"]
    assert held_terms("Les arnaqueurs et les salles", WORDS) == []
    assert held_terms("Élu", "élu") == ["elu"]
    assert held_terms("rien", "") == []


def test_held_idea_is_seen_by_its_author_and_moderators_only(published_a, org_a, citizen):
    org_a.held_words = WORDS
    org_a.save()
    published_a.refresh_from_db()
    idea = idea_submit(
        process=published_a, author=citizen, title="Parking", body="Ce parking est une arnaque."
    )
    clean = idea_submit(process=published_a, author=citizen, title="Bancs", body="Des bancs.")
    assert idea.held_at is not None and idea.held_terms == "arnaque"
    assert clean.held_at is None
    stranger = UserFactory()
    moderator = make_member(org_a, Role.MODERATOR)
    assert list(contributions_visible_to(user=stranger, process=published_a)) == [clean]
    assert set(contributions_visible_to(user=citizen, process=published_a)) == {idea, clean}
    assert set(contributions_visible_to(user=moderator, process=published_a)) == {idea, clean}
    comment = comment_add(idea=clean, author=citizen, body="Sale type, ce voisin", stance="")
    assert comment.held_at is not None
    assert comments_of(user=stranger, idea=clean)[1] == []
    assert comments_of(user=citizen, idea=clean)[1] == [comment]
    assert list(held_queue(organization=org_a)) == [idea, comment]
    assert moderation_stats(process=published_a)["held"] == 2
    contribution_release(contribution=idea, moderator=moderator)
    assert idea in contributions_visible_to(user=stranger, process=published_a)
    log = ModerationAction.objects.get(contribution=idea)
    assert log.kind == "release" and log.moderator == moderator


def test_paper_entries_by_agents_are_not_held(published_a, org_a, agent_a):
    from palabre.contributions.services import contributions_enter

    org_a.held_words = WORDS
    org_a.save()
    published_a.refresh_from_db()
    [entry] = contributions_enter(
        process=published_a, entered_by=agent_a, text="Une arnaque, ce parking", channel="paper"
    )
    assert entry.held_at is None


def test_moderator_reviews_held_ideas_in_the_queue(client, as_user, published_a, org_a, citizen):
    org_a.held_words = WORDS
    org_a.save()
    as_user(citizen)
    create = reverse("idea_create", kwargs={"org": "ville-a", "slug": published_a.slug})
    token = client.get(create).context["form"].initial["token"]
    response = client.post(
        create, {"token": token, "title": "Arnaque", "body": "Le stationnement."}, follow=True
    )
    assert "après lecture" in response.content.decode() or "relu" in response.content.decode()
    moderator = make_member(org_a, Role.MODERATOR)
    as_user(moderator)
    page = client.get(reverse("backoffice:moderation", kwargs={"org": "ville-a"}))
    assert "arnaque" in page.content.decode()
    [held] = held_queue(organization=org_a)
    act = reverse("backoffice:moderation_act", kwargs={"org": "ville-a", "pk": held.pk})
    client.post(act, {"action": "hide", "public_reason": "Propos insultants"})
    held.refresh_from_db()
    assert held.is_hidden and held.held_at is None
