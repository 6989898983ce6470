"""Telling each contributor what became of their contribution."""

from __future__ import annotations

import pytest
from django.core import mail

from palabre.contributions.models import FollowUpContact
from palabre.notifications.models import Notification
from palabre.synthesis import restitution
from palabre.synthesis.models import Assignment

from ..factories import make_contribution

pytestmark = pytest.mark.django_db


def test_publication_and_answers_reach_contributors_and_paper_contacts(
    published_a, analyst_a, corpus_a, analyse, django_capture_on_commit_callbacks
):
    paper = make_contribution(
        published_a, body="Des pistes cyclables jusqu'au collège, merci", channel="paper"
    )
    FollowUpContact.objects.create(contribution=paper, email="papier@exemple.fr")
    analyse(published_a, analyst_a)
    idea = corpus_a["velo"][0]
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    restitution.statement_save(
        section=section, text="Des pistes cyclables continues.", evidence_ids=[idea.pk, paper.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    notified = set(
        Notification.objects.filter(kind="synthesis_published").values_list("user", flat=True)
    )
    assert idea.author_id in notified and len(notified) == 36
    to_paper = [m for m in mail.outbox if m.to == ["papier@exemple.fr"]]
    assert len(to_paper) == 1
    assert "Des pistes cyclables continues." in to_paper[0].body
    assert idea.author.email in {m.to[0] for m in mail.outbox}

    mail.outbox.clear()
    topic = Assignment.objects.get(contribution=idea).topic
    with django_capture_on_commit_callbacks(execute=True):
        restitution.answer_give(
            process=published_a,
            topic=topic,
            status="adopted",
            text="Le conseil a voté trois pistes.",
            signed_as="Le conseil municipal",
            user=analyst_a,
        )
    answered = set(Notification.objects.filter(kind="answer_given").values_list("user", flat=True))
    assert idea.author_id in answered
    assert corpus_a["bruit"][0].author_id not in answered or (
        Assignment.objects.get(contribution=corpus_a["bruit"][0]).topic == topic
    )
    assert any("Le conseil a voté trois pistes." in m.body for m in mail.outbox)


def test_time_to_answer_reaches_the_process_figures_and_record(
    published_a, analyst_a, corpus_a, analyse
):
    import datetime as dt

    from django.utils import timezone

    from palabre.evaluation.selectors import process_metrics
    from palabre.synthesis.models import Answer
    from palabre.synthesis.selectors import answer_delays

    analyse(published_a, analyst_a)
    idea = corpus_a["velo"][0]
    Contribution = type(idea)
    Contribution.objects.filter(pk=idea.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    answer = restitution.answer_give(
        process=published_a,
        contribution=idea,
        status="under_study",
        text="Nous regardons.",
        signed_as="Service voirie",
        user=analyst_a,
    )
    assert Answer.objects.count() == 1 and answer.pk
    delays = answer_delays(process=published_a)
    assert delays["answered"] == 1 and delays["contributions"] == 36
    assert 9.9 < delays["median_days"] < 10.1
    topic = Assignment.objects.get(contribution=corpus_a["bruit"][0]).topic
    restitution.answer_give(
        process=published_a,
        topic=topic,
        status="adopted",
        text="Des contrôles la nuit.",
        signed_as="Le maire",
        user=analyst_a,
    )
    delays = answer_delays(process=published_a)
    assert delays["answered"] >= 1 + Assignment.objects.filter(topic=topic).count() - (
        1 if Assignment.objects.get(contribution=idea).topic == topic else 0
    )
    assert process_metrics(process=published_a)["answers"]["answered"] == delays["answered"]


def test_publication_invites_contributors_to_the_feedback_survey(
    client, published_a, analyst_a, corpus_a, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from palabre.evaluation.services import feedback_closed_reason

    assert feedback_closed_reason(published_a)  # not before the restitution
    idea = corpus_a["velo"][0]
    draft = restitution.draft_get_or_create(process=published_a)
    section = restitution.section_add(synthesis=draft, title="Vélo")
    restitution.statement_save(section=section, text="Des pistes.", evidence_ids=[idea.pk])
    with django_capture_on_commit_callbacks(execute=True):
        restitution.synthesis_publish(synthesis=draft, user=analyst_a)
    assert feedback_closed_reason(published_a) is None
    feedback = reverse(
        "process_feedback", kwargs={"org": published_a.organization.slug, "slug": published_a.slug}
    )
    to_author = [m for m in mail.outbox if m.to == [idea.author.email]]
    assert len(to_author) == 1 and feedback in to_author[0].body
    page = client.get(
        reverse(
            "synthesis_public",
            kwargs={"org": published_a.organization.slug, "slug": published_a.slug},
        )
    ).content.decode()
    assert feedback in page
