"""Runs never destroy work, in Chromium: an analyst curates topics, classifies with the codebook,
reads the proposal, applies part of it, undoes it and finds the curated topics intact; then
publishes a synthesis and finds the evidence kept in the next draft. axe finds no serious or
critical violation on the pages involved."""

from __future__ import annotations

import pytest

from palabre.organizations.roles import Role
from palabre.synthesis import selectors, services
from palabre.synthesis.models import AnalysisRun, Assignment, CodebookCategory, Topic
from tests.factories import make_member, make_organization, make_process

from .test_consultation_flows import check_axe, new_page
from .test_ideas_flow import sign_in
from .test_synthesis_flow import _corpus, _follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workspace_state(process):
    """Each live topic's name and count, as the workspace shows them."""
    tree = selectors.topic_tree(process=process)
    return {
        pk: (topic.label, tree.total(pk))
        for pk, topic in tree.topics.items()
        if topic.merged_into_id is None
    }


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_codebook_proposal_applied_in_part_then_undone_keeps_curated_topics(
    live_server, browser, javascript
):
    context, page = new_page(browser, javascript)
    org = make_organization("Ville de Test", slug="ville-de-test")
    process = make_process(org, title="Idées pour la ville")
    _corpus(process)
    for name, keywords in (
        ("Vélo", "vélo; piste cyclable"),
        ("Arbres", "arbre; ombre"),
        ("Bruit", "bruit; nuit"),
    ):
        services.codebook_category_save(organization=org, name=name, keywords=keywords)
    analyst = make_member(org, Role.ANALYST, email="analyste@ville-de-test.fr")
    base = f"{live_server.url}/ville-de-test/espace/demarches/{process.slug}"
    sign_in(page, live_server.url, analyst)

    # a first analysis fills the empty workspace; the analyst curates it
    page.goto(f"{base}/analyse/")
    _follow(page, "button:has-text('Lancer une analyse')")
    topic = Topic.objects.filter(process=process, parent=None).first()
    page.goto(f"{base}/synthese/espace/themes/{topic.pk}/")
    page.fill("#id_label", "Mobilités douces")
    _follow(page, "button:has-text('Renommer')")
    other = Assignment.objects.filter(process=process).exclude(topic=topic).first()
    page.goto(f"{base}/synthese/espace/contributions/")
    page.check(f"#c{other.contribution_id}")
    page.select_option("#id_action", "move")
    page.select_option("#id_target", str(topic.pk))
    _follow(page, "button:has-text('Appliquer')")
    assert "1 contribution déplacée." in page.content()
    curated = _workspace_state(process)
    assert curated[topic.pk][0] == "Mobilités douces"

    # a codebook run is a proposal: nothing changes until the analyst applies it
    page.goto(f"{base}/analyse/")
    page.check("#id_codebook")
    _follow(page, "button:has-text('Lancer une analyse')")
    run = AnalysisRun.objects.filter(process=process).latest("pk")
    assert run.status == AnalysisRun.Status.DONE, run.error
    page.goto(f"{base}/analyse/{run.pk}/")
    assert "Proposition : ce que changerait l’application de cette analyse" in page.content()
    assert "Vélo" in page.content()
    check_axe(page, javascript)
    assert _workspace_state(process) == curated
    assert not Assignment.objects.filter(process=process).exclude(category=None).exists()

    # apply only the "Vélo" line
    velo = CodebookCategory.objects.get(organization=org, name="Vélo")
    page.check(f"#k-c{velo.pk}")
    _follow(page, "button:has-text('Appliquer les lignes cochées')")
    assert "L’analyse est appliquée à l’espace de synthèse." in page.content()
    filed = set(
        Assignment.objects.filter(process=process)
        .exclude(category=None)
        .values_list("category__name", flat=True)
    )
    assert filed == {"Vélo"}
    assert _workspace_state(process) == curated  # categories live beside the topics
    check_axe(page, javascript)

    # undo it from the journal: the categories go, the curated topics stay
    _follow(page, "form.inline-form button:has-text('Annuler') >> nth=0")
    assert "Annulé." in page.content()
    assert not Assignment.objects.filter(process=process).exclude(category=None).exists()
    assert _workspace_state(process) == curated
    assert Topic.objects.get(pk=topic.pk).label == "Mobilités douces"

    # publish a statement with its evidence; the next draft keeps it
    page.goto(f"{base}/synthese/redaction/")
    _follow(page, "button:has-text('Commencer un brouillon')")
    page.select_option("#id_section-topic", str(topic.pk))
    _follow(page, "button:has-text('Ajouter la section')")
    section_id = page.locator("section.card").first.get_attribute("aria-labelledby").split("-")[1]
    page.fill(f"#id_s{section_id}-text", "Les habitants veulent des pistes cyclables continues.")
    page.locator(f"input[name='s{section_id}-evidence']").first.check()
    _follow(page, 'button:has-text("Ajouter l\'énoncé")')
    assert "Appuyé par 1 contribution" in page.content()
    _follow(page, "button:has-text('Publier la synthèse')")
    page.goto(f"{base}/synthese/redaction/")
    _follow(page, "button:has-text('Commencer un brouillon')")
    assert "Les habitants veulent des pistes cyclables continues." in page.content()
    assert "Appuyé par 1 contribution" in page.content()
    check_axe(page, javascript)
    context.close()
