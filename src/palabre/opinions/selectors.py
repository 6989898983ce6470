"""Reads for opinion maps: the next statement to show, the computed map (groups,
representative, consensus and divisive statements, participants' positions) and the
Pol.is open-data export."""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from palabre.contributions.models import Contribution
from palabre.core.orm import loaded, prefetched, statement_cursor
from palabre.core.spreadsheet import csv_writer
from palabre_analysis import opinions as engine

from .models import OpinionMap, Vote


def statements_visible(process: Any) -> QuerySet[Contribution]:
    """The statements the map shows: neither held for a moderator nor hidden."""
    return Contribution.objects.filter(
        process=process,
        kind=Contribution.Kind.STATEMENT,
        held_at__isnull=True,
        is_hidden=False,
    )


def statement_for_vote(
    *, user: Any, organization_slug: str, process_slug: str, statement_id: str
) -> Contribution:
    """The statement a vote is for, shown on this process's opinion map, with its process
    (template, status, visibility, phases) and organisation: what the vote's rules read.
    404 when it is not there or the process is not visible to `user`
    (processes.selectors.process_check_view).

    The vote's hot path (bench/opinion_votes_load.py): one hand-written query instead of
    four (organisation, process, phases, statement), whose ORM construction cost more than
    the database did. The instances are built as `.only()` would build them: a field not
    read here is loaded on access, on the rare paths that need one."""
    from django.db import connection
    from django.http import Http404

    from palabre.organizations.models import Organization
    from palabre.processes.models import Phase, Process
    from palabre.processes.selectors import process_check_view

    if not str(statement_id).isdigit() or len(str(statement_id)) > 18:  # an id, in bigint
        raise Http404
    tables = {
        "statement": Contribution._meta.db_table,
        "process": Process._meta.db_table,
        "organization": Organization._meta.db_table,
        "phase": Phase._meta.db_table,
    }
    sql = """
        SELECT s.id, p.id, p.template, p.status, p.visibility, p.slug, o.id, o.slug,
               ph.id, ph.kind, ph.start_date, ph.end_date
        FROM {statement} s
        JOIN {process} p ON p.id = s.process_id
        JOIN {organization} o ON o.id = p.organization_id
        LEFT JOIN {phase} ph ON ph.process_id = p.id
        WHERE s.id = %s AND s.kind = %s AND s.held_at IS NULL AND s.is_hidden = %s
          AND p.slug = %s AND p.template = %s AND o.slug = %s AND o.is_active = %s
        ORDER BY ph.position, ph.start_date
    """.format(**tables)  # noqa: S608 - table names from the models, values as parameters
    with statement_cursor() as cursor:
        cursor.execute(
            sql,
            [
                int(statement_id),
                Contribution.Kind.STATEMENT.value,  # plain values, for the server to bind
                False,
                process_slug,
                Process.Template.OPINION_MAP.value,
                organization_slug,
                True,
            ],
        )
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    db = connection.alias
    first = rows[0]
    organization = loaded(Organization, db, id=first[6], slug=first[7])
    process = loaded(
        Process,
        db,
        id=first[1],
        organization_id=first[6],
        template=first[2],
        status=first[3],
        visibility=first[4],
        slug=first[5],
    )
    process._state.fields_cache["organization"] = organization
    phases = [
        loaded(Phase, db, id=r[8], process_id=r[1], kind=r[9], start_date=r[10], end_date=r[11])
        for r in rows
        if r[8] is not None
    ]
    prefetched(process, "phases", phases)
    statement = loaded(
        Contribution,
        db,
        id=first[0],
        process_id=first[1],
        kind=Contribution.Kind.STATEMENT,
        held_at=None,
        is_hidden=False,
    )
    statement._state.fields_cache["process"] = process
    process_check_view(user=user, process=process)
    return statement


def next_statement(*, opinion_map: OpinionMap, voter: Any) -> Contribution | None:
    """The statement to show next: among those the voter has not voted on, the ones with
    fewest votes first and, once groups exist, the ones that separate or unite them; a
    random pick among those scoring near the best, stable until the voter votes."""
    statements = statements_visible(opinion_map.process).annotate(n_votes=Count("opinion_votes"))
    voted = 0
    if getattr(voter, "is_authenticated", False):
        mine = Vote.objects.filter(voter=voter, statement__process=opinion_map.process)
        voted = mine.count()
        statements = statements.exclude(pk__in=mine.values("statement_id"))
    candidates = list(statements.order_by("n_votes", "pk")[:50])
    if not candidates:
        return None
    telling = _telling_statements(opinion_map)
    most = max(c.n_votes for c in candidates) or 1

    def score(statement: Any) -> float:
        return (1 - statement.n_votes / (most + 1)) + (0.5 if str(statement.pk) in telling else 0)

    best = max(score(c) for c in candidates)
    near_best = [c for c in candidates if score(c) >= best - 0.1]
    rng = random.Random(f"{getattr(voter, 'pk', 'anonymous')}-{voted}")  # noqa: S311
    return rng.choice(near_best)


def _telling_statements(opinion_map: OpinionMap) -> set[str]:
    result = opinion_map.result or {}
    telling = {row["id"] for row in result.get("divisive", [])[:5]}
    telling |= {row["id"] for row in result.get("consensus", [])[:5]}
    return telling


def votes_of(*, opinion_map: OpinionMap) -> engine.Votes:
    """Every vote of the map as the engine reads it (participant = user id, internal)."""
    rows = Vote.objects.filter(
        statement__process=opinion_map.process,
        statement__held_at__isnull=True,
        statement__is_hidden=False,
    ).values_list("voter_id", "statement_id", "value")
    triples = [(str(voter), str(statement), value) for voter, statement, value in rows]
    texts = dict(statements_visible(opinion_map.process).values_list("pk", "body").iterator())
    return engine.Votes.from_triples(triples, {str(k): v for k, v in texts.items()})


def opinion_map_find(*, process: Any) -> OpinionMap | None:
    """The process's opinion map if it has one (pages that only read never create it)."""
    return OpinionMap.objects.filter(process=process).first()


def vote_progress(*, process: Any, voter: Any) -> tuple[int, int]:
    """(statements shown on the map, those `voter` has voted on: 0 when not signed in)."""
    total = statements_visible(process).count()
    voted = (
        Vote.objects.filter(voter=voter, statement__process=process).count()
        if getattr(voter, "is_authenticated", False)
        else 0
    )
    return total, voted


GROUP_NAMES = "ABCDE"


@dataclass
class StatementView:
    id: str
    text: str
    agreement: list[tuple[str, int]]  # (group name, % agreeing)


@dataclass
class GroupView:
    name: str
    size: int
    colour: str
    marker: str  # the legend's polygon (viewBox 0 0 4 4), "" for a circle
    representative: list[dict[str, Any]]  # text, direction, agree %, disagree %


@dataclass
class MapView:
    n_participants: int
    n_votes: int
    n_clustered: int
    computed_at: Any
    groups: list[GroupView]
    points: list[dict[str, Any]]  # x, y (0–100), colour, group name, mine
    consensus: list[StatementView]
    divisive: list[StatementView]
    mine: dict[str, Any] | None


# colours with 3:1 contrast on white, told apart by shape as well (circle, square, triangle…)
COLOURS = ["#1f5fa8", "#b3261e", "#1d6b2f", "#7a4a00", "#6a3d9a"]
SHAPES = ["circle", "square", "triangle", "diamond", "cross"]


def map_view(*, opinion_map: OpinionMap, viewer: Any) -> MapView | None:
    result = opinion_map.result
    if not result:
        return None
    texts = dict(
        Contribution.objects.filter(
            process=opinion_map.process, kind=Contribution.Kind.STATEMENT
        ).values_list("pk", "body")
    )
    names = {g["id"]: GROUP_NAMES[i % 5] for i, g in enumerate(result["groups"])}
    colours = {g["id"]: COLOURS[i % 5] for i, g in enumerate(result["groups"])}
    shapes = {g["id"]: SHAPES[i % 5] for i, g in enumerate(result["groups"])}
    participants = result["participants"]
    xs = [p["x"] for p in participants] or [0.0]
    ys = [p["y"] for p in participants] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    me = str(viewer.pk) if getattr(viewer, "is_authenticated", False) else None
    points, mine = [], None
    for p in participants:
        x = round(5 + 90 * (p["x"] - min(xs)) / span_x, 2)
        y = round(95 - 90 * (p["y"] - min(ys)) / span_y, 2)
        shape = shapes.get(p["group"], "circle")
        point = {
            "x": f"{x:.2f}",  # SVG wants a dot, whatever the page's language
            "y": f"{y:.2f}",
            "colour": colours.get(p["group"], "#767676"),
            "polygon": _polygon(shape, x, y),
            "group": names.get(p["group"]),
        }
        if p["id"] == me:
            mine = point
        else:
            points.append(point)

    def statement(row: dict[str, Any]) -> StatementView:
        return StatementView(
            id=row["id"],
            text=texts.get(int(row["id"]), ""),
            agreement=[
                (names[int(g)], round(100 * value)) for g, value in row["agreement"].items()
            ],
        )

    return MapView(
        n_participants=result["n_participants"],
        n_votes=result["n_votes"],
        n_clustered=result["n_clustered"],
        computed_at=opinion_map.computed_at,
        groups=[
            GroupView(
                name=names[g["id"]],
                size=g["size"],
                colour=colours[g["id"]],
                marker=_polygon(shapes[g["id"]], 2, 2, 1.5),
                representative=[
                    {
                        "text": texts.get(int(r["id"]), ""),
                        "direction": r["direction"],
                        "agree": round(100 * r["agree"]),
                        "disagree": round(100 * r["disagree"]),
                    }
                    for r in g["representative_statements"]
                ],
            )
            for g in result["groups"]
        ],
        points=points,
        consensus=[statement(r) for r in result["consensus"]],
        divisive=[statement(r) for r in result["divisive"]],
        mine=mine,
    )


def _polygon(shape: str, x: float, y: float, r: float = 1.3) -> str:
    """The points of a group's marker (colour is not the only difference between groups);
    an empty string for a circle."""
    corners = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -r * 1.2), (r * 1.1, r), (-r * 1.1, r)],
        "diamond": [(0, -r * 1.3), (r * 1.3, 0), (0, r * 1.3), (-r * 1.3, 0)],
        "cross": [
            (-r / 3, -r),
            (r / 3, -r),
            (r / 3, -r / 3),
            (r, -r / 3),
            (r, r / 3),
            (r / 3, r / 3),
            (r / 3, r),
            (-r / 3, r),
            (-r / 3, r / 3),
            (-r, r / 3),
            (-r, -r / 3),
            (-r / 3, -r / 3),
        ],
    }.get(shape)
    if corners is None:
        return ""
    return " ".join(f"{x + dx:.2f},{y + dy:.2f}" for dx, dy in corners)


def statements_with_counts(*, opinion_map: OpinionMap) -> Any:
    return (
        Contribution.objects.filter(process=opinion_map.process, kind=Contribution.Kind.STATEMENT)
        .annotate(
            agrees=Count("opinion_votes", filter=Q(opinion_votes__value=1)),
            disagrees=Count("opinion_votes", filter=Q(opinion_votes__value=-1)),
            passes=Count("opinion_votes", filter=Q(opinion_votes__value=0)),
        )
        .select_related("author")
        .order_by("pk")
    )


def polis_export(*, opinion_map: OpinionMap) -> bytes:
    """A ZIP in Pol.is's open-data layout (`comments.csv`, `votes.csv`), which
    `palabre opinions` and other tools read. Participants are numbered for the export:
    no account id, no name. Statements waiting for review are left out; hidden ones are
    listed as moderated out (-1) without their votes. Dates in the site's time zone; a
    statement that a spreadsheet would run as a formula gets a leading apostrophe
    (ADR 0009)."""
    statements = list(statements_with_counts(opinion_map=opinion_map).filter(held_at=None))
    numbers: dict[int, int] = {}
    votes = (
        Vote.objects.filter(
            statement__process=opinion_map.process,
            statement__held_at=None,
            statement__is_hidden=False,
        )
        .order_by("updated_at", "pk")
        .values_list("updated_at", "statement_id", "voter_id", "value")
    )
    votes_out = io.StringIO()
    writer = csv_writer(votes_out)
    writer.writerow(["timestamp", "datetime", "comment-id", "voter-id", "vote"])
    for when, statement, voter, value in votes.iterator():
        number = numbers.setdefault(voter, len(numbers))
        writer.writerow(
            [int(when.timestamp()), timezone.localtime(when).isoformat(), statement, number, value]
        )
    comments_out = io.StringIO()
    writer = csv_writer(comments_out)
    writer.writerow(
        ["timestamp", "datetime", "comment-id", "moderated", "agrees", "disagrees", "comment-body"]
    )
    for s in statements:
        writer.writerow(
            [
                int(s.created_at.timestamp()),
                timezone.localtime(s.created_at).isoformat(),
                s.pk,
                -1 if s.is_hidden else 1,
                0 if s.is_hidden else s.agrees,
                0 if s.is_hidden else s.disagrees,
                "" if s.is_hidden else s.body,
            ]
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("comments.csv", comments_out.getvalue())
        archive.writestr("votes.csv", votes_out.getvalue())
    return buffer.getvalue()
