"""Participatory-budget counting at scale, run by `make bench`; results in bench/results/.

Synthetic approval election (seeded): BENCH_BALLOTS ballots (default 100,000) over
BENCH_PROJECTS projects (default 200), each ballot approving 1–10 projects with a skewed
popularity, costs between 10,000 and 500,000, budget = 20 % of the total cost. Times the
greedy rule and the Method of Equal Shares with its completion; target: MES under 10 s on
2 cores. Times are for this machine (CPU count noted): compare runs as ratios.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

from palabre_analysis.budget import Election, Project, equal_shares, greedy

RESULTS = Path(__file__).resolve().parent / "results"
BALLOTS = int(os.environ.get("BENCH_BALLOTS", "100000"))
PROJECTS = int(os.environ.get("BENCH_PROJECTS", "200"))


def synthetic(n_ballots: int, n_projects: int, seed: int = 2026) -> Election:
    rng = random.Random(seed)
    ids = [str(i + 1) for i in range(n_projects)]
    projects = {
        pid: Project(pid, Fraction(rng.randrange(10, 501) * 1000), f"Projet {pid}") for pid in ids
    }
    weights = [1 / (rank + 1) ** 0.8 for rank in range(n_projects)]
    ballots = []
    for _ in range(n_ballots):
        picked = set(rng.choices(ids, weights, k=rng.randint(1, 10)))
        ballots.append(dict.fromkeys(sorted(picked), 1))
    total = sum(p.cost for p in projects.values())
    return Election(budget=total / 5, projects=projects, ballots=ballots, vote_type="approval")


def main() -> int:
    started = time.perf_counter()
    election = synthetic(BALLOTS, PROJECTS)
    build = time.perf_counter() - started
    t0 = time.perf_counter()
    by_greedy = greedy(election)
    greedy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_mes = equal_shares(election)
    mes_s = time.perf_counter() - t0
    output = {
        "benchmark": "budget-scale",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "ballots": BALLOTS,
        "projects": PROJECTS,
        "build_seconds": round(build, 2),
        "greedy": {"seconds": round(greedy_s, 2), "selected": len(by_greedy.selected)},
        "mes": {
            "seconds": round(mes_s, 2),
            "selected": len(by_mes.selected),
            "share_increases": by_mes.rounds,
            "exact_rounds": by_mes.exact_rounds,
        },
        "target": "MES (with completion) under 10 s on 2 cores",
    }
    print(json.dumps(output, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "budget-scale.json").write_text(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
