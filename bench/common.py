"""Shared by the page benchmarks: a fresh Django on a throw-away SQLite database, and
page timing with query counts."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from typing import Any


def _postgres_database(url: str) -> str | None:
    """A new, empty PostgreSQL database beside `url`'s (dropped when the bench ends), or None
    when no PostgreSQL answers there."""
    import atexit
    from urllib.parse import urlsplit, urlunsplit

    try:
        import psycopg

        admin = psycopg.connect(url, autocommit=True, connect_timeout=3)
    except Exception:  # no server, no driver, refused: the bench runs on SQLite
        return None
    name = f"palabre_bench_{os.getpid()}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    atexit.register(drop)
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def fresh_django(database_url: str | None = None) -> str:
    """Configure Django on a new database and migrate it: a throw-away PostgreSQL database
    beside `database_url` when one answers there, else SQLite in a temporary folder. Returns
    the database's vendor ("postgresql" or "sqlite")."""
    tmp = tempfile.mkdtemp(prefix="palabre-bench-")
    os.environ.update(
        {
            "PALABRE_ENV": "development",
            "PALABRE_DATA_DIR": tmp,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "PALABRE_ENV_FILE": "/nonexistent",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    postgres = _postgres_database(database_url) if database_url else None
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return str(connection.vendor)


def measure(pages: list[tuple[str, Any, str]], repeat: int, digits: int = 2) -> dict[str, Any]:
    """Median and slowest time of `repeat` GETs per page, and the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for name, client, url in pages:
        client.get(url)  # warm up
        timings = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), digits),
            "max_ms": round(max(timings), digits),
            "queries": len(queries.captured_queries),
        }
        row = results[name]
        print(f"{name:<32} {row['median_ms']:>8.2f} ms  {row['queries']:>3} queries")
    return results


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
    }
