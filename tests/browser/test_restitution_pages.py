"""The public restitution pages in Chromium with axe: "what we decide", the draft open for
comments (commenting without JavaScript), and the open data pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palabre.opendata.services import dataset_publish
from palabre.synthesis import restitution
from palabre.synthesis.models import DraftComment
from tests.factories import UserFactory, make_contribution, make_organization, make_process

from .test_consultation_flows import check_axe, new_page
from .test_ideas_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_decisions_draft_and_open_data(live_server, browser, javascript):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    process = make_process(org, title="Idées pour la ville")
    resident = UserFactory(pseudonym="Louise")
    idea = make_contribution(
        process, title="Des bancs", body="Des bancs sur la place du marché", author=resident
    )
    restitution.answer_give(
        process=process,
        contribution=idea,
        status="under_study",
        text="Les services chiffrent les bancs.",
        signed_as="Le maire",
        user=None,
    )
    restitution.answer_give(
        process=process,
        contribution=idea,
        status="adopted",
        text="Six bancs seront posés en mars.",
        signed_as="Le maire",
        user=None,
        progress=20,
    )
    draft = restitution.draft_get_or_create(process=process)
    section = restitution.section_add(synthesis=draft, title="Mobilier urbain")
    statement = restitution.statement_save(
        section=section, text="On manque de bancs.", evidence_ids=[idea.pk]
    )
    restitution.synthesis_update(
        synthesis=draft, comments_until=timezone.localdate() + dt.timedelta(days=5)
    )
    dataset_publish(process=process)
    base = live_server.url
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/decisions/")
    assert "Six bancs seront posés en mars." in page.content()
    check_axe(page, javascript)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/idees/{idea.pk}/")
    assert "est devenue cette idée" in page.content()
    check_axe(page, javascript)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/")
    with page.expect_navigation():
        page.click("nav.restitution-links a:has-text('Données ouvertes')")
    page.wait_for_load_state()
    assert "contributions.csv" in page.content()
    check_axe(page, javascript)
    with page.expect_navigation():
        page.click("a:has-text('Toutes les données ouvertes de la collectivité')")
    page.wait_for_load_state()
    check_axe(page, javascript)
    sign_in(page, base, resident)
    page.goto(f"{base}/ville-de-test/demarches/{process.slug}/synthese/projet/")
    check_axe(page, javascript)
    page.fill(f"#comment-{statement.pk}", "Et à l'ombre, si possible.")
    with page.expect_navigation():
        page.click("button:has-text('Envoyer mon commentaire')")
    page.wait_for_load_state()
    assert "votre commentaire est transmis" in page.content()
    assert DraftComment.objects.get().body == "Et à l'ombre, si possible."
    context.close()
