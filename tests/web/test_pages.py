"""Public pages over HTTP: content, French first, language switch, scoping, errors."""

import pytest
from django.urls import reverse

from palabre.core.models import Channel
from palabre.organizations.roles import Role
from tests.factories import make_contribution, make_member, make_process

pytestmark = pytest.mark.django_db


def test_instance_home_lists_active_organisations(client, org_a, org_b):
    org_b.is_active = False
    org_b.save()
    html = client.get("/").content.decode()
    assert "Ville A" in html and "Ville B" not in html
    assert 'lang="fr"' in html and "Participez à la vie de votre territoire" in html


def test_organisation_home_shows_open_and_past_processes_in_french(client, org_a):
    make_process(org_a, title="Ouverte maintenant")
    make_process(org_a, title="Terminée", status="closed")
    make_process(org_a, title="Pas encore prête", status="draft")
    html = client.get(f"/{org_a.slug}/").content.decode()
    assert "Démarches ouvertes" in html and "Ouverte maintenant" in html
    assert "Terminée" in html
    assert "Pas encore prête" not in html
    assert "Aller au contenu" in html  # skip link
    assert "--brand: #1d4e89" in html


def test_process_list_filters_and_never_shows_drafts_or_unlisted(client, org_a):
    make_process(org_a, title="Vélo en ville")
    make_process(org_a, title="Budget des quartiers", template="participatory_budget")
    make_process(org_a, title="Lien seulement", visibility="unlisted")
    make_process(org_a, title="Brouillon", status="draft")
    url = reverse("process_list", args=[org_a.slug])
    html = client.get(url).content.decode()
    assert "Vélo en ville" in html and "Budget des quartiers" in html
    assert "Lien seulement" not in html and "Brouillon" not in html
    html = client.get(url, {"q": "vélo"}).content.decode()
    assert "Vélo en ville" in html and "Budget des quartiers" not in html
    html = client.get(url, {"type": "participatory_budget"}).content.decode()
    assert "Budget des quartiers" in html and "Vélo en ville" not in html
    # Junk filter values are ignored, not errors; drafts cannot be asked for.
    assert client.get(url, {"statut": "draft", "type": "<script>"}).status_code == 200
    assert "Brouillon" not in client.get(url, {"statut": "draft"}).content.decode()


def test_process_detail_shows_framing_calendar_and_contributions(client, org_a, published_a):
    make_contribution(published_a, title="Plus d'arbres", body="Planter des arbres rue Haute.")
    make_contribution(
        published_a, body="Texte masqué", is_hidden=True, public_reason="propos injurieux"
    )
    make_contribution(published_a, body="Sur papier", channel=Channel.PAPER)
    html = client.get(
        reverse("process_detail", args=[org_a.slug, published_a.slug])
    ).content.decode()
    assert "Que proposez-vous ?" in html
    assert "Calendrier" in html and 'aria-current="step"' in html
    assert "Plus d&#x27;arbres" in html or "Plus d'arbres" in html
    assert "Masquée par la modération : propos injurieux" in html
    assert "Texte masqué" not in html
    assert "Contributions par canal" in html and "Papier" in html


def test_unlisted_process_opens_with_its_link(client, org_a):
    process = make_process(org_a, title="Lien seulement", visibility="unlisted")
    assert client.get(reverse("process_detail", args=[org_a.slug, process.slug])).status_code == 200


def test_draft_and_restricted_processes_are_404_for_outsiders(client, org_a, org_b, agent_b):
    draft = make_process(org_a, title="Brouillon", status="draft")
    restricted = make_process(org_a, title="Réservée", visibility="restricted")
    for process in (draft, restricted):
        url = reverse("process_detail", args=[org_a.slug, process.slug])
        assert client.get(url).status_code == 404
        client.force_login(agent_b)  # an agent of another organisation
        assert client.get(url).status_code == 404
        client.logout()
    member = make_member(org_a, Role.CITIZEN)
    client.force_login(member)
    assert (
        client.get(reverse("process_detail", args=[org_a.slug, restricted.slug])).status_code == 200
    )
    assert client.get(reverse("process_detail", args=[org_a.slug, draft.slug])).status_code == 404


def test_legal_pages(client, org_a):
    for kind, title in [
        ("mentions-legales", "Mentions légales"),
        ("donnees-personnelles", "Données personnelles"),
        ("accessibilite", "Accessibilité"),
    ]:
        response = client.get(reverse("legal_page", args=[org_a.slug, kind]))
        assert response.status_code == 200
        assert title in response.content.decode()
    assert client.get(reverse("legal_page", args=[org_a.slug, "cgu"])).status_code == 404


def test_unknown_urls_get_a_french_404_page(client, org_a):
    for url in ("/nulle-part/", f"/{org_a.slug}/demarches/inconnue/", "/a/b/c/d/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in response.content.decode()


def test_language_switch_to_english_and_back(client, org_a):
    response = client.post("/i18n/setlang/", {"language": "en", "next": f"/{org_a.slug}/"})
    assert response.status_code == 302
    html = client.get(f"/{org_a.slug}/").content.decode()
    assert 'lang="en"' in html and "Open processes" in html
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Démarches ouvertes" in client.get(f"/{org_a.slug}/").content.decode()


def test_browser_language_does_not_override_french(client, org_a):
    html = client.get(f"/{org_a.slug}/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "Démarches ouvertes" in html


def test_forms_post_without_csrf_token_are_refused_in_french(org_a, citizen):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)
    response = strict.post(reverse("accounts:profile"), {"pseudonym": "Pirate"})
    assert response.status_code == 403
    assert "Ce formulaire a expiré" in response.content.decode()
    citizen.refresh_from_db()
    assert citizen.pseudonym == "Habitant"


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"


def test_public_pages_never_show_email_addresses(client, org_a, published_a, citizen):
    make_contribution(published_a, body="Une idée", author=citizen)
    html = client.get(
        reverse("process_detail", args=[org_a.slug, published_a.slug])
    ).content.decode()
    assert citizen.email not in html and "Habitant" in html


def test_django_admin_is_for_superusers_only(client, org_a, admin_a):
    client.force_login(admin_a)
    assert client.get("/admin/").status_code == 302
    from tests.factories import UserFactory, enrol_totp

    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    chain = client.get("/admin/", follow=True).redirect_chain
    assert (reverse("mfa_activate_totp"), 302) in chain  # a superuser sets up a second factor
    enrol_totp(root)
    assert client.get("/admin/").status_code == 200


def test_pages_use_a_bounded_number_of_queries(
    client, org_a, published_a, django_assert_max_num_queries
):
    for i in range(30):
        idea = make_contribution(published_a, title=f"Idée {i}", body="Texte")
        make_contribution(published_a, kind="comment", body="Avis", parent=idea, stance="for")
    for i in range(8):
        make_process(org_a, title=f"Démarche {i}")
    with django_assert_max_num_queries(
        27
    ):  # constant: no query per contribution (+1: restitution links)
        client.get(reverse("process_detail", args=[org_a.slug, published_a.slug]))
    with django_assert_max_num_queries(12):
        client.get(reverse("process_list", args=[org_a.slug]))
    with django_assert_max_num_queries(12):
        client.get(f"/{org_a.slug}/")
