"""The knapsack ballot in Chromium, with and without JavaScript, and the results page;
axe finds no serious or critical violation on these pages."""

from __future__ import annotations

import pytest

from palabre.budgets import services
from palabre.budgets.models import Ballot
from palabre.organizations.roles import Role
from palabre.processes.models import Phase
from tests.budgets.conftest import build_pb, move_to_phase
from tests.factories import UserFactory, make_member, make_organization

from .test_consultation_flows import check_axe, new_page
from .test_ideas_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_knapsack_ballot(live_server, browser, javascript):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    pb = build_pb(org, make_member(org, Role.AGENT))
    process = pb["budget"].process
    resident = UserFactory(pseudonym="Louise")
    base = live_server.url
    sign_in(page, base, resident)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/")
    page.click("a.button:has-text('Voter pour des projets')")
    check_axe(page, javascript)
    page.click("a.button:has-text('Voter dans cette enveloppe') >> nth=0")
    check_axe(page, javascript)
    total = page.locator("#ballot-total")
    assert "Reste : 100\u202f000\u00a0€" in total.inner_text()
    page.check("text=Aire de jeux")
    page.check("text=Pistes cyclables")
    if javascript:  # the total follows the ticks at once
        assert "Au-delà de l’enveloppe" in total.inner_text()
        assert "110" in total.inner_text()
    else:  # the server recalculates
        page.click("button:has-text('Recalculer le total')")
        assert "Au-delà de l’enveloppe" in page.locator("#ballot-total").inner_text()
        assert not Ballot.objects.exists()
    page.uncheck("text=Pistes cyclables")
    page.check("text=Bancs")
    if javascript:
        assert "Reste : 30" in total.inner_text()
    page.click("button:has-text('Enregistrer mon bulletin')")
    assert "Votre bulletin est enregistré" in page.content()
    check_axe(page, javascript)
    ballot = Ballot.objects.get(voter=resident)
    assert sorted(c.project.title for c in ballot.choices.all()) == ["Aire de jeux", "Bancs"]
    context.close()


def test_results_page_is_accessible(live_server, browser):
    context, page = new_page(browser, True)
    org = make_organization("Ville de Test", slug="ville-de-test")
    pb = build_pb(org, make_member(org, Role.AGENT))
    for _ in range(3):
        services.ballot_cast(
            envelope=pb["town"], voter=UserFactory(), selections={pb["projects"]["Bancs"].pk: 1}
        )
    budget = pb["budget"]
    services.tallies_compute(budget_id=budget.pk)
    move_to_phase(budget.process, Phase.Kind.RESTITUTION)
    budget.refresh_from_db()
    services.results_publish(budget=budget)
    page.goto(f"{live_server.url}/ville-de-test/demarches/{budget.process.slug}/budget/resultats/")
    assert "Méthode du partage égal" in page.content()
    check_axe(page, True)
    page.goto(f"{live_server.url}/ville-de-test/demarches/{budget.process.slug}/projets/")
    check_axe(page, True)
    context.close()
