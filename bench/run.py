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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_django, machine, measure

RESULTS = Path(__file__).resolve().parent / "results"
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def main() -> int:
    fresh_django()
    from django.test import Client

    from palabre.accounts.models import User
    from palabre.contributions.models import Contribution
    from palabre.demo.loader import load_demo, shared_data_dir

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
    results = measure(pages, REPEAT)
    output = {
        "benchmark": "foundation-pages",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
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
