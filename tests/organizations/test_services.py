import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from palabre.core.validators import contrast_ratio
from palabre.organizations.models import LegalPage, Membership, Organization
from palabre.organizations.roles import Role
from palabre.organizations.services import (
    membership_grant,
    membership_revoke,
    organization_create,
    organization_update,
)
from tests.factories import UserFactory, enrol_totp, make_member

pytestmark = pytest.mark.django_db


def test_organization_create_sets_up_legal_pages_and_neighbourhoods():
    org = organization_create(
        name="Métropole de Test",
        kind=Organization.Kind.METROPOLIS,
        population=500_000,
        neighbourhoods=["Secteur 1", "Secteur 2"],
    )
    assert org.slug == "metropole-de-test"
    assert set(org.legal_pages.values_list("kind", flat=True)) == set(LegalPage.Kind.values)
    assert [n.name for n in org.neighbourhoods.all()] == ["Secteur 1", "Secteur 2"]


@pytest.mark.parametrize("slug", ["admin", "api", "comptes"])
def test_reserved_slugs_are_refused(slug):
    with pytest.raises(ValidationError):
        organization_create(name="X", kind="commune", slug=slug)


def test_brand_colour_must_be_readable_behind_white_text(org_a):
    with pytest.raises(ValidationError) as excinfo:
        organization_update(organization=org_a, primary_colour="#ffee00")
    assert "contrast" in str(excinfo.value).lower() or "contraste" in str(excinfo.value).lower()
    organization_update(organization=org_a, primary_colour="#123456")
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_a_logo_given_to_the_service_keeps_only_its_pixels(org_a, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (32, 32), "#123456").save(png, format="PNG")
    payload = b"PK\x03\x04 an archive after IEND"
    upload = SimpleUploadedFile("logo.png", png.getvalue() + payload)
    organization_update(organization=org_a, logo=upload)
    assert payload not in (tmp_path / org_a.logo.name).read_bytes()
    with pytest.raises(ValidationError) as error:
        organization_update(organization=org_a, logo=SimpleUploadedFile("logo.svg", b"<svg/>"))
    assert "logo" in error.value.message_dict


def test_membership_grant_sends_an_email_through_the_task_system(org_a):
    user = UserFactory()
    with pytest.raises(ValueError):
        membership_grant(organization=org_a, user=user, role="king")
    from django.db import transaction

    with transaction.atomic():
        membership_grant(organization=org_a, user=user, role=Role.ANALYST)
        # Enqueued on commit, not before.
        assert mail.outbox == []
    # pytest-django wraps tests in a transaction: on_commit callbacks run via captureOnCommit.


def test_membership_grant_email_is_sent_on_commit(org_a, django_capture_on_commit_callbacks):
    user = UserFactory(email="nouvel.analyste@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        membership_grant(organization=org_a, user=user, role=Role.ANALYST)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvel.analyste@exemple.fr"]
    assert "Ville A" in mail.outbox[0].subject
    # Granting twice is a no-op.
    with django_capture_on_commit_callbacks(execute=True):
        membership_grant(organization=org_a, user=user, role=Role.ANALYST)
    assert len(mail.outbox) == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_the_last_administrator_cannot_be_removed(org_a, admin_a):
    only = Membership.objects.get(user=admin_a)
    with pytest.raises(ValidationError):
        membership_revoke(membership=only, revoked_by=admin_a)
    second = make_member(org_a, Role.ADMIN)
    membership_revoke(membership=Membership.objects.get(user=second), revoked_by=admin_a)
    assert Membership.objects.filter(organization=org_a, role=Role.ADMIN).count() == 1


def test_organization_create_command(capsys):
    from django.core.management import CommandError, call_command

    admin = UserFactory(email="dgs@departement.fr")
    call_command(
        "organization_create",
        name="Département de Démo",
        kind="department",
        population=650000,
        neighbourhood=["Canton nord", "Canton sud"],
        admin_email="DGS@departement.fr",
    )
    org = Organization.objects.get(slug="departement-de-demo")
    assert org.neighbourhoods.count() == 2 and org.legal_pages.count() == 3
    assert Membership.objects.filter(organization=org, user=admin, role=Role.ADMIN).exists()
    with pytest.raises(CommandError, match=r"reserved|réservée"):
        call_command("organization_create", name="X", kind="commune", slug="admin")
    with pytest.raises(CommandError, match="No account"):
        call_command("organization_create", name="Y", kind="commune", admin_email="nobody@x.fr")
    assert not Organization.objects.filter(name__in=["X", "Y"]).exists()


def test_organisations_created_in_the_django_admin_get_their_legal_pages(client):
    root = UserFactory(is_superuser=True, is_staff=True)
    enrol_totp(root)  # superusers need a second factor
    client.force_login(root)
    response = client.post(
        "/admin/organizations/organization/add/",
        {
            "name": "Commune ajoutée",
            "slug": "commune-ajoutee",
            "kind": "commune",
            "primary_colour": "#1d4e89",
            "map_zoom": "13",
            "is_active": "on",
            "neighbourhoods-TOTAL_FORMS": "0",
            "neighbourhoods-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    org = Organization.objects.get(slug="commune-ajoutee")
    assert org.legal_pages.count() == 3
    assert client.get("/commune-ajoutee/pages/accessibilite/").status_code == 200
