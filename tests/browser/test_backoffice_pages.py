"""The agents' space in Chromium: an agent signs in, creates and publishes a process; axe
finds no serious or critical violation on the back-office pages."""

from __future__ import annotations

import pytest

from palabre.organizations.roles import Role
from tests.factories import PASSWORD, make_member, make_organization

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_creates_and_publishes_a_process_in_the_browser(live_server, page):
    org = make_organization("Ville de Test", slug="ville-de-test")
    agent = make_member(org, Role.ADMIN, email="agente@ville-de-test.fr")
    base = live_server.url
    page.goto(base + "/comptes/login/")
    page.fill("#id_login", agent.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.goto(base + "/ville-de-test/espace/")
    assert "Espace agent" in page.content()
    assert axe_violations(page) == []
    page.click("text=Nouvelle démarche")
    assert axe_violations(page) == []
    page.check("input[value=questionnaire]")
    page.fill("#id_title", "Enquête sur les mobilités")
    page.fill("#id_question", "Comment vous déplacez-vous ?")
    page.fill("#id_start_date", "2027-01-04")
    page.click("main form button[type=submit]")
    assert "La démarche a été créée en brouillon." in page.content()
    assert axe_violations(page) == []
    page.click("text=Passer à « Publiée »")
    assert "Statut passé à « Publiée »." in page.content()
    for path in ("collectivite/", "membres/", "pages/", "pages/accessibilite/", "moderation/"):
        page.goto(f"{base}/ville-de-test/espace/{path}")
        violations = axe_violations(page)
        assert violations == [], f"{path}: " + "\n".join(violations)
    page.goto(base + "/ville-de-test/demarches/")
    assert "Enquête sur les mobilités" in page.content()
