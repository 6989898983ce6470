"""Pairwise wiki surveys (All Our Ideas style): "which of these two?" votes become a ranking.

Input: comparisons (winner, loser), optionally with a segment (neighbourhood, participant
type…); "I can't decide" answers are counted apart and do not move the scores.

Method:

1. Bradley–Terry strengths by Hunter's minorisation–maximisation algorithm, with a weak
   prior — every idea is given two virtual wins and two virtual losses against an average
   idea — so that an idea that always wins (or never does) keeps a finite strength and few
   votes mean a score near the middle;
2. the score of an idea is the chance that it wins against another idea drawn at random,
   mean over the others of s_i / (s_i + s_j), in 0–100;
3. uncertainty: a 90 % interval from a bootstrap over the comparisons (deterministic for a
   given `random_state`);
4. per segment, the same, for the segments where every idea was compared at least
   `min_per_item` times; other segments are listed as too small.

Pairs to show are drawn so that exposure stays balanced: the least-shown idea first, against
one of the least-shown others, never twice the same pair in a row for a participant.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .i18n import _
from .provenance import libraries
from .readers.csvrows import file_records

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Comparison:
    winner: str
    loser: str
    segment: str = ""


class PairwiseInputError(ValueError):
    """Comparisons that cannot be read; the message says which line."""


def read_comparisons(path: str | Path) -> tuple[list[Comparison], int]:
    """A CSV with `winner,loser` columns and optional `segment` and `undecided` (1 when the
    participant could not decide: the row is counted, not scored). Returns (comparisons,
    number of undecided answers). A file that cannot be read whole (bytes that are not
    UTF-8, an unclosed quote, a short row…) raises PairwiseInputError with its line."""
    path = Path(path)

    def fail(line: int, problem: str) -> PairwiseInputError:
        return PairwiseInputError(
            _("line %(line)d: %(problem)s") % {"line": line, "problem": problem}
        )

    comparisons: list[Comparison] = []
    undecided = 0
    rows = file_records(path, fail)
    header = next(rows, (0, None))[1]
    columns = {name: i for i, name in enumerate(header or [])}
    if not {"winner", "loser"} <= set(columns):
        raise PairwiseInputError(
            _("%(file)s: the first line must name the winner and loser columns")
            % {"file": path.name}
        )

    def cell(cells: list[str], name: str) -> str:
        return cells[columns[name]].strip() if name in columns else ""

    for line, cells in rows:
        if cell(cells, "undecided") in {"1", "true", "oui", "yes"}:
            undecided += 1
            continue
        winner, loser = cell(cells, "winner"), cell(cells, "loser")
        if not winner or not loser or winner == loser:
            raise PairwiseInputError(
                _("line %(line)d: a comparison needs two different items") % {"line": line}
            )
        comparisons.append(Comparison(winner, loser, cell(cells, "segment")))
    return comparisons, undecided


def write_ranking_csv(report: dict[str, Any]) -> str:
    """The overall ranking as CSV: id, score, low, high, comparisons, wins."""
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "score", "low", "high", "comparisons", "wins"])
    for row in report["ranking"]:
        writer.writerow([row[k] for k in ("id", "score", "low", "high", "comparisons", "wins")])
    return out.getvalue()


def bradley_terry(
    items: Sequence[str],
    winners: np.ndarray,
    losers: np.ndarray,
    *,
    prior: float = 1.0,
    iterations: int = 500,
    tolerance: float = 1e-9,
) -> np.ndarray:
    """Strengths (mean 1 in log space) for item indices; `winners[k]` beat `losers[k]`.

    Hunter (2004)'s MM update, with `prior` virtual wins and losses of each item against a
    pseudo-item of strength 1."""
    n = len(items)
    strength = np.ones(n)
    wins = np.bincount(winners, minlength=n).astype(float) + prior
    for _iteration in range(iterations):
        pair_sum = strength[winners] + strength[losers]
        inverse = 1.0 / pair_sum
        # every comparison counts once for each of its two items
        denominator = (
            np.bincount(winners, weights=inverse, minlength=n)
            + np.bincount(losers, weights=inverse, minlength=n)
            + 2 * prior / (strength + 1.0)  # the virtual games
        )
        updated = wins / denominator
        updated /= np.exp(np.mean(np.log(updated)))
        if np.max(np.abs(updated - strength) / strength) < tolerance:
            strength = updated
            break
        strength = updated
    return strength


def win_chance(strength: np.ndarray) -> np.ndarray:
    """For each item, the mean chance of winning against each other item (0–1)."""
    n = len(strength)
    if n < 2:
        return np.full(n, 0.5)
    matrix = strength[:, None] / (strength[:, None] + strength[None, :])
    np.fill_diagonal(matrix, 0.0)
    return matrix.sum(axis=1) / (n - 1)


class PairwiseRanking:
    """scikit-learn-style: `fit(comparisons, items)` then `report()`."""

    def __init__(
        self,
        *,
        prior: float = 2.0,
        n_bootstrap: int = 200,
        min_per_item: int = 5,
        random_state: int = 0,
    ) -> None:
        self.prior = prior
        self.n_bootstrap = n_bootstrap
        self.min_per_item = min_per_item
        self.random_state = random_state

    def _scores(self, items: list[str], comparisons: list[Comparison]) -> dict[str, Any]:
        index = {item: i for i, item in enumerate(items)}
        pairs = [(index[c.winner], index[c.loser]) for c in comparisons]
        winners = np.array([w for w, _l in pairs], dtype=np.int64)
        losers = np.array([loser for _w, loser in pairs], dtype=np.int64)
        score = win_chance(bradley_terry(items, winners, losers, prior=self.prior))
        low = high = score
        if self.n_bootstrap and len(pairs):
            rng = np.random.default_rng(self.random_state)
            samples = np.empty((self.n_bootstrap, len(items)))
            for b in range(self.n_bootstrap):
                pick = rng.integers(0, len(pairs), len(pairs))
                samples[b] = win_chance(
                    bradley_terry(
                        items, winners[pick], losers[pick], prior=self.prior, iterations=200
                    )
                )
            low, high = np.percentile(samples, [5, 95], axis=0)
        shown = Counter(w for w, _l in pairs) + Counter(loser for _w, loser in pairs)
        won = Counter(w for w, _l in pairs)
        rows: list[dict[str, Any]] = [
            {
                "id": item,
                "score": round(100 * float(score[i]), 1),
                "low": round(100 * float(low[i]), 1),
                "high": round(100 * float(high[i]), 1),
                "comparisons": shown[i],
                "wins": won[i],
            }
            for i, item in enumerate(items)
        ]
        rows.sort(key=lambda row: (-row["score"], row["id"]))
        return {"n_comparisons": len(pairs), "ranking": rows}

    def fit(
        self,
        comparisons: Iterable[Comparison],
        items: Sequence[str] | None = None,
        *,
        undecided: int = 0,
    ) -> PairwiseRanking:
        comparisons = [c for c in comparisons if c.winner != c.loser]
        known = set(items) if items is not None else set()
        found = {c.winner for c in comparisons} | {c.loser for c in comparisons}
        self.items_ = sorted(known | found)
        self.undecided_ = undecided
        self.overall_ = self._scores(self.items_, comparisons)
        self.segments_: dict[str, Any] = {}
        for segment in sorted({c.segment for c in comparisons if c.segment}):
            subset = [c for c in comparisons if c.segment == segment]
            shown = Counter(c.winner for c in subset) + Counter(c.loser for c in subset)
            if all(shown[item] >= self.min_per_item for item in self.items_):
                self.segments_[segment] = self._scores(self.items_, subset)
            else:
                self.segments_[segment] = {
                    "n_comparisons": len(subset),
                    "ranking": None,
                    "too_small": True,
                }
        return self

    def report(self) -> dict[str, Any]:
        """The JSON contract of `palabre pairwise`."""
        return {
            "schema_version": SCHEMA_VERSION,
            "engine_version": __version__,
            "libraries": libraries(),
            "method": "bradley-terry",
            "n_items": len(self.items_),
            "n_comparisons": self.overall_["n_comparisons"],
            "n_undecided": self.undecided_,
            "ranking": self.overall_["ranking"],
            "segments": self.segments_,
        }


def next_pair(
    items: Sequence[str],
    exposure: dict[str, int],
    rng: random.Random,
    avoid: tuple[str, str] | None = None,
) -> tuple[str, str] | None:
    """Two items to show: the least-shown one, against a random one among the least-shown
    others (ties broken at random), not the pair just answered."""
    if len(items) < 2:
        return None
    order = sorted(items, key=lambda item: (exposure.get(item, 0), rng.random()))
    first = order[0]
    others = order[1:]
    pool = others[: max(2, len(others) // 4)]
    rng.shuffle(pool)
    for second in pool:
        if avoid is None or {first, second} != set(avoid):
            return (first, second) if rng.random() < 0.5 else (second, first)
    return (first, others[0])
