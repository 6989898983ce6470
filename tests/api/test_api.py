import pytest

from tests.factories import make_process

pytestmark = pytest.mark.django_db


def test_openapi_description_is_served(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Palabre API"
    assert "/api/organizations/{org}/processes" in spec["paths"]


def test_api_lists_only_public_processes_through_the_chokepoint(client, org_a, published_a):
    make_process(org_a, title="Brouillon", status="draft")
    make_process(org_a, title="Réservée", visibility="restricted")
    data = client.get(f"/api/organizations/{org_a.slug}/processes").json()
    assert [p["title"] for p in data] == ["Idées pour Ville A"]
    detail = client.get(f"/api/organizations/{org_a.slug}/processes/{published_a.slug}").json()
    assert [p["kind"] for p in detail["phases"]][:2] == ["information", "contribution"]


def test_api_hides_drafts_of_other_organisations(client, org_b, draft_b, agent_a):
    client.force_login(agent_a)
    assert (
        client.get(f"/api/organizations/{org_b.slug}/processes/{draft_b.slug}").status_code == 404
    )
    assert client.get("/api/organizations/inconnue/processes").status_code == 404


def test_api_gives_the_synthesis_answers_and_open_data(client, published_a):
    from palabre.opendata.services import dataset_publish
    from palabre.synthesis import restitution

    from ..factories import make_contribution

    base = f"/api/organizations/{published_a.organization.slug}/processes/{published_a.slug}"
    assert client.get(f"{base}/synthesis").status_code == 404
    idea = make_contribution(published_a, title="Des bancs", body="Des bancs", channel="paper")
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Mobilier")
    restitution.statement_save(section=section, text="Plus de bancs.", evidence_ids=[idea.pk])
    restitution.synthesis_publish(synthesis=draft, user=None)
    for status in ("under_study", "adopted"):
        restitution.answer_give(
            process=published_a,
            contribution=idea,
            status=status,
            text="Réponse " + status,
            signed_as="Le maire",
            user=None,
        )
    dataset_publish(process=published_a)
    synthesis = client.get(f"{base}/synthesis").json()
    statement = synthesis["sections"][0]["statements"][0]
    assert statement == {"text": "Plus de bancs.", "evidence": [idea.pk], "channels": {"paper": 1}}
    answers = client.get(f"{base}/answers").json()
    assert answers[0]["current"]["status"] == "adopted"
    assert answers[0]["history"][0]["status"] == "under_study"
    files = client.get(f"{base}/open-data").json()["files"]
    assert any(f["name"] == "datapackage.json" for f in files)
    assert client.get(files[0]["url"]).status_code == 200
