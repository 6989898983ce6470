"""The agents' space over HTTP: what each role may do, and that nothing crosses organisations."""

import pytest
from django.core import mail
from django.urls import reverse

from palabre.organizations.models import LegalPage, Membership
from palabre.organizations.roles import Role
from palabre.processes.models import Process
from tests.factories import UserFactory, make_member, make_process

pytestmark = pytest.mark.django_db


def bo(org, name="dashboard", **kwargs):
    return reverse(f"backoffice:{name}", kwargs={"org": org.slug, **kwargs})


def test_anonymous_visitors_are_sent_to_login(client, org_a):
    response = client.get(bo(org_a))
    assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CITIZEN])
def test_every_staff_role_opens_the_dashboard(client, org_a, role):
    client.force_login(make_member(org_a, role))
    assert client.get(bo(org_a)).status_code == 200


def test_citizens_get_a_french_403(client, org_a, citizen):
    client.force_login(citizen)
    response = client.get(bo(org_a))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_agent_creates_edits_and_publishes_a_process(client, org_a, agent_a):
    client.force_login(agent_a)
    assert client.get(bo(org_a, "process_create")).status_code == 200
    response = client.post(
        bo(org_a, "process_create"),
        {
            "template": "idea_box",
            "title": "Aménager la place du marché",
            "question": "Comment voulez-vous la place ?",
            "start_date": "2027-03-01",
        },
    )
    process = Process.objects.get(organization=org_a, title="Aménager la place du marché")
    assert response["Location"] == bo(org_a, "process_edit", slug=process.slug)
    assert process.status == "draft" and process.phases.count() == 5
    response = client.post(
        bo(org_a, "process_edit", slug=process.slug),
        {
            "title": "Aménager la place du marché",
            "question": "Comment voulez-vous la place ?",
            "objective": "Un projet d'aménagement voté en juin.",
            "open_to_discussion": "Mobilier, plantations, usages.",
            "decision_maker": "Le conseil municipal",
            "decision_date": "2027-06-30",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.decision_maker == "Le conseil municipal"
    client.post(bo(org_a, "process_status", slug=process.slug), {"status": "published"})
    process.refresh_from_db()
    assert process.status == "published"
    public = client.get(reverse("process_detail", args=[org_a.slug, process.slug]))
    assert "Un projet d&#x27;aménagement voté en juin." in public.content.decode()


def test_invalid_forms_show_an_error_summary_and_change_nothing(client, org_a, agent_a):
    client.force_login(agent_a)
    response = client.post(bo(org_a, "process_create"), {"template": "nope", "title": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Il y a un problème" in html and 'href="#id_title"' in html
    assert not Process.objects.exists()


def test_phase_edit_rejects_end_before_start(client, org_a, agent_a, published_a):
    client.force_login(agent_a)
    phase = published_a.phases.first()
    url = bo(org_a, "phase_edit", slug=published_a.slug, phase_id=phase.pk)
    response = client.post(
        url,
        {"title": "X", "kind": "information", "start_date": "2027-02-01", "end_date": "2027-01-01"},
    )
    assert (
        response.status_code == 200
        and "La fin doit venir après le début." in response.content.decode()
    )
    phase.refresh_from_db()
    assert phase.title != "X"


def test_illegal_status_transition_is_refused(client, org_a, agent_a):
    client.force_login(agent_a)
    draft = make_process(org_a, title="Brouillon", status="draft")
    client.post(bo(org_a, "process_status", slug=draft.slug), {"status": "archived"})
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.post(bo(org_a, "process_status", slug=draft.slug), {"status": "n'importe quoi"})
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ANALYST, Role.ELECTED, Role.MEDIATOR])
def test_other_roles_cannot_manage_processes(client, org_a, published_a, role):
    client.force_login(make_member(org_a, role))
    assert client.get(bo(org_a, "process_create")).status_code == 403
    response = client.post(bo(org_a, "process_status", slug=published_a.slug), {"status": "closed"})
    assert response.status_code == 403
    published_a.refresh_from_db()
    assert published_a.status == "published"


def test_agent_of_a_cannot_touch_b_even_with_forged_posts(client, org_a, org_b, agent_a, draft_b):
    client.force_login(agent_a)
    assert client.get(bo(org_b)).status_code == 403
    assert (
        client.post(
            bo(org_b, "process_create"),
            {
                "template": "idea_box",
                "title": "Intrus",
                "question": "?",
                "start_date": "2027-01-01",
            },
        ).status_code
        == 403
    )
    assert (
        client.post(
            bo(org_b, "process_status", slug=draft_b.slug), {"status": "published"}
        ).status_code
        == 403
    )
    # Addressing B's process through A's back-office finds nothing.
    assert client.get(bo(org_a, "process_edit", slug=draft_b.slug)).status_code == 404
    phase = draft_b.phases.first()
    assert (
        client.post(bo(org_a, "phase_delete", slug=draft_b.slug, phase_id=phase.pk)).status_code
        == 404
    )
    draft_b.refresh_from_db()
    assert draft_b.status == "draft" and draft_b.phases.filter(pk=phase.pk).exists()
    assert not Process.objects.filter(title="Intrus").exists()


def test_backoffice_actions_need_post(client, org_a, agent_a, published_a):
    client.force_login(agent_a)
    response = client.get(bo(org_a, "process_status", slug=published_a.slug))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Rien n'a été modifié" in response.content.decode()


def test_agent_edits_legal_pages(client, org_a, agent_a):
    client.force_login(agent_a)
    assert client.get(bo(org_a, "legal_pages")).status_code == 200
    url = bo(org_a, "legal_page_edit", kind="accessibilite")
    client.post(
        url, {"title": "Accessibilité", "body": "Audit RGAA réalisé en 2026 : 82 % de conformité."}
    )
    page = LegalPage.objects.get(organization=org_a, kind="accessibilite")
    assert page.updated_by == agent_a and "82 %" in page.body
    public = client.get(reverse("legal_page", args=[org_a.slug, "accessibilite"]))
    assert "82 %" in public.content.decode()


def test_only_admins_change_settings_and_members(client, org_a, agent_a, admin_a):
    client.force_login(agent_a)
    assert client.get(bo(org_a, "organization_settings")).status_code == 403
    assert client.get(bo(org_a, "members")).status_code == 403
    client.force_login(admin_a)
    response = client.post(
        bo(org_a, "organization_settings"),
        {
            "action": "settings",
            "name": "Ville A renommée",
            "kind": "commune",
            "population": "13000",
            "primary_colour": "#fff200",
        },
    )
    assert response.status_code == 200 and "trop claire" in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.name == "Ville A"
    client.post(bo(org_a, "organization_settings"), {"action": "neighbourhood", "n-name": "Port"})
    assert org_a.neighbourhoods.filter(name="Port").exists()
    client.post(bo(org_a, "organization_settings"), {"action": "theme", "t-name": "Mobilités"})
    assert org_a.themes.filter(name="Mobilités").exists()


def test_admin_grants_and_revokes_roles(client, org_a, admin_a, django_capture_on_commit_callbacks):
    newcomer = UserFactory(email="nouvelle.agente@exemple.fr")
    client.force_login(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(bo(org_a, "members"), {"email": "NOUVELLE.agente@exemple.fr", "role": "agent"})
    membership = Membership.objects.get(user=newcomer, organization=org_a, role=Role.AGENT)
    assert mail.outbox[-1].to == ["nouvelle.agente@exemple.fr"]
    response = client.post(bo(org_a, "members"), {"email": "inconnu@exemple.fr", "role": "agent"})
    assert "Aucun compte actif" in response.content.decode()
    client.post(bo(org_a, "member_revoke", pk=membership.pk))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    # The last administrator cannot remove themself.
    own = Membership.objects.get(user=admin_a, role=Role.ADMIN)
    client.post(bo(org_a, "member_revoke", pk=own.pk))
    assert Membership.objects.filter(pk=own.pk).exists()


def test_admin_of_a_cannot_revoke_b_memberships(client, org_a, org_b, admin_a, agent_b):
    client.force_login(admin_a)
    foreign = Membership.objects.get(user=agent_b)
    assert client.post(bo(org_a, "member_revoke", pk=foreign.pk)).status_code == 404
    assert client.post(bo(org_b, "member_revoke", pk=foreign.pk)).status_code == 403
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_mediators_without_mfa_are_invited_to_set_it_up(client, org_a):
    """Other staff roles must have it (tests/accounts/test_staff_mfa.py); mediators are
    invited to."""
    from allauth.mfa.models import Authenticator

    mediator = make_member(org_a, Role.MEDIATOR)
    client.force_login(mediator)
    assert "Configurer la double authentification" in client.get(bo(org_a)).content.decode()
    Authenticator.objects.create(user=mediator, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert "Configurer la double authentification" not in client.get(bo(org_a)).content.decode()


def test_a_citizen_member_of_a_gets_403_on_b(client, org_a, org_b):
    client.force_login(make_member(org_a, Role.CITIZEN))
    for org in (org_a, org_b):
        assert client.get(bo(org)).status_code == 403


def test_logo_upload_checks_the_file(client, org_a, admin_a, tmp_path, settings):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_a)
    fields = {
        "action": "settings",
        "name": "Ville A",
        "kind": "commune",
        "population": "12000",
        "primary_colour": "#1d4e89",
    }
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client.post(bo(org_a, "organization_settings"), {**fields, "logo": fake})
    assert response.status_code == 200 and "Il y a un problème" in response.content.decode()
    org_a.refresh_from_db()
    assert not org_a.logo
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#1d4e89").save(buffer, format="PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = client.post(bo(org_a, "organization_settings"), {**fields, "logo": logo})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.logo.name.startswith("organizations/logos/")
    assert (tmp_path / org_a.logo.name).is_file()
    assert org_a.logo.url in client.get(f"/{org_a.slug}/").content.decode()


def test_logo_is_re_encoded_without_metadata_or_trailing_payload(
    client, org_a, admin_a, tmp_path, settings
):
    """Finding: the logo was stored as uploaded (EXIF, bytes hidden after the image kept)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_a)
    fields = {
        "action": "settings",
        "name": "Ville A",
        "kind": "commune",
        "primary_colour": "#1d4e89",
    }
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Madame Dupont"  # Make
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 4: (2.0, 21.0, 3.0)}  # GPS
    jpeg = io.BytesIO()
    Image.new("RGB", (120, 60), "#1d4e89").save(jpeg, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("logo.jpg", jpeg.getvalue(), content_type="image/jpeg")
    response = client.post(bo(org_a, "organization_settings"), {**fields, "logo": upload})
    assert response.status_code == 302
    org_a.refresh_from_db()
    stored = (tmp_path / org_a.logo.name).read_bytes()
    assert b"Madame Dupont" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {} and "exif" not in image.info
        assert (image.format, image.size) == ("JPEG", (120, 60))

    png = io.BytesIO()
    Image.new("RGBA", (64, 64), (29, 78, 137, 255)).save(png, format="PNG")
    payload = b"<script>alert(1)</script>PK\x03\x04 hidden archive"
    upload = SimpleUploadedFile("logo.png", png.getvalue() + payload, content_type="image/png")
    response = client.post(bo(org_a, "organization_settings"), {**fields, "logo": upload})
    assert response.status_code == 302
    org_a.refresh_from_db()
    stored = (tmp_path / org_a.logo.name).read_bytes()
    assert payload not in stored and stored.endswith(b"IEND\xaeB`\x82")
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size) == ("PNG", (64, 64))

    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    upload = SimpleUploadedFile("logo.gif", gif.getvalue(), content_type="image/gif")
    response = client.post(bo(org_a, "organization_settings"), {**fields, "logo": upload})
    assert response.status_code == 200 and "JPEG, PNG" in response.content.decode()

    from django.utils import translation
    from django.utils.html import escape

    from palabre.core.images import MAX_PIXELS

    from ..test_core_images import declared_png

    bomb = SimpleUploadedFile("logo.png", declared_png(30_000, 30_000), content_type="image/png")
    response = client.post(bo(org_a, "organization_settings"), {**fields, "logo": bomb})
    with translation.override("fr"):
        too_large = translation.gettext("This image is too large: %(n)d megapixels at most.")
    assert escape(too_large % {"n": MAX_PIXELS // 1_000_000}) in response.content.decode()
