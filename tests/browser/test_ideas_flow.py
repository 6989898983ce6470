"""A resident proposes an idea, comments with a stance and supports, in Chromium (no JavaScript
needed); axe finds no serious or critical violation on the idea pages."""

import pytest

from tests.factories import PASSWORD, UserFactory, make_organization, make_process, totp_code

from .conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, user):
    """Sign in with the password and, for staff, the authenticator app's code."""
    page.goto(base + "/comptes/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    if "/2fa/authenticate" in page.url:
        page.fill("#id_code", totp_code())
        page.click("main form button[type=submit]")
        page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_propose_comment_and_support_an_idea(live_server, browser, javascript):
    context = browser.new_context(java_script_enabled=javascript, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)

    def no_violations():
        # axe runs in the page: only with JavaScript (the pages themselves need none).
        return axe_violations(page) if javascript else []

    org = make_organization("Ville de Test", slug="ville-de-test", neighbourhoods=["Centre"])
    process = make_process(org, title="Vos idées")
    resident = UserFactory(email="habitante@exemple.fr", pseudonym="Louise")
    base = live_server.url
    sign_in(page, base, resident)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/")
    page.click("text=Proposer une idée")
    assert no_violations() == []
    page.fill("#id_title", "Des bancs place du marché")
    page.fill("#id_body", "Pour que les personnes âgées puissent se reposer.")
    page.select_option("#id_neighbourhood", label="Centre")
    page.click("main form button[type=submit]")
    assert "Merci, votre idée est publiée." in page.content()
    assert no_violations() == []
    page.fill("#id_body", "Et des arbres pour l'ombre")
    page.check("input[name=stance][value=for]")
    page.click("text=Publier mon commentaire")
    assert "Votre commentaire est publié." in page.content()
    page.click("text=Soutenir cette idée")
    assert "1 personne soutient cette idée." in page.content()
    violations = no_violations()
    assert violations == [], "\n".join(violations)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/")
    assert "Des bancs place du marché" in page.content()
    violations = no_violations()
    assert violations == [], "\n".join(violations)
    context.close()
