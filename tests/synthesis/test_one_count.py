"""One count everywhere: a tree of topics with a sub-topic, a merge, moves and a hidden
contribution, and every surface (workspace, topic page, run page, synthesis figures, open
data, API, "Mes contributions") gives each topic the same number of contributions."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from palabre.moderation.services import contribution_hide
from palabre.opendata.package import build
from palabre.organizations.roles import Role
from palabre.synthesis import restitution, selectors, services
from palabre.synthesis.models import Assignment, Topic

from ..factories import make_member

pytestmark = pytest.mark.django_db


def _bo(name, process, **kwargs):
    return reverse(
        f"backoffice:{name}",
        kwargs={"org": process.organization.slug, "slug": process.slug, **kwargs},
    )


def _members(topic: Topic) -> list[int]:
    return list(Assignment.objects.filter(topic=topic).values_list("contribution_id", flat=True))


def test_a_topic_counts_its_sub_topics_merged_topics_and_only_readable_contributions(
    as_user, client, published_a, analyst_a, corpus_a, analyse, org_a
):
    run = analyse(published_a, analyst_a, n_topics=3, random_state=0)
    assert run.applied_at is not None  # the first run fills an empty workspace
    big, second, third = sorted(
        Topic.objects.filter(process=published_a, parent=None, merged_into=None),
        key=lambda t: -Assignment.objects.filter(topic=t).count(),
    )[:3]
    # a sub-topic of `big` holding two contributions of `third`, `second` merged into `big`,
    # one contribution of the sub-topic hidden by a moderator
    sub = Topic.objects.create(process=published_a, label="Sous-thème", parent=big)
    moved = _members(third)[:2]
    services.contributions_move(
        process=published_a, contribution_ids=moved, target=sub, user=analyst_a
    )
    n_big, n_second = len(_members(big)), len(_members(second))
    merged = services.topics_merge(topics=[second], target=big, user=analyst_a)
    assert merged == n_second  # what now counts for `big` that did not
    moderator = make_member(org_a, Role.MODERATOR, email="moderation@ville-a.fr")
    contribution_hide(
        contribution=published_a.contributions.get(pk=moved[0]),
        moderator=moderator,
        public_reason="Propos injurieux",
    )
    expected = n_big + n_second + 1  # the sub-topic's readable contribution
    tree = selectors.topic_tree(process=published_a)
    assert tree.total(big.pk) == expected and tree.own(big.pk) == n_big + n_second
    assert tree.total(second.pk) == expected  # a merged topic counts as the one holding it
    assert tree.total(sub.pk) == 1

    # the workspace
    analyst = as_user(analyst_a)
    rows = analyst.get(_bo("synthesis_workspace", published_a)).context["rows"]
    by_pk = {topic.pk: topic.n_total for topic, _depth in rows}
    assert by_pk[big.pk] == expected and by_pk[sub.pk] == 1 and second.pk not in by_pk
    # the topic page (reading room) lists the same contributions, sub-topic included
    page = analyst.get(_bo("synthesis_topic", published_a, pk=big.pk))
    assert page.context["n_total"] == expected
    assert page.context["page"].paginator.count == expected
    assert [t.n_total for t in page.context["subtopics"]] == [1]
    # a merged topic's page is the page of the topic that holds it
    merged_page = analyst.get(_bo("synthesis_topic", published_a, pk=second.pk))
    assert merged_page.context["n_total"] == expected

    # the synthesis figures
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="", topic=big)
    section_sub = restitution.section_add(synthesis=draft, title="", topic=sub)
    figures = {f["title"]: f["n"] for f in selectors.section_figures([section, section_sub])}
    assert figures == {big.label: expected, sub.label: 1}

    # the open data
    files, _ = build(published_a)
    topics_csv = {
        int(row["id"]): int(row["contributions"])
        for row in csv.DictReader(io.StringIO(files["topics.csv"].decode()))
    }
    assert topics_csv[big.pk] == expected and topics_csv[sub.pk] == 1
    assert topics_csv[second.pk] == 0  # merged: its contributions count in `big`
    placed = list(csv.DictReader(io.StringIO(files["topic_assignments.csv"].decode())))
    final_topics = [int(row["topic_id"]) for row in placed if row["topic_id"]]
    assert final_topics.count(big.pk) + final_topics.count(sub.pk) == expected
    assert second.pk not in final_topics  # its contributions are filed under `big`
    assert str(moved[0]) not in {row["contribution_id"] for row in placed}  # hidden

    # the API and "Mes contributions" give each contribution its final topic
    prefix = f"/api/organizations/{org_a.slug}/processes/{published_a.slug}"
    outcomes = client.get(f"{prefix}/outcomes?limit=1000").json()
    api_topics = [o["topic_id"] for o in outcomes]
    assert api_topics.count(big.pk) + api_topics.count(sub.pk) == expected
    assert moved[0] not in {o["contribution_id"] for o in outcomes}  # hidden
    author = published_a.contributions.get(pk=moved[1]).author
    mine = as_user(author).get(reverse("accounts:contributions"))
    assert [o.topic.pk for o in mine.context["outcomes"]] == [sub.pk]

    # the run page: the proposal of a second run counts what each topic holds itself
    second_run = analyse(published_a, analyst_a, n_topics=3, random_state=1)
    assert second_run.applied_at is None  # a proposal: the workspace is untouched
    plan = (
        as_user(analyst_a)
        .get(_bo("synthesis_run", published_a, run_id=second_run.pk))
        .context["plan"]
    )
    now = {row.key: row.now for row in plan.rows}
    assert now.get(f"t{big.pk}", tree.own(big.pk)) == tree.own(big.pk)
    assert now.get(f"t{sub.pk}", 1) == 1
    assert f"t{second.pk}" not in now
    assert selectors.topic_tree(process=published_a).total(big.pk) == expected


def test_a_published_version_keeps_its_figures_when_the_workspace_changes(
    published_a, analyst_a, corpus_a, analyse
):
    analyse(published_a, analyst_a, n_topics=3, random_state=0)
    big, other = selectors.topics_of(process=published_a)[:2]
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="", topic=big)
    evidence = list(
        Assignment.objects.filter(topic=big).values_list("contribution_id", flat=True)[:2]
    )
    restitution.statement_save(section=section, text="Un constat.", evidence_ids=evidence)
    restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    n = selectors.topic_tree(process=published_a).total(big.pk)
    moved = list(
        Assignment.objects.filter(topic=other).values_list("contribution_id", flat=True)[:3]
    )
    services.contributions_move(
        process=published_a, contribution_ids=moved, target=big, user=analyst_a
    )
    published = selectors.document_of(synthesis=draft)
    assert [f["n"] for f in selectors.section_figures(list(published))] == [n]
    # the next draft counts the workspace as it is now
    nxt = restitution.draft_get_or_create(process=published_a)
    assert [f["n"] for f in selectors.section_figures(list(nxt.sections.all()))] == [n + 3]
