from __future__ import annotations

import io

from django.urls import reverse

from palabre.budgets import selectors, services
from palabre.budgets.models import Ballot
from palabre.processes.models import Phase
from palabre_analysis import budget as engine

from ..conftest import login
from ..factories import UserFactory, make_contribution
from .conftest import move_to_phase


def url(pb, name, **kwargs):
    process = pb["budget"].process
    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug, **kwargs})


def field(pb, title):
    return f"p{pb['projects'][title].pk}"


def test_the_knapsack_ballot_works_without_javascript(client, pb, citizen):
    login(client, citizen)
    ballot_url = url(pb, "budget_ballot", envelope_id=pb["town"].pk)
    page = client.get(ballot_url).content.decode()
    assert "Aire de jeux — 60\u202f000\u00a0€" in page
    assert "Reste : 100\u202f000\u00a0€" in page
    # "recalculate" shows the total and saves nothing
    data = {field(pb, "Aire de jeux"): "on", field(pb, "Pistes cyclables"): "on"}
    page = client.post(ballot_url, {**data, "action": "check"}).content.decode()
    assert "110\u202f000\u00a0€" in page and "Au-delà de l’enveloppe" in page
    assert not Ballot.objects.exists()
    # casting over the envelope is refused with the same explanation
    response = client.post(ballot_url, {**data, "action": "cast"})
    assert response.status_code == 400 and not Ballot.objects.exists()
    assert "plus que les 100\u202f000 € de l’enveloppe" in response.content.decode()
    data = {field(pb, "Aire de jeux"): "on", field(pb, "Bancs"): "on", "action": "cast"}
    response = client.post(ballot_url, data)
    assert response.status_code == 302
    client.post(ballot_url, data)  # a double submit changes nothing
    ballot = Ballot.objects.get()
    assert ballot.choices.count() == 2
    page = client.get(ballot_url).content.decode()
    assert "Reste : 30\u202f000\u00a0€" in page and "Modifier mon bulletin" in page


def test_anonymous_visitors_can_prepare_a_ballot_and_are_asked_to_log_in(client, pb):
    ballot_url = url(pb, "budget_ballot", envelope_id=pb["town"].pk)
    assert client.get(ballot_url).status_code == 200
    response = client.post(ballot_url, {field(pb, "Bancs"): "on", "action": "cast"})
    assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_the_vote_page_refuses_ballots_after_the_close(client, pb, citizen):
    move_to_phase(pb["budget"].process, Phase.Kind.RESTITUTION)
    login(client, citizen)
    ballot_url = url(pb, "budget_ballot", envelope_id=pb["town"].pk)
    response = client.post(ballot_url, {field(pb, "Bancs"): "on", "action": "cast"})
    assert response.status_code == 403 and not Ballot.objects.exists()


def test_results_are_public_once_published_with_open_data(
    client, pb, agent_a, django_capture_on_commit_callbacks
):
    voters = [UserFactory() for _ in range(3)]
    for voter in voters:
        services.ballot_cast(
            envelope=pb["town"], voter=voter, selections={pb["projects"]["Bancs"].pk: 1}
        )
    budget = pb["budget"]
    assert client.get(url(pb, "budget_results")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        services.count_request(budget=budget)  # tasks run at once in tests
    budget.refresh_from_db()
    assert budget.counted_at is not None
    assert client.get(url(pb, "budget_results")).status_code == 403
    move_to_phase(budget.process, Phase.Kind.RESTITUTION)
    services.results_publish(budget=budget)
    page = client.get(url(pb, "budget_results")).content.decode()
    assert "Méthode du partage égal" in page and "3 bulletins dépouillés" in page
    export = client.get(url(pb, "budget_export", envelope_id=pb["town"].pk))
    election = engine.read_pb(io.StringIO(export.content.decode()))
    assert len(election.ballots) == 3
    assert election.projects[selectors.project_key(pb["projects"]["Bancs"].pk)].extra == {
        "selected": "1",
        "votes": "3",
    }
    assert voters[0].email not in export.content.decode()
    csv_text = client.get(url(pb, "budget_results_csv")).content.decode()
    assert "Bancs" in csv_text.splitlines()[1] or "Bancs" in csv_text


def test_projects_page_shows_analysis_and_hides_held_proposals(client, pb, agent_a):
    budget = pb["budget"]
    idea = make_contribution(budget.process, title="Idée retenue", held_at="2026-01-01T00:00Z")
    services.project_create(
        budget=budget, actor=agent_a, title="Projet en attente", description="x", ideas=[idea]
    ).ideas.set([idea])
    from palabre.budgets.models import Project

    Project.objects.filter(title="Projet en attente").update(status="submitted")
    page = client.get(url(pb, "budget_projects")).content.decode()
    assert "Aire de jeux" in page and "Projet en attente" not in page
    detail = client.get(url(pb, "budget_project", pk=pb["projects"]["Bancs"].pk))
    assert "Faisable" in detail.content.decode()


def test_a_project_proposal_is_an_idea_with_a_cost(client, pb, citizen):
    process = pb["budget"].process
    move_to_phase(process, Phase.Kind.CONTRIBUTION)
    login(client, citizen)
    create = reverse("idea_create", kwargs={"org": process.organization.slug, "slug": process.slug})
    assert "Coût estimé" in client.get(create).content.decode()
    page = client.get(create)
    token = page.context["form"].initial["token"]
    data = {
        "title": "Un banc",
        "body": "Un banc près de l'école",
        "estimated_cost": "1500",
        "token": str(token),
    }
    assert client.post(create, data).status_code == 302
    assert client.post(create, data).status_code == 302
    project = pb["budget"].projects.get(title="Un banc")
    assert project.proposed_cost == 1500 and project.ideas.get().author == citizen


def test_anonymised_ballots_csv(client, pb, citizen):
    from palabre.budgets.models import Budget

    services.ballot_cast(
        envelope=pb["town"], voter=citizen, selections={pb["projects"]["Bancs"].pk: 1}
    )
    budget = pb["budget"]
    services.tallies_compute(budget_id=budget.pk)
    Budget.objects.filter(pk=budget.pk).update(results_published_at="2026-01-01T00:00Z")
    text = client.get(url(pb, "budget_ballots_csv", envelope_id=pb["town"].pk)).content.decode()
    key = selectors.project_key(pb["projects"]["Bancs"].pk)
    assert text.splitlines() == ["ballot,channel,projects,points", f"1,online,{key},1"]
    assert citizen.email not in text and citizen.pseudonym not in text


def test_cumulative_and_ranking_ballots_through_the_page(client, pb, citizen):
    login(client, citizen)
    ballot_url = url(pb, "budget_ballot", envelope_id=pb["town"].pk)
    services.budget_update(budget=pb["budget"], method="cumulative", points=5)
    page = client.get(ballot_url).content.decode()
    assert "Répartissez 5 points" in page
    data = {field(pb, "Aire de jeux"): "3", field(pb, "Bancs"): "3", "action": "cast"}
    response = client.post(ballot_url, data)
    assert response.status_code == 400 and "vous en avez 5 à répartir" in response.content.decode()
    data[field(pb, "Bancs")] = "2"
    assert client.post(ballot_url, data).status_code == 302
    assert sorted(Ballot.objects.get().choices.values_list("points", flat=True)) == [2, 3]
    Ballot.objects.all().delete()
    services.budget_update(budget=pb["budget"], method="ranking", max_projects=2)
    data = {field(pb, "Aire de jeux"): "2", field(pb, "Bancs"): "1", "action": "cast"}
    assert client.post(ballot_url, data).status_code == 302
    ranked = Ballot.objects.get().choices.order_by("points")
    assert [c.project.title for c in ranked] == ["Bancs", "Aire de jeux"]


def test_the_ballot_page_asks_for_the_code_of_its_own_budget(client, pb, org_a, agent_a, citizen):
    """A code used in one budget does not spare the code of another (as the vote decides:
    budgets.services, finding 1): the other budget's ballot asks for its code."""
    from .conftest import build_pb

    services.budget_update(budget=pb["budget"], codes_required=True)
    other = build_pb(org_a, agent_a)
    services.budget_update(budget=other["budget"], codes_required=True)
    (code,) = services.codes_generate(budget=pb["budget"], count=1)
    services.ballot_cast(
        envelope=pb["town"], voter=citizen, selections={pb["projects"]["Bancs"].pk: 1}, code=code
    )
    login(client, citizen)
    page = client.get(url(other, "budget_ballot", envelope_id=other["town"].pk)).content.decode()
    assert 'name="code"' in page
