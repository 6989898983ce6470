"""A realistic synthetic corpus built from the real Grand Débat answers (../shared/data).

Each synthetic answer is a real answer, sometimes joined with a clause of another answer,
sometimes with one word dropped, so that texts are new but the vocabulary, lengths and the
share of empty answers stay those of the real consultation. Deterministic for a given seed.
"""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
SHARED = Path(os.environ.get("PALABRE_SHARED_DATA", DEFAULT_SHARED))
SOURCE = SHARED / "granddebat" / "organisation_etat_demarches.csv"


def real_answers() -> list[str]:
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        return [row["answer"] for row in csv.DictReader(handle) if row.get("answer", "").strip()]


def synthetic_answers(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    answers = real_answers()
    out = []
    for _ in range(n):
        text = rng.choice(answers)
        roll = rng.random()
        if roll < 0.35:
            other = rng.choice(answers).split(".")[0]
            text = f"{text.rstrip('. ')}, {other[:1].lower()}{other[1:]}"
        elif roll < 0.6:
            words = text.split()
            if len(words) > 3:
                del words[rng.randrange(len(words))]
                text = " ".join(words)
        out.append(text)
    return out
