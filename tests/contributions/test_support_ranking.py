"""The fair "most supported" order: Wilson lower bound of supports per opening, with new
ideas shown near the top until enough people have opened them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

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


def _url(idea):
    process = idea.process
    return reverse(
        "idea_detail",
        kwargs={"org": process.organization.slug, "slug": process.slug, "pk": idea.pk},
    )


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131"


def test_an_idea_opening_counts_once_per_person_or_browser_and_day(client, published_a, citizen):
    """Finding 9: every GET counted a view (anonymous, bots, reloads), and the views are the
    Wilson denominator: reloading a rival's page pushed it down, and each GET wrote and locked
    the idea's row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from palabre.contributions.models import IdeaViewer
    from palabre.contributions.services import idea_views_roll_up

    idea = make_contribution(published_a, title="Un banc", author=citizen)
    rival = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):  # a rival reloads the page, anonymously…
            assert client.get(_url(idea), HTTP_USER_AGENT=BROWSER).status_code == 200
    assert not [q for q in queries if 'UPDATE "contributions_contribution"' in q["sql"]]
    client.get(_url(idea), HTTP_USER_AGENT="Googlebot/2.1")  # robots are not counted
    login(client, rival)
    for _ in range(3):  # …then signed in
        client.get(_url(idea), HTTP_USER_AGENT=BROWSER)
    login(client, citizen)
    client.get(_url(idea), HTTP_USER_AGENT=BROWSER)  # its author is not counted
    assert IdeaViewer.objects.filter(idea=idea).count() == 2
    scored = ideas_of(user=AnonymousUser(), process=published_a, sort="supported").get(pk=idea.pk)
    assert scored.seen == 2
    # the daily roll-up adds finished days to the idea and deletes the hashes
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert idea_views_roll_up(today=tomorrow) == 1
    idea.refresh_from_db()
    assert idea.views == 2 and not IdeaViewer.objects.exists()


def test_every_seed_shuffles_the_ideas(published_a):
    """Finding 11: the shuffled order degenerated to oldest first for 1 seed in 5,000."""
    for n in range(12):
        make_contribution(published_a, title=f"Idée {n}", body="texte")
    oldest_first = list(
        ideas_of(user=AnonymousUser(), process=published_a, sort="recent").values_list(
            "pk", flat=True
        )
    )[::-1]
    for seed in (0, 1, 1044, 6044, 10006, 123_456):  # 1044: 7919 + 2 × 1044 = 10007
        order = ideas_of(user=AnonymousUser(), process=published_a, seed=seed)
        assert list(order.values_list("pk", flat=True)) != oldest_first, seed
