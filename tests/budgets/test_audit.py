"""The audit log (Finding A) for participatory budgets: the count (run by a task, on behalf
of the agent who asked for it) and the publication of the results."""

from __future__ import annotations

from django.urls import reverse

from palabre.budgets import services
from palabre.organizations.models import AuditEvent
from palabre.processes.models import Phase

from ..conftest import login
from .conftest import move_to_phase


def test_the_count_and_the_results_publication_are_logged(
    client, pb, agent_a, citizen, django_capture_on_commit_callbacks
):
    budget = pb["budget"]
    services.ballot_cast(
        envelope=pb["town"], voter=citizen, selections={pb["projects"]["Bancs"].pk: 1}
    )
    login(client, agent_a)
    setup = reverse(
        "backoffice:budget_setup",
        kwargs={"org": budget.process.organization.slug, "slug": budget.process.slug},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(setup, {"what": "count"})  # counted by the task
    move_to_phase(budget.process, Phase.Kind.RESTITUTION)
    client.post(setup, {"what": "publish_results"})
    budget.refresh_from_db()
    assert budget.results_published_at

    events = AuditEvent.objects.filter(organization=budget.process.organization).order_by("pk")
    count, published = [e for e in events if e.target_type == "budgets.budget"]
    assert count.action == AuditEvent.Kind.BUDGET_COUNT
    assert published.action == AuditEvent.Kind.BUDGET_RESULTS_PUBLISH
    for event in (count, published):
        assert event.actor == agent_a and event.actor_role == "agent"
        assert event.target_id == budget.pk and event.target_label == budget.process.title
    assert count.new == {"ballots": 1}
    assert published.new == {"rule": budget.rule, "ballots": 1}


def test_a_count_without_anyone_asking_is_logged_as_automatic(pb):
    services.tallies_compute(budget_id=pb["budget"].pk)
    event = AuditEvent.objects.get(action=AuditEvent.Kind.BUDGET_COUNT)
    assert event.actor is None and event.actor_role == "" and event.new == {"ballots": 0}
