from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from palabre.processes.models import MeetingRegistration
from palabre.processes.services import (
    MeetingFull,
    meeting_publish_minutes,
    meeting_register,
    meeting_save,
)

from ..factories import UserFactory, make_organization, make_process


def make_meeting(process, **fields):
    start = timezone.now() + dt.timedelta(days=3)
    defaults = {
        "title": "Atelier place du marché",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "place": "Salle des fêtes",
        "accessibility": "Accès de plain-pied, boucle magnétique.",
        "capacity": 2,
    }
    defaults.update(fields)
    return meeting_save(process=process, **defaults)


def test_capacity_is_enforced_and_registration_is_once(published_a):
    meeting = make_meeting(published_a)
    first, second = UserFactory(), UserFactory()
    meeting_register(meeting=meeting, user=first)
    meeting_register(meeting=meeting, user=first)
    meeting_register(meeting=meeting, user=second)
    with pytest.raises(MeetingFull):
        meeting_register(meeting=meeting, user=UserFactory())
    assert meeting.registrations.count() == 2


def test_meeting_rules(published_a, org_b):
    from django.core.exceptions import ValidationError

    start = timezone.now()
    with pytest.raises(ValidationError):
        make_meeting(published_a, starts_at=start, ends_at=start - dt.timedelta(hours=1))
    other = make_organization("Ville C", slug="ville-c", neighbourhoods=["Port"])
    with pytest.raises(ValidationError):
        make_meeting(published_a, neighbourhood=other.neighbourhoods.get())
    past = make_meeting(
        published_a,
        starts_at=start - dt.timedelta(days=2),
        ends_at=start - dt.timedelta(days=2, hours=-2),
    )
    with pytest.raises(ValidationError):
        meeting_register(meeting=past, user=UserFactory())


def test_public_page_registration_and_minutes(client, as_user, published_a, citizen):
    meeting = make_meeting(published_a, capacity=1)
    url = reverse(
        "meeting_detail", kwargs={"org": "ville-a", "slug": published_a.slug, "pk": meeting.pk}
    )
    page = client.get(url).content.decode()
    assert "boucle magnétique" in page and "1 place restante" in page
    assert "Se connecter pour s’inscrire" in page or "inscrire" in page
    as_user(citizen)
    client.post(url + "inscription/", {"action": "register"})
    assert MeetingRegistration.objects.filter(meeting=meeting, user=citizen).exists()
    page = client.get(url).content.decode()
    assert "Vous êtes inscrit" in page
    other = UserFactory()
    as_user(other)
    response = client.post(url + "inscription/", {"action": "register"}, follow=True)
    assert "complète" in response.content.decode()
    assert meeting.registrations.count() == 1
    meeting_publish_minutes(meeting=meeting, minutes="Vingt personnes. Écrire à jean@exemple.fr")
    page = client.get(url).content.decode()
    assert "Compte rendu" in page and "jean@exemple.fr" not in page
    detail = client.get(
        reverse("process_detail", kwargs={"org": "ville-a", "slug": published_a.slug})
    )
    assert "Atelier place du marché" in detail.content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(org_a):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises writers)")
    process = make_process(org_a, title="Réunions concurrentes")
    meeting = make_meeting(process, capacity=5)
    users = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def register(user):
        try:
            barrier.wait(timeout=10)
            meeting_register(meeting=meeting, user=user)
            outcomes.append("ok")
        except MeetingFull:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5 and outcomes.count("full") == 7
    assert MeetingRegistration.objects.filter(meeting=meeting).count() == 5
