"""Every public page in headless Chromium: it renders in French and axe finds no serious or
critical accessibility violation. Also: the site works without JavaScript."""

from __future__ import annotations

import pytest

from palabre.core.models import Channel
from tests.factories import make_contribution, make_organization, make_process

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    org = make_organization("Ville de Test", slug="ville-de-test", neighbourhoods=["Centre"])
    process = make_process(org, title="Vos idées pour le centre")
    make_contribution(process, title="Des bancs", body="Plus de bancs place de la Mairie.")
    make_contribution(process, body="Sur papier", channel=Channel.PAPER)
    make_contribution(process, body="x", is_hidden=True, public_reason="hors sujet")
    make_process(org, title="Ancienne démarche", status="closed")
    return live_server.url, org, process


PUBLIC_PAGES = [
    ("/", "Participez à la vie de votre territoire"),
    ("/ville-de-test/", "Démarches ouvertes"),
    ("/ville-de-test/demarches/", "Démarches participatives"),
    ("/ville-de-test/demarches/{process}/", "Calendrier"),
    ("/ville-de-test/pages/mentions-legales/", "Mentions légales"),
    ("/ville-de-test/pages/donnees-personnelles/", "Données personnelles"),
    ("/ville-de-test/pages/accessibilite/", "Accessibilité"),
    ("/comptes/login/", "Connexion"),
    ("/comptes/signup/", "Inscription"),
    ("/comptes/password/reset/", "Mot de passe oublié"),
    ("/comptes/login/code/", "Connexion"),
    ("/nulle-part/", "Page introuvable"),
]


@pytest.mark.parametrize(("path", "expected"), PUBLIC_PAGES)
def test_public_page_is_french_and_accessible(site, page, path, expected):
    base, _org, process = site
    response = page.goto(base + path.format(process=process.slug))
    assert response is not None
    assert response.status == (404 if path == "/nulle-part/" else 200)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert expected in page.content()
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def test_skip_link_moves_focus_to_the_content(site, page):
    base, _org, _process = site
    page.goto(base + "/ville-de-test/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_without_javascript_filters_and_language_switch_work(site, page_without_js):
    base, _org, _process = site
    page = page_without_js
    page.goto(base + "/ville-de-test/demarches/")
    page.fill("#f-q", "centre")
    page.click("form.filters button")
    assert "Vos idées pour le centre" in page.content()
    assert "Ancienne démarche" not in page.content()
    page.select_option("#language-select", "en")
    page.click("form.language-switch button")
    assert "Participation processes" in page.content()
    assert page.locator("html").get_attribute("lang") == "en"


def test_signup_form_errors_are_announced_and_linked(site, page_without_js):
    base, _org, _process = site
    page = page_without_js
    page.goto(base + "/comptes/signup/")
    page.fill("#id_email", "pas-une-adresse")
    page.click("main form button[type=submit]")
    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert summary.get_attribute("role") == "alert"
    assert page.locator(".error-summary a[href='#id_email']").count() == 1
