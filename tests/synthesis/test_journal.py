"""Undo in the synthesis workspace: every edit can be undone from the journal, an undo never
throws away a later edit's work (it is refused until the later edit is undone), and an undo can
itself be undone ("Rétablir")."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from palabre.synthesis import journal, selectors, services
from palabre.synthesis.models import AnalysisRun, Assignment, Edit, Topic

from ..factories import make_contribution

pytestmark = pytest.mark.django_db


def _state(process):
    """Everything an edit may change: topics and assignments, as plain values."""
    topics = sorted(
        Topic.objects.filter(process=process).values_list(
            "pk", "label", "parent_id", "merged_into_id"
        )
    )
    assignments = sorted(
        Assignment.objects.filter(process=process).values_list(
            "contribution_id", "topic_id", "source", "pinned", "duplicate_of_id", "category_id"
        )
    )
    return topics, assignments


def _latest(process):
    return Edit.objects.filter(process=process).latest("pk")


def test_each_kind_of_edit_is_undone_and_put_back(published_a, analyst_a, corpus_a, analyse):
    analyse(published_a, analyst_a, n_topics=3, random_state=0)
    first, second, third = selectors.topics_of(process=published_a)[:3]
    ids = list(Assignment.objects.filter(topic=third).values_list("contribution_id", flat=True)[:3])
    edits = [
        lambda: services.topic_rename(
            topic=first, label="Mobilités douces", version=first.version, user=analyst_a
        ),
        lambda: services.topics_merge(topics=[second], target=first, user=analyst_a),
        lambda: services.contributions_move(
            process=published_a, contribution_ids=ids[:2], target=first, user=analyst_a
        ),
        lambda: services.topic_split(
            process=published_a, topic=third, contribution_ids=ids[2:], label="Neuf", user=analyst_a
        ),
        lambda: services.quotes_pin(
            process=published_a, contribution_ids=ids, pinned=True, user=analyst_a
        ),
    ]
    for make in edits:
        before = _state(published_a)
        make()
        edit = _latest(published_a)
        after = _state(published_a)
        assert after != before, edit.action
        undo = journal.edit_undo(edit=edit, user=analyst_a)
        assert _state(published_a) == before, edit.action
        journal.edit_undo(edit=undo, user=analyst_a)  # put back
        assert _state(published_a) == after, edit.action
        assert Edit.objects.get(pk=edit.pk).undone_at is None
        with pytest.raises(ValidationError):  # an undo already undone
            journal.edit_undo(edit=Edit.objects.get(pk=undo.pk), user=analyst_a)


def test_an_old_edit_is_not_undone_under_a_later_one(published_a, analyst_a, corpus_a, analyse):
    """Undoing the run that filled the workspace after the analyst moved contributions would
    empty the workspace under the analyst's work: it is refused until the move is undone."""
    analyse(published_a, analyst_a, n_topics=3, random_state=0)
    fill = _latest(published_a)
    assert fill.action == Edit.Action.RUN_APPLIED
    empty = _state(published_a)
    topic = selectors.topics_of(process=published_a)[0]
    other = Assignment.objects.exclude(topic=topic).filter(process=published_a).first()
    services.contributions_move(
        process=published_a,
        contribution_ids=[other.contribution_id],
        target=topic,
        user=analyst_a,
    )
    move = _latest(published_a)
    moved = _state(published_a)
    with pytest.raises(ValidationError) as refused:
        journal.edit_undo(edit=fill, user=analyst_a)
    assert "1" in str(refused.value)
    assert _state(published_a) == moved  # nothing changed
    journal.edit_undo(edit=move, user=analyst_a)
    journal.edit_undo(edit=fill, user=analyst_a)
    assert not Assignment.objects.filter(process=published_a).exclude(topic=None).exists()
    assert empty != _state(published_a)
    assert AnalysisRun.objects.get(pk=fill.detail["run"]).applied_at is None


def test_undoing_a_run_removes_the_topics_it_made_sub_topics_and_parents(
    published_a, analyst_a, corpus_a, analyse
):
    analyse(published_a, analyst_a, n_topics=3, random_state=0)
    before = _state(published_a)
    run = analyse(published_a, analyst_a, n_topics=6, random_state=4)
    assert run.applied_at is None  # a proposal
    services.run_accept(run=run, user=analyst_a)
    applied = _latest(published_a)
    assert _state(published_a) != before
    journal.edit_undo(edit=applied, user=analyst_a)
    assert _state(published_a) == before  # no empty topic left behind
    run.refresh_from_db()
    assert run.applied_at is None and services.run_pending(run=run)
    journal.edit_undo(edit=_latest(published_a), user=analyst_a)  # put back
    run.refresh_from_db()
    assert run.applied_at is not None


def test_topics_made_by_an_undone_edit_go_children_first(published_a):
    parent = Topic.objects.create(process=published_a, label="Services")
    child = Topic.objects.create(process=published_a, label="Services publics", parent=parent)
    kept = Topic.objects.create(process=published_a, label="Cité", parent=None)
    Assignment.objects.create(
        process=published_a,
        contribution=make_contribution(published_a, body="Une idée"),
        topic=kept,
    )
    journal._delete_unused([parent.pk, child.pk, kept.pk])
    assert list(Topic.objects.filter(process=published_a)) == [kept]  # in use: stays


def test_the_analyst_settles_contributions_to_review_from_the_reading_room(
    as_user, published_a, analyst_a, corpus_a, analyse
):
    from django.urls import reverse

    from palabre.synthesis.models import CodebookCategory

    analyse(published_a, analyst_a, n_topics=3, random_state=0)
    velo = CodebookCategory.objects.create(organization=published_a.organization, name="Vélo")
    arbres = CodebookCategory.objects.create(organization=published_a.organization, name="Arbres")
    rows = list(Assignment.objects.filter(process=published_a).order_by("contribution_id")[:4])
    Assignment.objects.filter(pk__in=[a.pk for a in rows]).update(category=arbres, to_review=True)
    before = _state(published_a)
    url = reverse(
        "backoffice:synthesis_contributions",
        kwargs={"org": published_a.organization.slug, "slug": published_a.slug},
    )
    client = as_user(analyst_a)
    ids = [a.contribution_id for a in rows]
    response = client.post(
        f"{url}?revoir=on",
        {"what": "act", "action": "category", "category": velo.pk, "ids": ids[:2]},
    )
    assert response.status_code == 302
    client.post(f"{url}?revoir=on", {"what": "act", "action": "reviewed", "ids": ids[2:3]})
    settled = {
        a.contribution_id: (a.category_id, a.to_review)
        for a in Assignment.objects.filter(contribution_id__in=ids)
    }
    assert settled == {
        ids[0]: (velo.pk, False),
        ids[1]: (velo.pk, False),
        ids[2]: (arbres.pk, False),
        ids[3]: (arbres.pk, True),
    }
    page = client.get(f"{url}?revoir=on")
    assert page.context["page"].paginator.count == 1
    journal.edit_undo(edit=_latest(published_a), user=analyst_a)
    journal.edit_undo(edit=Edit.objects.filter(action="category").earliest("pk"), user=analyst_a)
    assert _state(published_a) == before
