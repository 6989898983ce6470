from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from palabre.budgets import services
from palabre.budgets.models import Project
from palabre.organizations.models import Neighbourhood
from palabre.processes.models import Phase, Process

from ..factories import make_process


def move_to_phase(process: Process, kind: str) -> Process:
    """Date the phases so that the first phase of `kind` is the current one."""
    today = timezone.localdate()
    phases = list(process.phases.all())
    current = next(i for i, p in enumerate(phases) if p.kind == kind)
    for i, phase in enumerate(phases):
        offset = (i - current) * 10
        phase.start_date = today + dt.timedelta(days=offset - (0 if i > current else 5))
        phase.end_date = today + dt.timedelta(days=offset + 4)
        if i < current:
            phase.start_date = today - dt.timedelta(days=(current - i) * 10 + 5)
            phase.end_date = today - dt.timedelta(days=(current - i) * 10 - 4)
        phase.save()
    return process


@pytest.fixture
def pb(org_a, agent_a):
    return build_pb(org_a, agent_a)


def build_pb(org_a, agent_a):
    """A participatory budget in its vote phase: a town envelope (100 000 €) with four
    projects, a neighbourhood envelope (30 000 €) with two; the ballot list is published."""
    process = make_process(
        org_a, title="Budget participatif 2026", template=Process.Template.PARTICIPATORY_BUDGET
    )
    budget = services.budget_of(process)
    north, _new = Neighbourhood.objects.get_or_create(
        organization=org_a, slug="nord-bp", defaults={"name": "Nord BP"}
    )
    town = services.envelope_save(budget=budget, name="Toute la ville", amount=100_000)
    local = services.envelope_save(
        budget=budget, name="Quartier Nord", amount=30_000, neighbourhood=north
    )
    projects = {}
    for title, cost, envelope in [
        ("Aire de jeux", 60_000, town),
        ("Pistes cyclables", 50_000, town),
        ("Bancs", 10_000, town),
        ("Jardin partagé", 40_000, town),
        ("Fontaine", 20_000, local),
        ("Boîte à livres", 5_000, local),
    ]:
        project = services.project_create(
            budget=budget, actor=agent_a, title=title, description=f"{title} pour tous"
        )
        projects[title] = services.project_analyse(
            project=project,
            actor=agent_a,
            status=Project.Status.ACCEPTED,
            envelope=envelope,
            cost=cost,
            feasibility="Faisable",
            within_competence=True,
        )
    services.ballot_publish(budget=budget)
    move_to_phase(process, Phase.Kind.VOTE)
    budget.refresh_from_db()
    return {"budget": budget, "town": town, "local": local, "projects": projects, "north": north}
