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
