"""Small helpers around Django's ORM: a page's object or 404 (for selectors), and instances
that hot paths build themselves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.http import Http404


def get_or_404(queryset: models.QuerySet[Any], message: str = "", **lookups: Any) -> Any:
    """The row of `queryset` matching `lookups`, or Http404 (`message`): what selectors
    return for a page's object. An id that is no number (a form sent "abc") is not found
    either, where `get_object_or_404` would fail with a server error."""
    try:
        return queryset.get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None


def prefetched(instance: models.Model, name: str, objects: list[Any]) -> None:
    """Make `instance.<name>.all()` return `objects` without a query, as
    `prefetch_related(name)` would have (the same cache Django fills)."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def loaded(model: type[models.Model], db: str, **values: Any) -> Any:
    """An instance of `model` as the database loaded it with only these fields (as
    `.only()` would): the others are loaded on access."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


@cache
def _preparing_cursor_class() -> Any:
    import psycopg

    class PreparingCursor(psycopg.Cursor):
        # Django's cursor wrapper passes no `prepare`: ask for it at every run
        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, prepare=True, **options)

    return PreparingCursor


@contextmanager
def statement_cursor(using: str = DEFAULT_DB_ALIAS) -> Iterator[Any]:
    """A cursor for a hand-written statement run on a hot path (ADR 0008). On PostgreSQL its
    parameters are bound by the server and psycopg prepares the statement once per
    connection: PostgreSQL then no longer parses and plans it at each run (0.6 → 0.2 ms for
    the vote's statement query). Elsewhere, Django's cursor. Queries are logged and errors
    wrapped as with Django's."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    pg = connection.connection
    if pg.prepare_threshold is None:
        # Django turns preparing off (None); a threshold no statement reaches keeps it off
        # for every other cursor (Django's bind on the client and never prepare anyway)
        pg.prepare_threshold = 2**31
    with connection.wrap_database_errors:
        raw = _preparing_cursor_class()(pg)
    cursor = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        yield cursor
