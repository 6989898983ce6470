"""scripts/check-architecture (run by `make lint`): views make no ORM query, selectors write
nothing. The code passes it, and the check finds what it is meant to find."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check-architecture"


def run(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write(path: Path, source: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


def reported(out: str, path: Path) -> dict[int, str]:
    """{line: message} of the violations reported in `path`."""
    found = {}
    for row in out.splitlines():
        where, _sep, message = row.partition(": ")
        if where.rsplit(":", 1)[0].endswith(str(path.relative_to(path.parents[2]))):
            found[int(where.rsplit(":", 1)[1])] = message
    return found


def test_the_code_keeps_the_rules():
    out = run()
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout == ""


def test_a_view_that_queries_the_orm_is_reported(tmp_path):
    views = write(
        tmp_path / "palabre" / "web" / "views.py",
        """
        from django.db import connection, transaction
        from django.db.models import Count
        from django.shortcuts import get_object_or_404, render

        from palabre.budgets.models import Envelope


        @transaction.non_atomic_requests
        def page(request, budget, pk, api, workbook, data):
            envelope = get_object_or_404(Envelope, budget=budget, pk=pk)
            codes = budget.codes.count()
            first = Envelope.objects.filter(budget=budget).first()
            ideas = [i for i in envelope.project.ideas.all()]
            same = budget.projects.get(pk=pk)
            budget.save()
            with transaction.atomic():
                pass
            connection.cursor()
            # not the ORM: a dict, a decorator, a file, a list
            name = request.POST.get("name", "")
            api.get("/path", response=dict)
            workbook.save(data)
            data.update({"a": 1})
            [1, 2].count(1)
            return render(request, "page.html", {"n": Count("pk")})
        """,
    )
    out = run(views)
    assert out.returncode == 1
    found = reported(out.stdout, views)
    assert sorted(found) == [1, 2, 3, 10, 11, 12, 13, 14, 15, 16, 18], out.stdout
    assert "connection from django.db" in found[1]
    assert "Count from django.db.models" in found[2]
    assert "get_object_or_404" in found[3] and "get_object_or_404" in found[10]
    assert "budget.codes.count()" in found[11]
    assert "Envelope.objects.filter(…).first()" in found[12]
    assert "envelope.project.ideas.all()" in found[13]
    assert "budget.projects.get(…)" in found[14]
    assert "budget.save()" in found[15]
    assert "transaction.atomic" in found[16]
    assert "connection.cursor()" in found[18]
    assert out.stdout.splitlines()[-1].startswith("11 architecture rule violation(s)")


def test_forms_and_url_modules_are_not_checked(tmp_path):
    forms = write(
        tmp_path / "palabre" / "backoffice" / "forms.py",
        """
        def scope(field, organization):
            field.queryset = organization.neighbourhoods.all()
        """,
    )
    urls = write(tmp_path / "palabre" / "web" / "account_urls.py", "x = Model.objects.all()\n")
    out = run(forms, urls)
    assert out.returncode == 0, out.stdout
    assert out.stdout == ""


def test_a_selector_that_writes_is_reported(tmp_path):
    selectors = write(
        tmp_path / "palabre" / "budgets" / "selectors.py",
        """
        from django.db import connection, transaction

        from .services import budget_of


        def counts(budget, cursor):
            sql = "SELECT id FROM {table} WHERE id = %s".format(table="budget")
            cursor.execute(sql, [budget.pk])
            cursor.execute("WITH t AS (SELECT 1) SELECT * FROM t")
            cursor.execute("UPDATE budget SET counted_at = NULL")
            cursor.execute(f"DELETE FROM {budget}")
            budget.name = "x"
            budget.save(update_fields=["name"])
            budget.codes.filter(used_at=None).update(used_at=None)
            budget.codes.create(code="A")
            with transaction.atomic():
                pass
            cursor.execute(budget.statement)
            totals = {}
            totals.update({"a": 1})
            return budget_of(budget.process), totals
        """,
    )
    out = run(selectors)
    assert out.returncode == 1
    found = reported(out.stdout, selectors)
    assert sorted(found) == [3, 10, 11, 13, 14, 15, 16, 18], out.stdout
    assert "services" in found[3]
    assert "write in a selector" in found[10] and "write in a selector" in found[11]
    assert "budget.save(…)" in found[13]
    assert ".update(…)" in found[14]
    assert ".create(…)" in found[15]
    assert "transaction.atomic" in found[16]
    assert "cannot read" in found[18]
