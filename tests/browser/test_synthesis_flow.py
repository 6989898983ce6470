"""The synthesis in Chromium: an analyst runs the analysis, reviews topics, writes and publishes
a statement with its evidence; the public synthesis page and a contributor's outcome page; axe
finds no serious or critical violation."""

from __future__ import annotations

import pytest

from palabre.organizations.roles import Role
from palabre.synthesis.models import Assignment, Statement, Topic
from tests.factories import (
    UserFactory,
    make_contribution,
    make_member,
    make_organization,
    make_process,
)
from tests.synthesis.conftest import THEMES

from .test_consultation_flows import check_axe, new_page
from .test_ideas_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _follow(page, selector):
    """Click a link or a submit button and wait for the next page to be there."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def _corpus(process):
    ideas = []
    for theme, texts in THEMES.items():
        for n, text in enumerate(texts * 2):
            author = UserFactory(email=f"{theme}{n}@exemple.fr", pseudonym=f"{theme}{n}")
            ideas.append(
                make_contribution(process, body=f"{text} ({n})", title=text[:40], author=author)
            )
    return ideas


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_analyst_workspace_and_writing(live_server, browser, javascript):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    process = make_process(org, title="Idées pour la ville")
    ideas = _corpus(process)
    analyst = make_member(org, Role.ANALYST, email="analyste@ville-de-test.fr")
    base = live_server.url
    sign_in(page, base, analyst)
    page.goto(f"{base}/ville-de-test/espace/demarches/{process.slug}/analyse/")
    check_axe(page, javascript)
    _follow(page, "button:has-text('Lancer une analyse')")
    page.goto(f"{base}/ville-de-test/espace/demarches/{process.slug}/analyse/")
    assert "Terminée" in page.content()
    check_axe(page, javascript)
    _follow(page, "nav a:has-text('Thèmes')")
    check_axe(page, javascript)
    topic = Topic.objects.filter(process=process, parent=None).first()
    _follow(page, f"a:has-text('{topic.label}') >> nth=0")
    check_axe(page, javascript)
    page.fill("#id_label", "Mobilités douces")
    _follow(page, "button:has-text('Renommer')")
    assert "Le thème est renommé." in page.content()
    first = (
        Assignment.objects.filter(topic=topic)
        .order_by("-pinned", "-score", "contribution_id")
        .first()
    )
    page.check(f"#c{first.contribution_id}")
    page.select_option("#id_action", "pin")
    _follow(page, "button:has-text('Appliquer')")
    assert "Citations mises à jour." in page.content()
    assert Assignment.objects.get(pk=first.pk).pinned
    _follow(page, "nav a:has-text('Rédaction de la synthèse')")
    check_axe(page, javascript)
    _follow(page, "button:has-text('Commencer un brouillon')")  # opening the page writes nothing
    page.select_option("#id_section-topic", str(topic.pk))
    _follow(page, "button:has-text('Ajouter la section')")
    section_id = page.locator("section.card").first.get_attribute("aria-labelledby").split("-")[1]
    page.fill(f"#id_s{section_id}-text", "Les habitants veulent des pistes cyclables continues.")
    page.check(f"input[name='s{section_id}-evidence'][value='{first.contribution_id}']")
    _follow(page, 'button:has-text("Ajouter l\'énoncé")')
    assert "Appuyé par 1 contribution" in page.content()
    check_axe(page, javascript)
    _follow(page, "button:has-text('Publier la synthèse')")
    assert "Les habitants veulent des pistes cyclables continues." in page.content()
    check_axe(page, javascript)
    statement = Statement.objects.get()
    assert list(statement.evidence.values_list("pk", flat=True)) == [first.contribution_id]
    if javascript:
        page.click("summary:has-text('Lire les contributions')")
        assert page.locator("ul.evidence li").first.is_visible()
    # the author of the cited contribution sees what became of it
    author = first.contribution.author
    context.close()
    context, page = new_page(browser, javascript)
    sign_in(page, base, author)
    page.goto(f"{base}/mon-compte/contributions/")
    assert "Mobilités douces" in page.content()
    assert "Les habitants veulent des pistes cyclables continues." in page.content()
    check_axe(page, javascript)
    assert len(ideas) == 36
    context.close()
