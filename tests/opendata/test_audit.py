"""The audit log (Finding A) for open data: a publication asked for by an agent is logged
as theirs, one made on closing as automatic."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palabre.opendata.models import Dataset
from palabre.organizations.models import AuditEvent
from palabre.processes.services import process_set_status

from ..factories import make_contribution

pytestmark = pytest.mark.django_db


def test_dataset_publications_are_logged(
    client, published_a, agent_a, django_capture_on_commit_callbacks
):
    make_contribution(published_a, body="Des bancs")
    client.force_login(agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "backoffice:opendata_publish",
                kwargs={"org": published_a.organization.slug, "slug": published_a.slug},
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        process_set_status(process=published_a, status="closed")

    asked, on_closing = AuditEvent.objects.filter(action=AuditEvent.Kind.DATASET_PUBLISH).order_by(
        "pk"
    )
    first, second = Dataset.objects.filter(process=published_a).order_by("pk")
    assert (asked.actor, asked.actor_role, asked.target_id) == (agent_a, "agent", first.pk)
    assert first.published_by == agent_a
    assert (on_closing.actor, on_closing.actor_role, on_closing.target_id) == (None, "", second.pk)
    assert asked.target_label == published_a.title and asked.new["files"] > 5
