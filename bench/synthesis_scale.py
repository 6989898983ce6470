"""Synthesis speed and memory at scale: `make bench` runs it (results in bench/results/).

Each size runs in its own process (peak memory = that process's maximum resident size), on
synthetic answers built from the real Grand Débat answers (bench/synthetic.py). Sizes come
from BENCH_SIZES (default 10k, 100k, 1M; add 2000000 when you have ~20 minutes).
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def one(n: int) -> dict[str, object]:
    sys.path.insert(0, str(HERE))
    from synthetic import synthetic_answers

    from palabre_analysis.records import Contribution, Corpus
    from palabre_analysis.synthesis import Synthesizer

    texts = synthetic_answers(n)
    corpus = Corpus(
        [Contribution(id=str(i), text=t) for i, t in enumerate(texts)], [], [], "generic"
    )
    started = time.perf_counter()
    result = Synthesizer(random_state=0).fit(corpus).result_
    seconds = time.perf_counter() - started
    return {
        "n": n,
        "seconds": round(seconds, 1),
        "per_second": round(n / seconds),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "n_set_aside": result["n_set_aside"],
        "n_voices": result["n_voices"],
        "n_topics": sum(1 for t in result["topics"] if t["parent"] is None),
        "n_subtopics": sum(1 for t in result["topics"] if t["parent"]),
        "unclassified_share": result["unclassified"]["share"],
    }


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
        return 0
    from synthetic import SOURCE

    if not SOURCE.is_file():
        print(f"skipped: {SOURCE} is absent")
        return 0
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",")]
    rows = []
    for n in sizes:
        done = subprocess.run(  # noqa: S603 - this very script
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{n:>9} contributions: {row['seconds']:>7.1f} s, {row['per_second']:>7}/s, "
            f"peak {row['peak_mb']:>6} MB, {row['n_topics']} topics"
        )
    growth = [
        {
            "from": a["n"],
            "to": b["n"],
            "time_ratio": round(b["seconds"] / a["seconds"], 2),
            "size_ratio": b["n"] / a["n"],
        }
        for a, b in itertools.pairwise(rows)
    ]
    RESULTS.mkdir(exist_ok=True)
    output = {
        "benchmark": "synthesis-scale",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "input": "synthetic answers from the Grand Débat 'organisation de l'État' answers",
        "targets": "20k < 15 s; 1M < 5 min and < 6 GB; 2M < 12 min",
        "rows": rows,
        "growth": growth,
    }
    path = RESULTS / "synthesis-scale.json"
    path.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
