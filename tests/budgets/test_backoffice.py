from __future__ import annotations

from django.urls import reverse

from palabre.budgets.models import Ballot, Project
from palabre.contributions.services import mediation_start
from palabre.organizations.roles import Role
from palabre.processes.models import Phase

from ..conftest import login
from ..factories import make_member
from .conftest import move_to_phase


def bo(pb, name, **kwargs):
    process = pb["budget"].process
    return reverse(
        f"backoffice:{name}",
        kwargs={"org": process.organization.slug, "slug": process.slug, **kwargs},
    )


def test_agents_set_up_count_and_publish(
    client, pb, agent_a, citizen, django_capture_on_commit_callbacks
):
    from palabre.budgets import services

    services.ballot_cast(
        envelope=pb["town"], voter=citizen, selections={pb["projects"]["Bancs"].pk: 1}
    )
    login(client, agent_a)
    setup = bo(pb, "budget_setup")
    page = client.get(setup).content.decode()
    assert "Toute la ville" in page and "Saisir des bulletins" in page
    response = client.post(
        setup, {"what": "envelope", "env-name": "Quartier Sud", "env-amount": "0"}
    )
    assert response.status_code == 200 and "supérieur à zéro" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(setup, {"what": "count"})
    pb["budget"].refresh_from_db()
    assert pb["budget"].counted_at
    response = client.post(setup, {"what": "publish_results"}, follow=True)
    assert "encore ouvert" in response.content.decode()
    move_to_phase(pb["budget"].process, Phase.Kind.RESTITUTION)
    client.post(setup, {"what": "publish_results"})
    pb["budget"].refresh_from_db()
    assert pb["budget"].results_published_at


def test_citizens_and_mediators_cannot_set_up(client, pb, citizen, org_a):
    login(client, citizen)
    assert client.get(bo(pb, "budget_setup")).status_code in {403, 404}
    login(client, make_member(org_a, Role.MEDIATOR))
    assert client.get(bo(pb, "budget_setup")).status_code == 403


def test_paper_ballots_are_keyed_twice_through_the_page(client, pb, agent_a, org_a):
    entry = bo(pb, "budget_ballot_entry", envelope_id=pb["town"].pk)
    data = {"paper_ref": "P-12", f"p{pb['projects']['Bancs'].pk}": "on"}
    login(client, agent_a)
    page = client.post(entry, data, follow=True).content.decode()
    assert "saisi une fois" in page and not Ballot.objects.exists()
    login(client, make_member(org_a, Role.MEDIATOR))
    page = client.post(entry, data, follow=True).content.decode()
    assert "est compté" in page
    assert Ballot.objects.get().channel == "paper"


def test_mediators_record_assisted_ballots_in_their_session(client, pb, org_a):
    mediator = make_member(org_a, Role.MEDIATOR)
    session = mediation_start(organization=org_a, mediator=mediator, place="Marché")
    login(client, mediator)
    home = client.get(reverse("backoffice:mediation", kwargs={"org": org_a.slug}))
    assert "Toute la ville" in home.content.decode()
    entry = bo(pb, "budget_ballot_entry", envelope_id=pb["town"].pk) + "?canal=assisted"
    data = {"paper_ref": "R-1", f"p{pb['projects']['Bancs'].pk}": "on", "confirmed": "on"}
    assert client.post(entry, data).status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.channel == "assisted" and ballot.mediation == session


def test_agents_analyse_and_merge_projects(client, pb, agent_a):
    from palabre.budgets import services

    budget = pb["budget"]
    a = services.project_create(budget=budget, actor=agent_a, title="Skatepark", description="x")
    b = services.project_create(budget=budget, actor=agent_a, title="Skate", description="y")
    login(client, agent_a)
    response = client.post(
        bo(pb, "budget_project", pk=a.pk),
        {
            "what": "analysis",
            "status": "rejected",
            "envelope": "",
            "cost": "",
            "within_competence": "false",
            "feasibility": "",
            "rejection_reason": "",
        },
    )
    assert "motif est public" in response.content.decode()
    client.post(
        bo(pb, "budget_projects"), {"what": "merge", "projects": [a.pk, b.pk], "into": a.pk}
    )
    b.refresh_from_db()
    assert b.status == Project.Status.MERGED and b.merged_into_id == a.pk


def test_agents_write_a_project_from_paper_ideas(client, pb, agent_a):
    from ..factories import make_contribution

    budget = pb["budget"]
    idea = make_contribution(budget.process, title="Un banc au lavoir", channel="paper")
    login(client, agent_a)
    page = client.get(bo(pb, "budget_projects")).content.decode()
    assert "Un banc au lavoir (Papier)" in page
    response = client.post(
        bo(pb, "budget_projects"),
        {
            "what": "create",
            "title": "Bancs au lavoir",
            "description": "Deux bancs",
            "envelope": pb["town"].pk,
            "cost": "2000",
            "ideas": [idea.pk],
        },
    )
    assert response.status_code == 302
    project = budget.projects.get(title="Bancs au lavoir")
    assert list(project.ideas.all()) == [idea]
