"""Analysis runs in the web app and the workspace they feed: edits survive a re-run."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from palabre.contributions.models import Contribution
from palabre.synthesis import selectors, services
from palabre.synthesis.models import AnalysisRun, Assignment, Edit, Topic

pytestmark = pytest.mark.django_db


def test_run_stores_version_settings_input_and_fills_the_workspace(
    analyse, published_a, agent_a, corpus_a
):
    run = analyse(published_a, agent_a)
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.n_input == 36
    assert run.engine_version and run.parameters["n_topics"] == "auto"
    assert run.progress and run.progress[0].startswith(("Lecture", "Reading"))
    assert run.comparison is None  # the first run has nothing to compare with
    assert Assignment.objects.filter(process=published_a).count() == 36
    topics = selectors.topics_of(process=published_a)
    assert len(topics) >= 2
    assert sum(t.n_total for t in topics) + selectors.unclassified_count(process=published_a) == 36
    # the three themes are told apart: each theme's most frequent topic is its own
    main_topic = set()
    for ideas in corpus_a.values():
        tops = [Assignment.objects.get(contribution=c).topic for c in ideas]
        roots = [(t.parent or t).pk for t in tops if t]
        main_topic.add(max(set(roots), key=roots.count))
    assert len(main_topic) == 3


def test_hidden_contributions_are_not_analysed(analyse, published_a, agent_a, corpus_a):
    hidden = corpus_a["bruit"][0]
    Contribution.objects.filter(pk=hidden.pk).update(is_hidden=True)
    run = analyse(published_a, agent_a)
    assert run.n_input == 35
    assert not Assignment.objects.filter(contribution=hidden).exists()


def test_agents_edits_survive_a_new_run_and_the_runs_are_compared(
    analyse, published_a, agent_a, analyst_a, corpus_a
):
    analyse(published_a, agent_a)
    velo = Assignment.objects.get(contribution=corpus_a["velo"][0]).topic
    root = velo.parent or velo
    root = services.topic_rename(topic=root, label="Vélo", version=root.version, user=analyst_a)
    # an analyst moves a noise idea into the cycling topic, and pins a quote
    moved = corpus_a["bruit"][1]
    services.contributions_move(
        process=published_a, contribution_ids=[moved.pk], target=root, user=analyst_a
    )
    services.quotes_pin(
        process=published_a, contribution_ids=[corpus_a["velo"][2].pk], pinned=True, user=analyst_a
    )
    # another topic is merged into the cycling one
    other = Assignment.objects.get(contribution=corpus_a["arbres"][0]).topic
    other_root = other.parent or other
    services.topics_merge(topics=[other_root], target=root, user=analyst_a)
    # new contributions arrive, then a second run
    from ..factories import make_contribution

    make_contribution(published_a, body="Encore des pistes cyclables pour les vélos, merci")
    second = analyse(published_a, agent_a)
    assert second.status == AnalysisRun.Status.DONE, second.error
    assert second.applied_at is None  # a proposal until accepted
    services.run_accept(run=second, user=agent_a)
    root.refresh_from_db()
    assert root.label == "Vélo"  # the new name stays
    assert Assignment.objects.get(contribution=moved).topic == root  # the agent's choice stays
    assert Assignment.objects.get(contribution=corpus_a["velo"][2]).pinned
    # the merged topic's contributions go to the target again
    tree_of_root = {root.pk, *root.children.values_list("pk", flat=True)}
    assert Assignment.objects.get(contribution=corpus_a["arbres"][0]).topic_id in tree_of_root
    assert second.comparison["n_new"] == 1 and second.comparison["n_common"] == 36
    assert second.comparison["topics"]
    actions = set(Edit.objects.filter(process=published_a).values_list("action", flat=True))
    assert {"run_applied", "rename", "move", "pin", "merge"} <= actions


def test_two_analysts_renaming_at_once_lose_nothing(
    analyse, published_a, agent_a, analyst_a, corpus_a
):
    analyse(published_a, agent_a)
    topic = Topic.objects.filter(process=published_a).first()
    version = topic.version
    services.topic_rename(topic=topic, label="Premier nom", version=version, user=agent_a)
    with pytest.raises(ValidationError) as error:
        services.topic_rename(topic=topic, label="Second nom", version=version, user=analyst_a)
    assert "Premier nom" in str(error.value)
    topic.refresh_from_db()
    assert topic.label == "Premier nom"


def test_split_duplicates_and_campaigns(analyse, published_a, agent_a, corpus_a):
    analyse(published_a, agent_a)
    first, second = corpus_a["velo"][0], corpus_a["velo"][1]
    topic = Assignment.objects.get(contribution=first).topic
    new = services.topic_split(
        process=published_a,
        topic=topic,
        contribution_ids=[first.pk, second.pk],
        label="Stationnement",
        user=agent_a,
    )
    assert set(Assignment.objects.filter(topic=new).values_list("contribution", flat=True)) == {
        first.pk,
        second.pk,
    }
    services.duplicates_mark(
        process=published_a, contribution_ids=[second.pk], original=first, user=agent_a
    )
    services.campaign_mark(
        process=published_a, contribution_ids=[first.pk], campaign=True, user=agent_a
    )
    assert Assignment.objects.get(contribution=second).duplicate_of == first
    assert Assignment.objects.get(contribution=first).campaign
    # from the unclassified contributions, a new top-level topic
    third = corpus_a["bruit"][5]
    services.contributions_move(
        process=published_a, contribution_ids=[third.pk], target=None, user=agent_a
    )
    top = services.topic_split(
        process=published_a, topic=None, contribution_ids=[third.pk], label="Nuit", user=agent_a
    )
    assert top.parent is None and Assignment.objects.get(contribution=third).topic == top


def test_one_run_at_a_time_and_a_failed_run_keeps_the_previous_result(
    analyse, published_a, agent_a, corpus_a, monkeypatch
):
    good = analyse(published_a, agent_a)
    before = dict(Assignment.objects.values_list("contribution_id", "topic_id"))
    AnalysisRun.objects.create(process=published_a, started_by=agent_a)  # queued
    with pytest.raises(ValidationError):
        services.run_start(process=published_a, user=agent_a)
    AnalysisRun.objects.filter(status="queued").delete()

    def boom(self, corpus):
        raise MemoryError("out of memory")

    monkeypatch.setattr("palabre_analysis.synthesis.Synthesizer.fit", boom)
    failed = analyse(published_a, agent_a)
    assert failed.status == AnalysisRun.Status.FAILED
    assert "MemoryError" in failed.error
    assert dict(Assignment.objects.values_list("contribution_id", "topic_id")) == before
    good.refresh_from_db()
    assert good.result is not None


def test_codebook_run_classifies_into_the_organisations_categories(
    analyse, as_user, published_a, agent_a, corpus_a, org_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    csv_text = (
        "name,description,keywords,examples\n"
        "Vélo,Pistes et stationnement,piste cyclable; vélo,Des pistes cyclables sûres\n"
        "Arbres et ombre,Végétaliser,arbre; ombre; planter,Planter des arbres\n"
        "Bruit,Nuisances sonores,bruit; nuit; moto,Le bruit la nuit\n"
    )
    url = reverse("backoffice:codebook", kwargs={"org": org_a.slug})
    client = as_user(agent_a)
    broken = client.post(
        url, {"what": "import", "file": SimpleUploadedFile("grille.csv", b"nom\nx\n")}
    )
    assert broken.status_code == 200 and "name" in broken.content.decode()
    response = client.post(
        url, {"what": "import", "file": SimpleUploadedFile("grille.csv", csv_text.encode())}
    )
    assert response.status_code == 302
    assert org_a.codebook.count() == 3
    run = analyse(published_a, agent_a, codebook=True)
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert "codebook" in run.result
    # a proposal: nothing changes until an analyst accepts it
    assert run.applied_at is None
    assert not Assignment.objects.exclude(category=None).exists()
    services.run_accept(run=run, user=agent_a)
    assert not Topic.objects.filter(process=published_a).exists()  # topics are not touched
    velo = Assignment.objects.filter(contribution__in=corpus_a["velo"]).values_list(
        "category__name", flat=True
    )
    assert list(velo).count("Vélo") >= 10
    detail = client.get(
        reverse(
            "backoffice:synthesis_run",
            kwargs={"org": org_a.slug, "slug": published_a.slug, "run_id": run.pk},
        )
    ).content.decode()
    assert "Arbres et ombre" in detail


def test_every_result_records_the_libraries_that_made_it(published_a, analyst_a, corpus_a, analyse):
    from importlib.metadata import version

    run = analyse(published_a, analyst_a)
    libraries = run.result["libraries"]
    assert libraries["numpy"] == version("numpy")
    assert libraries["scikit-learn"] == version("scikit-learn") and libraries["python"]


def test_runs_recorded_before_the_codebook_option_still_count_as_topic_runs(published_a):
    """The previous run compared with, or planned against, is a topic run: one recorded before
    the codebook option existed (no "codebook" key) is one, on SQLite as on PostgreSQL."""
    older = AnalysisRun.objects.create(process=published_a, parameters={"n_topics": 5})
    topics = AnalysisRun.objects.create(process=published_a, parameters={"codebook": False})
    AnalysisRun.objects.create(process=published_a, parameters={"codebook": True})
    kept = set(AnalysisRun.objects.filter(services._NOT_CODEBOOK, process=published_a))
    assert kept == {older, topics}


def test_a_topic_the_engine_could_not_name_is_named_by_its_keywords():
    assert services._topic_label({"label": "T12.5", "keywords": ["vitesse", "route", "80"]}) == (
        "Vitesse, route, 80"
    )
    assert services._topic_label({"label": "Carte grise", "keywords": ["carte"]}) == "Carte grise"
    assert services._topic_label({"label": "T3", "keywords": []}) == "T3"


def test_a_new_run_replaces_a_pending_proposal_and_says_so(
    as_user, published_a, analyst_a, corpus_a, analyse
):
    from django.urls import reverse

    analyse(published_a, analyst_a, n_topics=3, random_state=0)
    first = analyse(published_a, analyst_a, n_topics=4, random_state=1)
    kwargs = {"org": published_a.organization.slug, "slug": published_a.slug}
    client = as_user(analyst_a)
    page = client.get(reverse("backoffice:synthesis_runs", kwargs=kwargs)).content.decode()
    assert f"analyse n° {first.pk}</a> attend votre décision" in page
    second = analyse(published_a, analyst_a, n_topics=5, random_state=2)
    first.refresh_from_db()
    assert first.discarded_at and first.superseded_by_id == second.pk
    detail = client.get(
        reverse("backoffice:synthesis_run", kwargs={**kwargs, "run_id": first.pk})
    ).content.decode()
    assert f"n° {second.pk}" in detail
    plan = services.run_plan(run=second)
    # rows where nothing changes are counted, not listed
    assert all(r.incoming or r.outgoing or r.new or r.new_label for r in plan.changed_rows)
    assert plan.unchanged == len(plan.rows) - len(plan.changed_rows)


def test_a_new_topic_is_not_named_like_a_sibling(published_a):
    parent = Topic.objects.create(process=published_a, label="Retraite")
    Topic.objects.create(process=published_a, label="Caisse de retraite", parent=parent)
    name = services._distinct_label(
        published_a, parent, "Caisse de retraite", ["retraite", "carsat", "dossier"]
    )
    assert name == "Caisse de retraite (carsat)"
    assert services._distinct_label(published_a, None, "Caisse de retraite", []) == (
        "Caisse de retraite"  # another parent: no clash
    )
    Topic.objects.create(process=published_a, label="Caisse de retraite (carsat)", parent=parent)
    assert services._distinct_label(published_a, parent, "Caisse de retraite", ["carsat"]) == (
        "Caisse de retraite (2)"
    )
    heure = Topic.objects.create(process=published_a, label="Heure")
    assert services._distinct_label(published_a, heure, "Heure", ["heure", "80 km/h"]) == (
        "Heure (80 km/h)"
    )
