"""The fair "most supported" order: Wilson lower bound of supports per opening, with new
ideas shown near the top until enough people have opened them."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from palabre.contributions.models import Contribution, Support
from palabre.contributions.selectors import EXPLORATION_VIEWS, ideas_of

from ..conftest import login
from ..factories import UserFactory, make_contribution


def _idea(process, title, supports, views, voters):
    idea = make_contribution(process, title=title, body=title)
    Support.objects.bulk_create(Support(contribution=idea, user=u) for u in voters[:supports])
    Contribution.objects.filter(pk=idea.pk).update(views=views)
    return idea


def test_rate_with_confidence_beats_raw_counts_and_new_ideas_get_exposure(published_a):
    voters = [UserFactory() for _ in range(12)]
    _idea(published_a, "Douze sur deux cents", 12, 200, voters)
    _idea(published_a, "Dix sur vingt", 10, 40, voters)
    _idea(published_a, "Nouvelle", 0, 2, voters)
    _idea(published_a, "Vue sans convaincre", 0, 300, voters)
    titles = [
        i.title for i in ideas_of(user=AnonymousUser(), process=published_a, sort="supported")
    ]
    assert titles == ["Nouvelle", "Dix sur vingt", "Douze sur deux cents", "Vue sans convaincre"]
    # once enough people have opened it without supporting it, the new idea sinks
    Contribution.objects.filter(title="Nouvelle").update(views=EXPLORATION_VIEWS + 50)
    titles = [
        i.title for i in ideas_of(user=AnonymousUser(), process=published_a, sort="supported")
    ]
    assert titles[-2:] in (["Nouvelle", "Vue sans convaincre"], ["Vue sans convaincre", "Nouvelle"])
    assert titles[0] == "Dix sur vingt"


def test_opening_an_idea_counts_a_view_but_not_for_its_author(client, published_a, citizen):
    idea = make_contribution(published_a, title="Un banc", author=citizen)
    url = reverse(
        "idea_detail",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug, "pk": idea.pk},
    )
    client.get(url)
    login(client, citizen)
    client.get(url)
    idea.refresh_from_db()
    assert idea.views == 1
