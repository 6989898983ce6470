"""The demo loader: realistic, idempotent, with or without ../shared/data."""

from pathlib import Path

import pytest
from django.core.management import call_command

from palabre.accounts.models import User
from palabre.contributions.models import Contribution
from palabre.demo.loader import DEMO_PASSWORD, load_demo
from palabre.organizations.models import Membership, Organization
from palabre.processes.models import Process

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organization.objects.count(),
        Process.objects.count(),
        Contribution.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_builtin_sample_when_shared_data_is_absent(tmp_path):
    report = load_demo(tmp_path / "absent")
    assert report.source == "sample"
    ville = Organization.objects.get(slug="ville-de-demo")
    assert ville.population == 40_000 and ville.neighbourhoods.count() == 6
    statuses = set(Process.objects.filter(organization=ville).values_list("status", flat=True))
    assert statuses == {"draft", "published", "closed", "archived"}
    assert Contribution.objects.filter(kind="answer").count() >= 25
    assert Contribution.objects.filter(kind="comment", stance="against").exists()
    assert set(Contribution.objects.values_list("channel", flat=True)) >= {
        "online",
        "paper",
        "meeting",
    }
    # Every role can log in with the documented password.
    for role in ("admin", "agent", "moderator", "analyst", "elected", "mediator", "citizen"):
        user = Membership.objects.filter(organization=ville, role=role).get().user
        assert user.check_password(DEMO_PASSWORD)


def test_loading_twice_duplicates_nothing(tmp_path):
    load_demo(tmp_path / "absent")
    before = _counts()
    report = load_demo(tmp_path / "absent")
    assert report.contributions_added == 0
    assert _counts() == before


def test_real_french_text_from_shared_data(shared_data: Path):
    report = load_demo(shared_data, answers_limit=300, proposals_limit=10)
    assert report.source == "granddebat"
    answers = Contribution.objects.filter(process__slug="simplifier-vos-demarches")
    assert answers.count() == 300
    assert answers.filter(body__iexact="ras").exists()  # real data has empty answers
    charte = Contribution.objects.filter(process__slug="charte-numerique")
    assert charte.filter(kind="idea").count() == 10
    assert charte.filter(kind="comment", parent__isnull=False).count() > 10
    assert not charte.filter(body__contains="<p>").exists()  # HTML stripped
    before = _counts()
    load_demo(shared_data, answers_limit=300, proposals_limit=10)
    assert _counts() == before


def test_demo_staff_have_a_second_factor_printed_with_their_login(tmp_path, capsys, client):
    from django.urls import reverse

    from palabre.demo.loader import demo_logins

    load_demo(tmp_path / "absent")
    rows = {email: secret for email, _role, _org, secret in demo_logins()}
    assert len(rows["agent@ville-de-demo.fr"]) == 32  # base32
    assert rows["technique@palabre.localhost"]
    assert rows["mediatrice@ville-de-demo.fr"] == rows["habitante@ville-de-demo.fr"] == ""
    load_demo(tmp_path / "absent")  # the secrets stay the same on a second load
    assert {e: s for e, _r, _o, s in demo_logins()} == rows
    call_command("demo_code", "agent@ville-de-demo.fr")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    client.post(
        reverse("account_login"), {"login": "agent@ville-de-demo.fr", "password": DEMO_PASSWORD}
    )
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.get("/ville-de-demo/espace/").status_code == 200


def test_demo_load_command(tmp_path, capsys):
    call_command("demo_load", shared_data=tmp_path / "absent")
    assert "Demo ready" in capsys.readouterr().out


def test_demo_ideas_have_supports_and_loading_twice_keeps_them(tmp_path):
    from palabre.contributions.models import Support

    load_demo(tmp_path / "absent")
    supports = Support.objects.count()
    assert supports > 20
    load_demo(tmp_path / "absent")
    assert Support.objects.count() == supports


def test_demo_has_every_format_and_the_corpus_export_every_channel(tmp_path):
    from palabre.contributions.models import FollowUpContact, MediationSession
    from palabre.contributions.selectors import corpus_rows
    from palabre.processes.models import Meeting
    from palabre.questionnaires.models import Response
    from palabre.questionnaires.selectors import questionnaire_results

    load_demo(tmp_path / "absent")
    idees = Process.objects.get(slug="idees-pour-nos-quartiers")
    agent = User.objects.get(email="agent@ville-de-demo.fr")
    channels = {row["channel"] for row in corpus_rows(user=agent, process=idees)}
    assert channels >= {"online", "paper", "meeting", "assisted"}
    workshop = Meeting.objects.get(title__startswith="Atelier")
    assert workshop.minutes_published_at and workshop.contributions.count() >= 4
    assert Meeting.objects.filter(process=idees).count() == 2
    assert MediationSession.objects.get(place="Marché du samedi").contributions.count() == 3
    assert FollowUpContact.objects.count() == 1
    assert Contribution.objects.filter(held_at__isnull=False, kind="idea").count() == 1
    demarches = Process.objects.get(slug="simplifier-vos-demarches")
    results = questionnaire_results(process=demarches)
    assert (
        results.respondents == Contribution.objects.filter(process=demarches, kind="answer").count()
    )
    assert {r.question.kind for r in results.questions} == {
        "single",
        "scale",
        "multiple",
        "ranking",
        "open",
    }
    transport = Process.objects.get(slug="transport-a-la-demande")
    assert set(Response.objects.filter(process=transport).values_list("channel", flat=True)) == {
        "online",
        "paper",
    }


def test_demo_participatory_budget_is_voted_counted_and_published(tmp_path, client):
    from palabre.budgets import selectors
    from palabre.budgets.models import Ballot, Budget
    from palabre_analysis import budget as engine

    load_demo(tmp_path / "absent")
    budget = Budget.objects.get(process__slug="budget-participatif-2026")
    assert budget.envelopes.count() == 2 and budget.results_published_at
    assert {b.channel for b in Ballot.objects.filter(envelope__budget=budget)} == {
        "online",
        "paper",
        "assisted",
    }
    assert set(budget.projects.values_list("status", flat=True)) == {
        "accepted",
        "rejected",
        "merged",
    }
    results = selectors.results_of(budget=budget)
    assert len(results) == 2 and any(r.differ for r in results)
    for result in results:
        election = selectors.election_of(envelope=result.envelope)
        assert {selectors.project_key(r.project.pk) for r in result.chosen("mes")} == set(
            engine.count(election, "mes").selected
        )
    page = client.get("/ville-de-demo/demarches/budget-participatif-2026/budget/resultats/")
    assert page.status_code == 200 and "Méthode du partage égal" in page.content.decode()
    load_demo(tmp_path / "absent")
    assert Ballot.objects.filter(envelope__budget=budget).count() == 660


def test_demo_opinion_map_has_statements_votes_and_groups(tmp_path, client):
    from palabre.opinions.models import OpinionMap

    load_demo(tmp_path / "absent")
    opinion_map = OpinionMap.objects.get(process__slug="place-de-la-voiture")
    assert opinion_map.result and len(opinion_map.result["groups"]) >= 2
    assert opinion_map.votes_counted > 1500
    assert opinion_map.process.contributions.filter(held_at__isnull=False).count() == 1
    page = client.get("/ville-de-demo/demarches/place-de-la-voiture/carte/")
    assert page.status_code == 200 and "Ce qui divise les groupes" in page.content.decode()
    assert client.get("/ville-de-demo/demarches/place-de-la-voiture/avis/").status_code == 200


def test_demo_opinion_map_of_real_statements(shared_data: Path, client, db):
    from palabre.opinions.models import OpinionMap

    load_demo(shared_data, answers_limit=50, proposals_limit=5)
    opinion_map = OpinionMap.objects.get(process__slug="numerique-public")
    statements = opinion_map.process.contributions.filter(kind="statement")
    assert statements.count() == 20
    assert statements.filter(body="Instaurer la liberté de panorama en France").exists()
    assert len(opinion_map.result["groups"]) >= 2 and opinion_map.result["divisive"]


def test_demo_idea_box_has_a_pairwise_ranking(tmp_path, client):
    from palabre.opinions.models import PairwiseSurvey

    load_demo(tmp_path / "absent")
    survey = PairwiseSurvey.objects.get(process__slug="idees-pour-nos-quartiers")
    assert survey.votes_counted == 2400 and survey.result["ranking"]
    assert survey.result["segments"]["resident"]["ranking"]
    page = client.get("/ville-de-demo/demarches/idees-pour-nos-quartiers/classement/")
    assert page.status_code == 200 and "Classement des idées" in page.content.decode()
    assert "Association" in page.content.decode()
    compare = client.get("/ville-de-demo/demarches/idees-pour-nos-quartiers/comparer/")
    assert compare.status_code == 200


def test_demo_representativeness_with_reweighted_results(tmp_path, client):
    from palabre.accounts.models import User
    from palabre.evaluation.selectors import representativeness, reweighted_answers

    load_demo(tmp_path / "absent")
    process = Process.objects.get(slug="simplifier-vos-demarches")
    result = representativeness(process=process)
    described = result["answered"]
    assert 20 <= described <= 150  # online respondents (the built-in sample has fewer)
    assert result["report"]["index"] is not None  # (with ../shared: 150, the young missing)
    tables = reweighted_answers(process=process, representativeness=result)
    assert tables and all(t["rows"] for t in tables)
    client.force_login(User.objects.get(email="agent@ville-de-demo.fr"))
    page = client.get("/ville-de-demo/espace/demarches/simplifier-vos-demarches/representativite/")
    assert page.status_code == 200 and "Part redressée" in page.content.decode()
    report = client.get(
        "/ville-de-demo/espace/demarches/simplifier-vos-demarches/evaluation/rapport/"
    )
    assert "20 % de moins de 30 ans" in report.content.decode()
    from palabre.evaluation.selectors import feedback_results

    assert feedback_results(process=process)["respondents"] == 60
    load_demo(tmp_path / "absent")  # idempotent
    assert representativeness(process=process)["answered"] == described


def test_demo_restitution_closes_the_loop(tmp_path):
    from palabre.opendata.selectors import dataset_latest
    from palabre.processes.models import Process
    from palabre.synthesis.models import Answer, Synthesis
    from palabre.synthesis.selectors import outcomes_of

    load_demo(tmp_path / "absent")
    demarches = Process.objects.get(slug="simplifier-vos-demarches")
    synthesis = Synthesis.objects.get(process=demarches, status="published")
    statements = [s for section in synthesis.sections.all() for s in section.statements.all()]
    assert statements and all(s.evidence.exists() for s in statements)
    assert Answer.objects.filter(process=demarches).count() >= 2
    assert dataset_latest(process=demarches) is not None
    louise = User.objects.get(email="habitante@ville-de-demo.fr")
    outcomes = outcomes_of(Contribution.objects.filter(author=louise))
    assert len(outcomes) == 2 and all(o.answer for o in outcomes)
    assert any(o.statements for o in outcomes)
    idees = Process.objects.get(slug="idees-pour-nos-quartiers")
    assert Synthesis.objects.get(process=idees, status="draft").comments_until
    before = Synthesis.objects.count()
    load_demo(tmp_path / "absent")
    assert Synthesis.objects.count() == before


def test_demo_evaluation_reweights_topic_shares_and_times_answers(tmp_path):
    from palabre.evaluation.selectors import (
        process_metrics,
        representativeness,
        reweighted_topics,
    )

    load_demo(tmp_path / "absent")
    demarches = Process.objects.get(slug="simplifier-vos-demarches")
    result = representativeness(process=demarches)
    topics = reweighted_topics(process=demarches, representativeness=result)
    assert topics["speakers"] >= 10 and topics["rows"]
    answers = process_metrics(process=demarches)["answers"]
    assert answers["answered"] > 0 and answers["median_days"] is not None


def test_demo_public_synthesis_is_one_a_town_hall_can_sign(tmp_path, client, monkeypatch, settings):
    """The demo's published synthesis: every statement backed by readable contributions, a
    figures table that gives each section its topic's count (the workspace's), and a "Qui a
    participé ?" block speaking of representativeness, on the page and in the PDF."""
    import weasyprint
    from django.urls import reverse
    from django.utils.html import escape

    from palabre.synthesis.models import Synthesis
    from palabre.synthesis.selectors import topic_tree

    load_demo(tmp_path / "absent")
    demarches = Process.objects.get(slug="simplifier-vos-demarches")
    synthesis = Synthesis.objects.filter(process=demarches, status="published").latest("version")
    statements = [s for section in synthesis.sections.all() for s in section.statements.all()]
    assert statements
    for statement in statements:
        assert statement.evidence.filter(is_hidden=False, withdrawn_at=None).exists(), statement
    kwargs = {"org": demarches.organization.slug, "slug": demarches.slug}
    page = client.get(reverse("synthesis_public", kwargs=kwargs), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert "Qui a participé ?" in html and "représentativité" in html
    tree = topic_tree(process=demarches)
    topic_sections = [s for s in synthesis.sections.order_by("position") if s.topic_id]
    assert [row["n"] for row in page.context["figures"]] == [
        tree.total(s.topic_id) for s in topic_sections
    ]
    pages = []
    init = weasyprint.HTML.__init__

    def recorded(self, *args, **kwargs):
        pages.append(kwargs["string"])
        init(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "__init__", recorded)
    settings.MEDIA_ROOT = tmp_path / "media"
    assert client.get(reverse("synthesis_pdf", kwargs=kwargs)).status_code == 200
    (pdf_html,) = pages
    assert "Qui a participé ?" in pdf_html and "représentativité" in pdf_html
    # the same figures table as the page
    for row in page.context["figures"]:
        assert f"{escape(row['title'])}" in pdf_html
    assert pdf_html.count("bar-table") == html.count("bar-table") == 1
    for statement in statements:
        assert str(escape(statement.text)) in pdf_html
