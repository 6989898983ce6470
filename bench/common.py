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


def fresh_django() -> None:
    """Configure Django on a new SQLite database in a temporary folder and migrate it."""
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
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
