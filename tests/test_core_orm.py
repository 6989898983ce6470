"""core.orm: a selector's object or 404; instances built from a hand-written query behave as
the ORM's own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404

from palabre.core.orm import get_or_404, loaded, prefetched, statement_cursor
from palabre.processes.models import Phase, Process

from .factories import make_process


def test_get_or_404_finds_the_row_or_answers_404_even_for_an_id_that_is_no_number(org_a):
    process = make_process(org_a)
    mine = Process.objects.filter(organization=org_a)
    assert get_or_404(mine, pk=process.pk) == process
    assert get_or_404(mine, pk=str(process.pk)) == process
    for wrong in (process.pk + 1, "abc", "", None):
        with pytest.raises(Http404):
            get_or_404(mine, pk=wrong)
    with pytest.raises(Http404, match="Not here"):
        get_or_404(mine.exclude(pk=process.pk), "Not here", pk=process.pk)


def test_a_loaded_instance_loads_the_fields_it_was_not_given_on_access(
    org_a, django_assert_num_queries
):
    process = make_process(org_a, title="Le parc")
    partial = loaded(Process, connection.alias, id=process.pk, slug=process.slug)
    assert partial.get_deferred_fields() >= {"title", "status"}
    with django_assert_num_queries(1):
        assert partial.title == "Le parc"


def test_prefetched_objects_are_served_without_a_query(org_a, django_assert_num_queries):
    process = make_process(org_a)
    phases = list(Phase.objects.filter(process=process))
    fresh = Process.objects.get(pk=process.pk)
    prefetched(fresh, "phases", phases)
    with django_assert_num_queries(0):
        assert list(fresh.phases.all()) == phases
        assert fresh.current_phase() in [*phases, None]


def test_a_statement_cursor_runs_and_is_counted_like_any_query(org_a, django_assert_num_queries):
    process = make_process(org_a)
    sql = f"SELECT slug FROM {Process._meta.db_table} WHERE id = %s"  # noqa: S608
    for _ in range(3):  # prepared on PostgreSQL from the first run, same answer
        with django_assert_num_queries(1), statement_cursor() as cursor:
            cursor.execute(sql, [process.pk])
            assert cursor.fetchone() == (process.slug,)
