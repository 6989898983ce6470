"""Ideas with an image (EXIF stripped) and a place (address, or a point on the map)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from palabre.contributions.models import Contribution
from palabre.contributions.services import idea_submit


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


def photo(fmt="JPEG", size=(2400, 1200)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "Appareil de Madame Dupont"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90°
    exif[0x8825] = {2: (48.0, 51.0, 24.0), 4: (2.0, 21.0, 3.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return SimpleUploadedFile(f"photo.{fmt.lower()}", out.getvalue(), content_type="image/jpeg")


def test_image_is_stored_without_metadata_rotated_and_scaled(published_a, citizen):
    idea = idea_submit(
        process=published_a,
        author=citizen,
        title="Fresque",
        body="Une fresque sur le mur de l'école.",
        image=photo(),
        image_alt="Un mur orange",
    )
    with Image.open(idea.image.path) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
        assert stored.size == (800, 1600)  # rotated as the camera said, then scaled down
    assert idea.image_alt == "Un mur orange"


def test_bad_images_are_refused_with_nothing_saved(published_a, citizen):
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        idea_submit(
            process=published_a, author=citizen, title="A", body="B", image=fake, image_alt="x"
        )
    assert "image" in error.value.message_dict
    huge = SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        idea_submit(
            process=published_a, author=citizen, title="A", body="B", image=huge, image_alt="x"
        )
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(ValidationError):
        idea_submit(
            process=published_a,
            author=citizen,
            title="A",
            body="B",
            image=SimpleUploadedFile("a.gif", gif.getvalue()),
            image_alt="x",
        )
    with pytest.raises(ValidationError) as error:
        idea_submit(process=published_a, author=citizen, title="A", body="B", image=photo())
    assert "image_alt" in error.value.message_dict
    assert Contribution.objects.count() == 0


def test_place_by_address_or_point(published_a, citizen):
    idea = idea_submit(
        process=published_a,
        author=citizen,
        title="Banc",
        body="Un banc",
        address="Square de la gare",
        latitude="48.856613",
        longitude="2.352222",
    )
    assert str(idea.latitude) == "48.856613" and idea.address == "Square de la gare"
    with pytest.raises(ValidationError):
        idea_submit(
            process=published_a, author=citizen, title="X", body="Y", latitude=95, longitude=2
        )
    with pytest.raises(ValidationError):
        idea_submit(
            process=published_a, author=citizen, title="X", body="Y", latitude="abc", longitude=2
        )


def test_idea_form_with_image_and_address_without_javascript(
    client, as_user, published_a, citizen, settings
):
    settings.PALABRE_MAP_TILE_URL = ""
    as_user(citizen)
    url = reverse("idea_create", kwargs={"org": "ville-a", "slug": published_a.slug})
    page = client.get(url)
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and "data-map-picker" not in html
    token = page.context["form"].initial["token"]
    response = client.post(
        url,
        {
            "token": token,
            "title": "Fresque",
            "body": "Sur le mur",
            "address": "Rue Haute",
            "image": photo(),
            "image_alt": "Un mur",
        },
    )
    assert response.status_code == 302
    idea = Contribution.objects.get()
    detail = client.get(response["Location"]).content.decode()
    assert idea.image.url in detail and 'alt="Un mur"' in detail and "Rue Haute" in detail


def test_map_is_offered_when_a_tile_server_is_set(client, as_user, published_a, citizen, settings):
    settings.PALABRE_MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    as_user(citizen)
    url = reverse("idea_create", kwargs={"org": "ville-a", "slug": published_a.slug})
    html = client.get(url).content.decode()
    assert "data-map-picker" in html and "vendor/leaflet/leaflet.js" in html


def test_an_association_co_signs_an_idea(
    client, as_user, published_a, citizen, django_capture_on_commit_callbacks
):
    from django.core import mail

    from ..factories import UserFactory

    association = UserFactory(pseudonym="Vélo en Ville", participant_type="association")
    resident = UserFactory(pseudonym="Voisin")
    idea = idea_submit(process=published_a, author=citizen, title="Pistes", body="Rue Haute")
    url = reverse(
        "idea_coauthors", kwargs={"org": "ville-a", "slug": published_a.slug, "pk": idea.pk}
    )
    detail = reverse(
        "idea_detail", kwargs={"org": "ville-a", "slug": published_a.slug, "pk": idea.pk}
    )
    as_user(resident)
    client.post(url, {"action": "invite", "email": association.email})
    assert not idea.coauthorships.exists()  # only the author invites
    as_user(citizen)
    client.post(url, {"action": "invite", "email": resident.email})
    assert not idea.coauthorships.exists()  # only association accounts
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "invite", "email": association.email.upper()})
    assert idea.coauthorships.get().accepted_at is None
    assert len(mail.outbox) == 1 and detail in mail.outbox[0].body
    assert "Vélo en Ville" not in client.get(detail).content.decode()
    as_user(association)
    assert "co-signer cette idée" in client.get(detail).content.decode()
    client.post(url, {"action": "accept"})
    page = client.get(detail).content.decode()
    assert "avec" in page and "Vélo en Ville" in page
