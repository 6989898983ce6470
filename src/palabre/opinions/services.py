"""Writes for opinion maps: statements (seeded by agents, proposed by participants and held
for a moderator), votes (one per participant and statement, the latest wins), and the
throttled request to recompute the map in the background."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.contributions import services as contribution_services
from palabre.contributions.models import Contribution
from palabre.contributions.rules import Activity
from palabre.core.orm import statement_cursor
from palabre.core.tasks import enqueue_on_commit
from palabre.processes.models import Process

from .models import OpinionMap, Vote

MAX_LENGTH = 200  # a statement is short: one idea, agreeable or not


def opinion_map_of(process: Process) -> OpinionMap:
    if process.template != Process.Template.OPINION_MAP:
        raise ValidationError(_("This participation process has no opinion map."))
    opinion_map, _created = OpinionMap.objects.get_or_create(process=process)
    return opinion_map


def opinion_map_update(*, opinion_map: OpinionMap, **fields: Any) -> OpinionMap:
    for name, value in fields.items():
        setattr(opinion_map, name, value)
    opinion_map.full_clean(exclude=["process"])
    opinion_map.save()
    return opinion_map


def _text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"body": _("Write the statement.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("A statement is %(max)d characters at most; split it in two.")
                % {"max": MAX_LENGTH}
            }
        )
    return text


@transaction.atomic
def statements_seed(*, process: Process, author: Any, texts: list[str]) -> list[Contribution]:
    """Agents add statements (one per text), shown at once; a text already there is
    skipped, so pasting the same list twice adds nothing."""
    from palabre.organizations.permissions import organization_user_can
    from palabre.organizations.roles import Action

    opinion_map_of(process)
    if not organization_user_can(author, process.organization, Action.MANAGE_PROCESSES):
        raise ValidationError(_("Only the local government's agents can add statements."))
    existing = set(
        Contribution.objects.filter(process=process, kind=Contribution.Kind.STATEMENT).values_list(
            "body", flat=True
        )
    )
    created = []
    for raw in texts:
        if not raw.strip():
            continue
        text = _text(raw)
        if text in existing:
            continue
        existing.add(text)
        created.append(
            Contribution.objects.create(
                process=process,
                kind=Contribution.Kind.STATEMENT,
                body=text,
                author=author,
                phase=process.current_phase(),
                created_at=timezone.now(),
            )
        )
    return created


def statements_from_ideas(*, process: Process, author: Any, source: Process, count: int) -> list:
    """Seed statements from another process's ideas (its most supported published ones,
    title or the start of the text), skipping what is already on the map."""
    from django.db.models import Count

    if source.organization_id != process.organization_id:
        raise ValidationError(_("This process belongs to another local government."))
    ideas = (
        Contribution.objects.filter(
            process=source,
            kind=Contribution.Kind.IDEA,
            held_at__isnull=True,
            is_hidden=False,
            withdrawn_at__isnull=True,
        )
        .annotate(n=Count("supports"))
        .order_by("-n", "pk")[:count]
    )
    texts = [(idea.title or idea.body)[:MAX_LENGTH] for idea in ideas]
    return statements_seed(process=process, author=author, texts=texts)


@contribution_services.submitted_once()
@transaction.atomic
def statement_propose(*, process: Process, author: Any, text: str, token: Any = None) -> Any:
    """A participant proposes a statement: it waits for a moderator before being shown."""
    opinion_map = opinion_map_of(process)
    contribution_services.activity_check(process, Activity.SUBMIT_STATEMENT)
    if not opinion_map.participants_may_propose:
        raise contribution_services.ActivityClosed(
            _("On this opinion map, only the local government adds statements.")
        )
    statement = contribution_services.contribution_create(
        process=process,
        kind=Contribution.Kind.STATEMENT,
        body=_text(text),
        author=author,
        submission_token=token,
        held_at=timezone.now(),
        held_terms=_("statement proposed by a participant"),
    )
    return statement


def vote_cast(*, statement: Contribution, voter: Any, value: int) -> None:
    """Agree (1), disagree (-1) or pass (0); voting again replaces the earlier vote, in one
    upsert (INSERT … ON CONFLICT UPDATE): two identical votes sent at once make one row.

    `statement` is checked as loaded by the caller (shown, of this process's map)."""
    process = statement.process
    contribution_services.activity_check(process, Activity.OPINION)
    if voter is None or not voter.is_authenticated:
        raise ValidationError(_("Sign in to vote."))
    if value not in Vote.Value.values:
        raise ValidationError({"value": _("A vote is agree, disagree or pass.")})
    if (
        statement.kind != Contribution.Kind.STATEMENT
        or statement.held_at is not None
        or statement.is_hidden
    ):
        raise ValidationError(_("This statement is not open to votes."))
    now = timezone.now()
    if connection.vendor == "postgresql":
        _vote_and_mark_postgresql(statement, voter, value, now)  # one statement: atomic
        return
    with transaction.atomic(savepoint=False):  # the vote and the mark, all or nothing
        Vote.objects.bulk_create(
            [Vote(statement=statement, voter=voter, value=value, created_at=now, updated_at=now)],
            update_conflicts=True,
            unique_fields=["statement", "voter"],
            update_fields=["value", "updated_at"],
        )
        recompute_request(process=process)


def _vote_and_mark_postgresql(statement: Contribution, voter: Any, value: int, now: Any) -> None:
    """`vote_cast`'s upsert and `recompute_request` in one statement, atomic by itself (the
    vote page runs it outside a request transaction, saving BEGIN and COMMIT round trips):
    the vote's hot path (bench/opinion_votes_load.py), where building the two ORM queries cost
    more than running them."""
    vote_table, map_table = Vote._meta.db_table, OpinionMap._meta.db_table
    sql = f"""
        WITH vote AS (
            INSERT INTO {vote_table} (statement_id, voter_id, value, created_at, updated_at)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (statement_id, voter_id)
            DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
        )
        UPDATE {map_table} SET requested_at = %s
        WHERE process_id = %s AND (requested_at IS NULL OR requested_at < %s)
        RETURNING id
    """  # noqa: S608 - table names from the models, values as parameters
    with statement_cursor() as cursor:
        cursor.execute(
            sql,
            [
                statement.pk,
                voter.pk,
                value,
                now,
                now,
                now,
                statement.process_id,
                now - STALE_REQUEST,
            ],
        )
        requested = cursor.fetchone()
    if requested:  # this vote made the request: one run follows (see throttled_request)
        from .tasks import opinion_map_compute

        enqueue_on_commit(opinion_map_compute, requested[0])


def opinion_map_compute(*, opinion_map_id: int) -> int:
    """Recompute and store the map (run by the task, never by a page). Returns the number
    of votes read."""
    from palabre_analysis import opinions as engine

    from .selectors import votes_of

    opinion_map = OpinionMap.objects.select_related("process").get(pk=opinion_map_id)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(requested_at=None)
    votes = votes_of(opinion_map=opinion_map)
    result: dict[str, Any] | None = None
    if votes.n_votes:
        model = engine.OpinionMap(min_votes=opinion_map.min_votes, random_state=0).fit(votes)
        result = model.report(votes)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(
        result=result, computed_at=timezone.now(), votes_counted=votes.n_votes
    )
    return votes.n_votes


def recompute_request(*, process: Process) -> bool:
    """Ask for the map to be recomputed in the background (see `throttled_request`)."""
    from .tasks import opinion_map_compute

    return throttled_request(OpinionMap, process, opinion_map_compute)


# A request older than this is taken as lost (its task never ran: a worker crash, a queue
# emptied by hand) and made again; at worst a slow queue runs the same computation twice.
STALE_REQUEST = dt.timedelta(minutes=15)


def throttled_request(model: Any, process: Process, task: Any) -> bool:
    """Mark the process's stored result as to be recomputed and enqueue `task` with its id,
    unless a request is already pending: however many votes arrive meanwhile, one run
    follows, and it reads every vote (the task clears the mark when it starts). The row
    exists: it is created with the first statement or the first comparison."""
    now = timezone.now()
    pending = (
        model.objects.filter(process=process)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - STALE_REQUEST))
        .update(requested_at=now)
    )
    if pending:
        enqueue_on_commit(task, model.objects.get(process=process).pk)
    return bool(pending)
