"""Ideas, comments and supports: the calendar decides, double submits change nothing,
supports stay exact."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from palabre.contributions.models import Contribution, Support
from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.contributions.services import ActivityClosed, comment_add, idea_submit, support_set
from palabre.processes.models import Process
from palabre.processes.services import theme_get_or_create
from tests.factories import UserFactory, make_process

pytestmark = pytest.mark.django_db


def submit(process, author, **extra):
    return idea_submit(
        process=process, author=author, title="Des bancs", body="Place du marché", **extra
    )


def test_ideas_only_during_the_contribution_phase(org_a, citizen):
    today = dt.date.today()
    upcoming = make_process(org_a, title="Bientôt", start=today + dt.timedelta(days=3))
    assert "contribution" in activity_closed_reason(upcoming, Activity.SUBMIT_IDEA)
    with pytest.raises(ActivityClosed):
        submit(upcoming, citizen)
    open_now = make_process(org_a, title="Ouverte", start=today - dt.timedelta(days=20))
    assert activity_closed_reason(open_now, Activity.SUBMIT_IDEA) is None
    idea = submit(open_now, citizen)
    assert idea.kind == "idea" and idea.channel == "online" and idea.phase.kind == "contribution"
    closed = make_process(org_a, title="Finie", status="closed")
    with pytest.raises(ActivityClosed, match=r"readable|consultable"):
        submit(closed, citizen)
    questionnaire = make_process(org_a, title="Q", template=Process.Template.QUESTIONNAIRE)
    with pytest.raises(ActivityClosed):
        submit(questionnaire, citizen)


def test_double_submit_creates_one_idea(published_a, citizen):
    token = uuid.uuid4()
    first = submit(published_a, citizen, token=token)
    second = submit(published_a, citizen, token=token)
    assert first.pk == second.pk
    assert Contribution.objects.filter(process=published_a, kind="idea").count() == 1


def test_themes_and_neighbourhoods_of_another_organisation_are_refused(published_a, org_b, citizen):
    foreign = theme_get_or_create(organization=org_b, name="Vélo")
    with pytest.raises(ValidationError):
        submit(published_a, citizen, theme=foreign)
    assert not Contribution.objects.exists()


def test_comments_have_a_stance_and_one_level_of_replies(published_a, citizen):
    idea = submit(published_a, citizen)
    other = UserFactory()
    comment = comment_add(idea=idea, author=other, body="Oui !", stance="for")
    reply = comment_add(idea=idea, author=citizen, body="Merci", stance="neutral", reply_to=comment)
    deeper = comment_add(idea=idea, author=other, body="De rien", reply_to=reply)
    assert comment.parent == idea and reply.parent == comment and deeper.parent == comment
    with pytest.raises(ValidationError):
        comment_add(idea=idea, author=other, body="?", stance="peut-être")
    with pytest.raises(ValidationError):
        comment_add(idea=idea, author=other, body="   ")


def test_supports_are_one_per_person_and_revocable(published_a, citizen):
    idea = submit(published_a, citizen)
    voter = UserFactory()
    assert support_set(idea=idea, user=voter, supported=True) == 1
    assert support_set(idea=idea, user=voter, supported=True) == 1
    assert support_set(idea=idea, user=citizen, supported=True) == 2
    assert support_set(idea=idea, user=voter, supported=False) == 1
    assert support_set(idea=idea, user=voter, supported=False) == 1


def test_no_support_once_the_process_is_closed(published_a, citizen):
    from palabre.processes.services import process_set_status

    idea = submit(published_a, citizen)
    process_set_status(process=published_a, status="closed")
    idea.refresh_from_db()
    with pytest.raises(ActivityClosed):
        support_set(idea=idea, user=citizen, supported=True)


@pytest.mark.django_db(transaction=True)
def test_concurrent_support_clicks_count_once(org_a):
    """Parallel requests from one person and from many: the count stays exact."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (SQLite serialises writers)")
    process = make_process(org_a, title="Concurrence")
    idea = submit(process, UserFactory())
    same = UserFactory()
    others = [UserFactory() for _ in range(8)]
    barrier = threading.Barrier(16)
    errors = []

    def click(user):
        try:
            barrier.wait(timeout=10)
            support_set(idea=idea, user=user, supported=True)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(same,)) for _ in range(8)]
    threads += [threading.Thread(target=click, args=(u,)) for u in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Support.objects.filter(contribution=idea).count() == 9
    assert Support.objects.filter(contribution=idea, user=same).count() == 1
