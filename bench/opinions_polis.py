"""Opinion maps on the shared Pol.is conversations, run by `make bench`.

For each conversation in ../shared/data/polis: size, time to read and to compute, and the
adjusted Rand index between our groups and Pol.is's own (`group-id` in
participants-votes.csv), written to bench/results/opinions-polis.json. Times are for this
machine (CPU count noted).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

from palabre_analysis.opinions import OpinionInputError, OpinionMap, read_votes

ROOT = Path(__file__).resolve().parent.parent
POLIS = ROOT.parent / "shared" / "data" / "polis"
RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    if not POLIS.is_dir():
        print(f"{POLIS} is absent: nothing to measure")
        return 0
    rows = {}
    for folder in sorted(p for p in POLIS.iterdir() if p.is_dir()):
        t0 = time.perf_counter()
        try:
            votes = read_votes(folder)
        except OpinionInputError as error:
            rows[folder.name] = {"error": str(error)}
            continue
        t1 = time.perf_counter()
        model = OpinionMap(random_state=0).fit(votes)
        t2 = time.perf_counter()
        rows[folder.name] = {
            "participants": len(votes.participants),
            "statements": len(votes.statements),
            "votes": votes.n_votes,
            "groups": len(model.groups_),
            "read_seconds": round(t1 - t0, 2),
            "fit_seconds": round(t2 - t1, 2),
            "agreement_with_polis": model.agreement(votes) if votes.reference_groups else None,
        }
        print(folder.name, rows[folder.name])
    aris = [
        r["agreement_with_polis"]["ari"]
        for r in rows.values()
        if r.get("agreement_with_polis") and r["agreement_with_polis"]["ari"] is not None
    ]
    output = {
        "benchmark": "opinions-polis",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "conversations": rows,
        "mean_ari": round(sum(aris) / len(aris), 3) if aris else None,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "opinions-polis.json").write_text(json.dumps(output, indent=2) + "\n")
    print("mean ARI", output["mean_ari"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
