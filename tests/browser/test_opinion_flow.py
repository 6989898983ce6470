"""Vote on an opinion map's statements one at a time in Chromium, with and without
JavaScript, then see the map; axe finds no serious or critical violation."""

from __future__ import annotations

import pytest

from palabre.opinions.models import Vote
from palabre.opinions.services import opinion_map_compute, vote_cast
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
    opinion_map_compute(opinion_map_id=om["map"].pk)
    page.click("text=Voir la carte des opinions")
    assert "Carte des participants" in page.content() and "Groupe A" in page.content()
    check_axe(page, javascript)
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_compare_ideas_two_by_two_then_see_the_ranking(live_server, browser, javascript):
    from palabre.opinions.models import PairwiseVote
    from palabre.opinions.pairwise import ranking_compute, survey_of
    from palabre.processes.models import Phase
    from tests.budgets.conftest import move_to_phase
    from tests.factories import make_contribution, make_process

    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    process = make_process(org, title="Boîte à idées")
    move_to_phase(process, Phase.Kind.QUALIFICATION)
    for i in range(4):
        make_contribution(process, title=f"Idée numéro {i}", body=f"Idée numéro {i}")
    resident = UserFactory(pseudonym="Louise")
    base = live_server.url
    sign_in(page, base, resident)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/")
    page.click("text=Comparer les idées deux à deux")
    check_axe(page, javascript)
    for _ in range(3):
        page.click("button:has-text('Je préfère celle-ci') >> nth=0")
    page.check("text=Les deux me plaisent")
    page.click("button:has-text('Passer cette paire')")
    assert PairwiseVote.objects.filter(voter=resident).count() == 4
    assert PairwiseVote.objects.filter(voter=resident, winner=None).count() == 1
    ranking_compute(survey_id=survey_of(process).pk)
    page.click("text=Voir le classement")
    assert "Classement des idées" in page.content()
    check_axe(page, javascript)
    context.close()
