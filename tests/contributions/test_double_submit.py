"""Finding 6: two identical submits at the same instant gave a 500 (IntegrityError on the
submission token) on PostgreSQL. Here the first submit is held open, uncommitted, while the
second runs: the second passes the "already submitted?" check, then waits at the unique
constraint until the first commits — exactly the race — and must return the first's
contribution instead of failing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from palabre.contributions import services
from palabre.contributions.models import Contribution
from palabre.opinions import services as opinion_services
from palabre.organizations.roles import Role

from ..concurrency import race
from ..factories import UserFactory, make_member, make_process
from ..opinions.conftest import build_map

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level waits need PostgreSQL"),
]


def _race(submit: Callable[[], Any]) -> tuple[Any, Any]:
    """The same submit twice, the second while the first is still uncommitted."""
    return race(submit, submit)


@pytest.fixture
def setting(db):
    from palabre.organizations.models import Organization

    org = Organization.objects.create(name="Ville Course", slug="ville-course")
    return {"org": org, "process": make_process(org), "user": UserFactory()}


def _assert_one(first: Any, second: Any) -> None:
    assert isinstance(first, Contribution), first
    assert isinstance(second, Contribution), second
    assert first.pk == second.pk
    assert Contribution.objects.filter(submission_token=first.submission_token).count() == 1


def test_two_identical_idea_submits_make_one_idea(setting):
    token = uuid.uuid4()

    def submit() -> Any:
        return services.idea_submit(
            process=setting["process"],
            author=setting["user"],
            title="Bancs",
            body="Des bancs",
            token=token,
        )

    _assert_one(*_race(submit))


def test_two_identical_comments_make_one_comment(setting):
    idea = services.idea_submit(
        process=setting["process"], author=setting["user"], title="Arbres", body="Des arbres"
    )
    token = uuid.uuid4()

    def submit() -> Any:
        return services.comment_add(idea=idea, author=setting["user"], body="Oui", token=token)

    _assert_one(*_race(submit))


def test_two_identical_process_comments_make_one(setting):
    token = uuid.uuid4()

    def submit() -> Any:
        return services.process_comment_add(
            process=setting["process"], author=setting["user"], body="D'accord", token=token
        )

    _assert_one(*_race(submit))


def test_two_identical_statement_proposals_make_one(setting):
    agent = make_member(setting["org"], Role.AGENT)
    om = build_map(setting["org"], agent)
    token = uuid.uuid4()

    def submit() -> Any:
        return opinion_services.statement_propose(
            process=om["process"], author=setting["user"], text="Plus de bancs", token=token
        )

    _assert_one(*_race(submit))
