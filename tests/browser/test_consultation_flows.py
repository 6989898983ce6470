"""Answer a questionnaire, report and moderate, and the mediator's assisted flow, in Chromium,
with and without JavaScript; axe finds no serious or critical violation on these pages."""

from __future__ import annotations

import pytest

from palabre.contributions.models import Contribution
from palabre.contributions.services import idea_submit
from palabre.organizations.roles import Role
from palabre.processes.models import Process
from palabre.questionnaires.models import Response
from tests.factories import UserFactory, make_member, make_organization, make_process
from tests.questionnaires.conftest import build_questionnaire

from .conftest import axe_violations
from .test_ideas_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def new_page(browser, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def check_axe(page, javascript):
    if javascript:  # axe runs in the page; the pages themselves need no JavaScript
        violations = axe_violations(page)
        assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_answer_a_questionnaire(live_server, browser, javascript):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test", neighbourhoods=["Centre"])
    process = make_process(org, title="Votre avis", template=Process.Template.QUESTIONNAIRE)
    q = build_questionnaire(process)
    resident = UserFactory(pseudonym="Louise")
    base = live_server.url
    sign_in(page, base, resident)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/")
    page.click("a.button:has-text('Répondre au questionnaire')")
    check_axe(page, javascript)
    page.click("main form button[type=submit]")  # nothing filled in: the required question
    assert "Il y a un problème" in page.content()
    page.check("text=À vélo")
    page.check("text=Des bancs")
    page.check("text=4")
    ranks = q["priorities"].choices.order_by("position")
    page.select_option(f"#id_{q['priorities'].field_name}_c{ranks[1].pk}", "1")
    page.select_option(f"#id_{q['priorities'].field_name}_c{ranks[0].pk}", "2")
    page.fill(f"#id_{q['open'].field_name}", "Plus d'arbres sur la place.")
    page.click("main form button[type=submit]")
    assert "Merci, vos réponses sont enregistrées." in page.content()
    check_axe(page, javascript)
    response = Response.objects.get(respondent=resident)
    ranked = response.answers.get(question=q["priorities"]).selections.order_by("rank")
    assert [s.choice.label for s in ranked] == ["Verdure", "Sécurité"]
    assert Contribution.objects.get(kind="answer").body == "Plus d'arbres sur la place."
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_report_then_moderate(live_server, browser, javascript):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    process = make_process(org, title="Vos idées")
    author, reporter = UserFactory(pseudonym="Auteur"), UserFactory(pseudonym="Voisine")
    moderator = make_member(org, Role.MODERATOR)
    idea = idea_submit(
        process=process, author=author, title="Idée douteuse", body="Appelez le 06 12 34 56 78"
    )
    base = live_server.url
    idea_url = f"{base}/ville-de-test/demarches/{process.slug}/idees/{idea.pk}/"
    sign_in(page, base, reporter)
    page.goto(idea_url)
    assert "06 12 34 56 78" not in page.content()  # phone numbers are masked in public
    page.click("text=Signaler cette idée")
    check_axe(page, javascript)
    page.check("input[name=reason][value=personal_data]")
    page.click("main form button[type=submit]")
    assert "les modérateurs examineront votre signalement" in page.content().lower() or (
        "signalement" in page.content()
    )
    page.context.clear_cookies()
    sign_in(page, base, moderator)
    page.goto(f"{base}/ville-de-test/espace/moderation/")
    assert "Idée douteuse" in page.content() or "06" in page.content()
    check_axe(page, javascript)
    page.fill(f"#reason-{idea.pk}", "Contient des coordonnées personnelles")
    page.click(f"form:has(#reason-{idea.pk}) button[type=submit]")
    assert "masquée" in page.content()
    page.goto(idea_url)
    assert "Contient des coordonnées personnelles" in page.content()
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_mediator_records_an_idea_on_a_tablet(live_server, browser, javascript):
    context = browser.new_context(
        java_script_enabled=javascript, locale="fr-FR", viewport={"width": 800, "height": 1200}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    org = make_organization("Ville de Test", slug="ville-de-test", neighbourhoods=["Le Port"])
    make_process(org, title="Vos idées pour le port")
    mediator = make_member(org, Role.MEDIATOR)
    base = live_server.url
    sign_in(page, base, mediator)
    page.goto(f"{base}/ville-de-test/espace/mediation/")
    check_axe(page, javascript)
    page.fill("#id_place", "Marché du samedi")
    page.click("text=Commencer la session")
    page.click("text=Vos idées pour le port")
    check_axe(page, javascript)
    page.fill("#id_title", "Un abri à l'arrêt de bus")
    page.fill("#id_body", "On attend sous la pluie.")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "consentement" in page.content() or "accepte" in page.content()
    assert not Contribution.objects.exists()
    page.check("#id_consent")
    page.select_option("#id_neighbourhood", label="Le Port")
    page.click("main form button[type=submit]")
    assert "C’est enregistré" in page.content()
    idea = Contribution.objects.get()
    assert idea.channel == "assisted" and idea.entered_by == mediator and idea.author is None
    page.goto(f"{base}/ville-de-test/espace/mediation/")
    assert "1 contribution recueillie" in page.content()
    page.click("text=Terminer la session")
    assert "Session terminée" in page.content()
    context.close()


def test_place_an_idea_on_the_map(live_server, page, settings):
    """With JavaScript and a tile server, a click on the map fills in the point; the idea page
    shows it on a map. (Tiles point at this test server: they need not load.)"""
    settings.PALABRE_MAP_TILE_URL = live_server.url + "/static/palabre/favicon.svg?{z}/{x}/{y}"
    org = make_organization("Ville de Test", slug="ville-de-test")
    org.map_latitude, org.map_longitude, org.map_zoom = 48.85, 2.35, 14
    org.save()
    process = make_process(org, title="Vos idées")
    page.set_default_timeout(15_000)
    base = live_server.url
    sign_in(page, base, UserFactory(pseudonym="Louise"))
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/idees/nouvelle/")
    page.wait_for_selector("[data-map-picker]:not([hidden]) .leaflet-container, .leaflet-container")
    check_axe(page, True)
    page.fill("#id_title", "Un banc ici")
    page.fill("#id_body", "À l'ombre.")
    page.click("[data-map-picker]", position={"x": 120, "y": 100})
    assert page.input_value("input[name=latitude]") != ""
    page.click("main form button[type=submit]:has-text('Publier mon idée')")
    idea = Contribution.objects.get()
    assert idea.latitude is not None and 48.8 < float(idea.latitude) < 48.9
    page.wait_for_selector("[data-map-point].leaflet-container")
    check_axe(page, True)
