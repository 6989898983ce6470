"""Benchmarks, run by `make bench`; results are written to bench/results/.

Foundation benchmark: on a fresh SQLite database loaded with the demo (real data from
../shared/data when present), time the main public and back-office pages through Django's
test client (no network), and count their SQL queries. Figures are medians in milliseconds on
this machine, noted in the results with its CPU count; compare runs as ratios, the machines
are shared and noisy.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def main() -> int:
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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from palabre.accounts.models import User
    from palabre.contributions.models import Contribution
    from palabre.demo.loader import load_demo, shared_data_dir

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = load_demo(shared_data_dir(), answers_limit=5000)
    load_seconds = time.perf_counter() - started

    anonymous = Client()
    agent = Client()
    agent.force_login(User.objects.get(email="agent@ville-de-demo.fr"))
    pages = [
        ("home", anonymous, "/"),
        ("organization_home", anonymous, "/ville-de-demo/"),
        ("process_list", anonymous, "/ville-de-demo/demarches/"),
        (
            "process_detail_5000_answers",
            anonymous,
            "/ville-de-demo/demarches/simplifier-vos-demarches/",
        ),
        (
            "process_detail_page_50",
            anonymous,
            "/ville-de-demo/demarches/simplifier-vos-demarches/?page=50",
        ),
        ("backoffice_dashboard", agent, "/ville-de-demo/espace/"),
        ("api_processes", anonymous, "/api/organizations/ville-de-demo/processes"),
    ]
    results = {}
    for name, client, url in pages:
        client.get(url)  # warm up
        timings = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name] = {
            "url": url,
            "median_ms": round(statistics.median(timings), 2),
            "p90_ms": round(sorted(timings)[int(len(timings) * 0.9) - 1], 2),
            "queries": len(queries.captured_queries),
        }
        row = results[name]
        print(f"{name:<32} {row['median_ms']:>8.2f} ms  {row['queries']:>3} queries")

    output = {
        "benchmark": "foundation-pages",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
        },
        "database": "sqlite",
        "demo": {
            "source": report.source,
            "contributions": Contribution.objects.count(),
            "load_seconds": round(load_seconds, 2),
        },
        "repeat": REPEAT,
        "pages": results,
        "note": "Times are medians on the machine above; compare runs as ratios.",
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "foundation-pages.json"
    path.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"demo load: {load_seconds:.2f} s for {output['demo']['contributions']} contributions")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
