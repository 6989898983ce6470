"""Double coding: two analysts code a sample blind; kappa and disagreements; settling."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.synthesis import coding
from palabre.synthesis.models import Assignment, Topic

pytestmark = pytest.mark.django_db


def test_double_coding_blind_then_agreement_and_settling(
    as_user, client, published_a, agent_a, analyst_a, corpus_a, analyse, citizen
):
    analyse(published_a, agent_a)
    with pytest.raises(ValidationError):  # a resident may not code
        coding.sample_create(
            process=published_a, coder_a=analyst_a, coder_b=citizen, size=20, user=agent_a
        )
    with pytest.raises(ValidationError):  # bigger than the workspace
        coding.sample_create(
            process=published_a, coder_a=analyst_a, coder_b=agent_a, size=100, user=agent_a
        )
    url = reverse("backoffice:double_coding", kwargs={"org": "ville-a", "slug": published_a.slug})
    staff = as_user(agent_a)
    response = staff.post(url, {"coder_a": analyst_a.pk, "coder_b": agent_a.pk, "size": 20})
    assert response.status_code == 302
    sample = published_a.coding_samples.get()
    ids = sorted(sample.contributions.values_list("pk", flat=True))
    topics = list(Topic.objects.filter(process=published_a, merged_into=None))
    engine = dict(
        Assignment.objects.filter(contribution__in=ids).values_list("contribution", "topic")
    )
    # the analyst follows the analysis; the agent disagrees on the first three
    first = {f"code-{pk}": engine[pk] or "none" for pk in ids}
    second = dict(first)
    for pk in ids[:3]:
        other = next(t.pk for t in topics if t.pk != engine[pk])
        second[f"code-{pk}"] = other
    sample_url = reverse(
        "backoffice:coding_sample",
        kwargs={"org": "ville-a", "slug": published_a.slug, "pk": sample.pk},
    )
    staff.post(sample_url, {"what": "code", **second})
    page = staff.get(sample_url).content.decode()
    assert "kappa" not in page  # blind until both have coded
    as_user(analyst_a).post(sample_url, {"what": "code", **first})
    page = as_user(agent_a).get(sample_url).content.decode()
    agreement = coding.agreement_of(sample)
    assert agreement["n"] == 20 and len(agreement["rows"]) == 3
    assert 0 < agreement["kappa"] < 1
    assert str(agreement["kappa"]).replace(".", ",") in page or str(agreement["kappa"]) in page
    # settling moves the contribution as an agent's edit
    pk = ids[0]
    target = second[f"code-{pk}"]
    as_user(agent_a).post(sample_url, {"what": "settle", "contribution": pk, "topic": target})
    assignment = Assignment.objects.get(contribution=pk)
    assert assignment.topic_id == target and assignment.source == "agent"


def test_coders_see_the_ten_most_likely_topics_first(
    as_user, published_a, agent_a, analyst_a, corpus_a, analyse
):
    analyse(published_a, agent_a)
    # twelve topics: the three the analysis found and nine about something else entirely
    cantine = {
        Topic.objects.create(process=published_a, label=f"Budget de la cantine {n}").pk
        for n in range(9)
    }
    sample = coding.sample_create(
        process=published_a, coder_a=analyst_a, coder_b=agent_a, size=12, user=agent_a, seed=1
    )
    url = reverse(
        "backoffice:coding_sample",
        kwargs={"org": "ville-a", "slug": published_a.slug, "pk": sample.pk},
    )
    page = as_user(analyst_a).get(url)
    assert "optgroup" in page.content.decode()
    for contribution in page.context["page"].object_list:
        likely = [pk for pk, _label in contribution.likely]
        assert len(likely) == 10 and len(contribution.others) == len(page.context["topics"]) - 10
        topic = Assignment.objects.get(contribution=contribution).topic
        # the topics its words point to come first; every topic is still offered
        assert topic.pk in likely[:3] and likely[0] not in cantine, (contribution.body, topic)
        assert {pk for pk, _ in contribution.likely} | {pk for pk, _ in contribution.others} == {
            pk for pk, _ in page.context["topics"]
        }


def test_contributions_left_on_not_coded_are_not_counted_as_coded(
    as_user, published_a, agent_a, analyst_a, corpus_a, analyse
):
    analyse(published_a, agent_a)
    sample = coding.sample_create(
        process=published_a, coder_a=analyst_a, coder_b=agent_a, size=10, user=agent_a, seed=2
    )
    ids = sorted(sample.contributions.values_list("pk", flat=True))
    topic = Topic.objects.filter(process=published_a, merged_into=None).first()
    url = reverse(
        "backoffice:coding_sample",
        kwargs={"org": "ville-a", "slug": published_a.slug, "pk": sample.pk},
    )
    codes = {f"code-{pk}": "" for pk in ids}
    codes[f"code-{ids[0]}"] = topic.pk
    codes[f"code-{ids[1]}"] = "none"
    as_user(analyst_a).post(url, {"what": "code", **codes})
    assert coding.progress_of(sample)["a"] == 2
    assert coding.codes_of(sample, analyst_a.pk) == {ids[0]: topic.pk, ids[1]: None}
