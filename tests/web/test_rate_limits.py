"""Public writes are limited per account and per visitor address (core.ratelimit), in the
shared cache, with a French 429 page that says when to try again."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from palabre.contributions.models import Contribution
from palabre.core.ratelimit import parse_rate

from ..factories import UserFactory, make_contribution


def test_rates_read_as_count_and_period():
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("30/10m") == (30, 600)
    with pytest.raises(ValueError):
        parse_rate("dix par heure")


def _comment(client, url, n, address):
    return client.post(
        url,
        {"body": f"Commentaire {n}", "stance": "for", "token": str(uuid.uuid4())},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_comments_are_limited_per_account_and_per_address(settings, published_a, citizen):
    settings.PALABRE_RATE_LIMITS = {
        **settings.PALABRE_RATE_LIMITS,
        "comment": ("3/10m", "5/10m"),
    }
    idea = make_contribution(published_a, title="Un banc", body="Un banc")
    url = reverse(
        "idea_comment",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug, "pk": idea.pk},
    )
    first = Client()
    first.force_login(citizen)
    for n in range(3):  # from three different addresses: the account's limit holds
        assert _comment(first, url, n, f"203.0.113.{n}").status_code == 302
    refused = _comment(first, url, 9, "203.0.113.9")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "Trop d’envois en peu de temps" in page or "Trop d'envois en peu de temps" in page
    assert "Réessayez dans" in page
    comments = Contribution.objects.filter(parent=idea)
    assert comments.count() == 3
    # others on the same connection (a town hall's Wi-Fi) share its larger limit: it had 1
    statuses = []
    for n in range(3):
        neighbour = Client()
        neighbour.force_login(UserFactory())
        statuses += [
            _comment(neighbour, url, 10 * n + k, "203.0.113.0").status_code for k in (1, 2)
        ]
    assert statuses == [302, 302, 302, 302, 429, 429]
    assert comments.count() == 7
    # another person elsewhere is not affected
    third = Client()
    third.force_login(UserFactory())
    assert _comment(third, url, 30, "198.51.100.4").status_code == 302
