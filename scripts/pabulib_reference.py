#!/usr/bin/env python
"""Compute the reference outcomes of the shared Pabulib instances with pabutools, once.

    pip install pabutools==1.2.3        # not a project dependency: only this script uses it
    python scripts/pabulib_reference.py ../shared/data/pabulib \
        tests/analysis/data/pabulib_expected.json

Semantics (issue: participatory budgeting): satisfaction = cost for approval and choose-1
ballots, points × cost for cumulative and ordinal ballots (ordinal: the first of k ranked
projects gets k points, the last 1); greedy = `greedy_utilitarian_welfare`; MES =
`exhaustion_by_budget_increase(method_of_equal_shares, exhaustive_stop=False,
budget_step=<number of ballots>)`. pabutools breaks ties lexicographically on project ids.
MES takes up to about 50 minutes on the largest files: results are written file by file, and
files already in the output are skipped, so the script can be stopped and resumed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def satisfaction(profile_kind: str, max_length: int):
    from pabutools.election import AdditiveSatisfaction, Cost_Sat

    if profile_kind in {"approval", "choose-1"}:
        return Cost_Sat
    if profile_kind == "cumulative":

        def points_times_cost(instance, profile, ballot, project, precomputed):
            return ballot[project] * project.cost if project in ballot else 0

        class PointsCost(AdditiveSatisfaction):
            def __init__(self, instance, profile, ballot):
                super().__init__(instance, profile, ballot, points_times_cost)

        return PointsCost

    def rank_points_times_cost(instance, profile, ballot, project, precomputed):
        if project not in ballot:
            return 0
        return (max_length - ballot.index(project)) * project.cost

    class RankCost(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, rank_points_times_cost)

    return RankCost


def reference(path: Path) -> dict[str, object]:
    from pabutools.election import parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    instance, profile = parse_pabulib(str(path))
    kind = instance.meta.get("vote_type", "approval")
    max_length = int(instance.meta.get("max_length", 0) or 0)
    if kind == "ordinal" and not max_length:
        max_length = max(len(b) for b in profile)
    sat = satisfaction(kind, max_length)
    started = time.perf_counter()
    greedy = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    greedy_seconds = time.perf_counter() - started
    started = time.perf_counter()
    mes = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        {"sat_class": sat},
        exhaustive_stop=False,
        budget_step=profile.num_ballots(),
    )
    mes_seconds = time.perf_counter() - started
    cost = {p.name: p.cost for p in instance}
    return {
        "vote_type": kind,
        "budget": str(instance.budget_limit),
        "ballots": profile.num_ballots(),
        "greedy": sorted(p.name for p in greedy),
        "greedy_total_cost": str(sum(cost[p.name] for p in greedy)),
        "mes": sorted(p.name for p in mes),
        "mes_total_cost": str(sum(cost[p.name] for p in mes)),
        "seconds": {"greedy": round(greedy_seconds, 1), "mes": round(mes_seconds, 1)},
        "pabutools": __import__("pabutools").__version__
        if hasattr(__import__("pabutools"), "__version__")
        else "1.2.3",
    }


def main() -> int:
    folder, output = Path(sys.argv[1]), Path(sys.argv[2])
    results = json.loads(output.read_text()) if output.exists() else {}
    files = sorted(folder.glob("*.pb"), key=lambda p: p.stat().st_size)
    for path in files:
        if path.name in results:
            continue
        print(f"{path.name}…", flush=True)
        results[path.name] = reference(path)
        output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"  {results[path.name]['seconds']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
