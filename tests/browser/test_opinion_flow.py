"""Vote on an opinion map's statements one at a time in Chromium, with and without
JavaScript, then see the map; axe finds no serious or critical violation."""

from __future__ import annotations

import pytest

from palabre.opinions import selectors
from palabre.opinions.models import Vote
from palabre.opinions.services import vote_cast
from palabre.organizations.roles import Role
from tests.factories import UserFactory, make_member, make_organization
from tests.opinions.conftest import STATEMENTS, build_map

from .test_consultation_flows import check_axe, new_page
from .test_ideas_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_vote_on_statements_then_see_the_map(live_server, browser, javascript):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    om = build_map(org, make_member(org, Role.AGENT))
    resident = UserFactory(pseudonym="Louise")
    base = live_server.url
    sign_in(page, base, resident)
    page.goto(f"{base}/ville-de-test/demarches/{om['process'].slug}/")
    page.click("a.button:has-text('Donner mon avis')")
    check_axe(page, javascript)
    for i, _statement in enumerate(STATEMENTS):
        page.click("button:has-text('D’accord')" if i % 2 else "button:has-text('Pas d’accord')")
    assert "tous les énoncés" in page.content()
    assert Vote.objects.filter(voter=resident).count() == len(STATEMENTS)
    for n in range(12):  # two camps, so that the map has groups
        voter = UserFactory()
        for j, statement in enumerate(om["statements"]):
            vote_cast(statement=statement, voter=voter, value=1 if (n + j) % 2 else -1)
    selectors.opinion_map_compute(opinion_map_id=om["map"].pk)
    page.click("text=Voir la carte des opinions")
    assert "Carte des participants" in page.content() and "Groupe A" in page.content()
    check_axe(page, javascript)
    context.close()
