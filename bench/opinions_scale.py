"""Opinion maps at scale, run by `make bench`; results in bench/results/opinions-scale.json.

Synthetic conversations with planted opinion groups (seeded): the size of "What Could BG Be"
(8,000 participants, ~1 million votes) and a large one (100,000 participants × 10,000
statements, 10 million votes). Times `OpinionMap.fit` and the peak memory of the process;
targets: under 2 s and under 30 s / 4 GB on 2 cores. Times are for this machine and exclude
importing scikit-learn (done once per worker).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine

from palabre_analysis.opinions import OpinionMap, Votes

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = os.environ.get("BENCH_OPINION_SIZES", "8000x1000x1000000,100000x10000x10000000")


def synthetic(n_participants: int, n_statements: int, n_votes: int, seed: int = 3) -> Votes:
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 3, n_participants)
    leaning = rng.choice([-1, 1], size=(3, n_statements))
    rows = rng.integers(0, n_participants, n_votes)
    cols = rng.integers(0, n_statements, n_votes)
    keys = np.unique(rows.astype(np.int64) * n_statements + cols)
    rows, cols = keys // n_statements, keys % n_statements
    agree = leaning[camp[rows], cols]
    noise = rng.random(rows.size)
    values = np.where(noise < 0.15, 0, np.where(noise < 0.3, -agree, agree)).astype(np.int8)
    return Votes(
        participants=[str(i) for i in range(n_participants)],
        statements=[str(i) for i in range(n_statements)],
        rows=rows,
        cols=cols,
        values=values,
    )


def main() -> int:
    # A worker recomputing maps has scikit-learn loaded: its import (~2.5 s) is not timed.
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics  # noqa: F401

    results = {}
    for size in SIZES.split(","):
        p, s, v = (int(x) for x in size.split("x"))
        votes = synthetic(p, s, v)
        t0 = time.perf_counter()
        model = OpinionMap(random_state=0).fit(votes)
        seconds = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results[size] = {
            "participants": p,
            "statements": s,
            "votes": votes.n_votes,
            "fit_seconds": round(seconds, 2),
            "groups": len(model.groups_),
            "peak_rss_mb_so_far": round(peak_mb),
        }
        print(size, results[size], flush=True)
    output = {
        "benchmark": "opinions-scale",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "results": results,
        "targets": "8,000 × ~1M votes < 2 s; 100,000 × 10,000 × 10M votes < 30 s and 4 GB",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "opinions-scale.json").write_text(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
