"""Representativeness of participants and reweighted results (issue: evaluation).

Given the shares of a reference population (census: age band, sex, neighbourhood…) and the
answers of participants who agreed to say who they are:

- per dimension, the **representativeness index** R = 1 − D, where D is the dissimilarity
  (total variation) index ½ Σ |participants' share − population's share| over the
  categories: 1 when participants look like the population, 0 when they share no category;
  the overall index is the lowest of the dimensions (the weakest link, stated as such);
- **who is missing**: categories whose share among participants is below `under` (0.8) times
  their share in the population, with that ratio;
- **raking** (iterative proportional fitting) of one weight per participant so that the
  weighted shares match every dimension's population shares at once; a participant who
  preferred not to say for a dimension keeps their weight in that dimension's step (the
  known answers are adjusted to the known part; a category nobody is in cannot be weighted:
  it is reported as missing and the others share the population); weights are then capped
  at `trim` times the mean weight (default 5), after which the population shares are met
  approximately — the largest gap is reported;
- the **effective sample size** (Kish: (Σw)² / Σw²) and **margins of error** of weighted
  shares at 95 %, always beside the raw figures;
- **suppression**: a category counted fewer than `threshold` times (default 10) is shown as
  None, never as a number.

scikit-learn style: `Raking(margins).fit(records)` then `weights_`, `report()`.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .i18n import _

Z_95 = 1.96
SCHEMA_VERSION = 1

Margins = Mapping[str, Mapping[str, float]]  # dimension → category → share
Record = Mapping[str, str | None]  # dimension → category (None: prefers not to say)


class PopulationError(ValueError):
    """Reference shares that cannot be used; the message says which dimension and why."""


def check_margins(margins: Margins) -> dict[str, dict[str, float]]:
    """Shares as fractions; percentages (summing to 100) are accepted. Refuses a dimension
    whose shares do not sum to 100 % (±0.5 point) or that has a negative share."""
    clean: dict[str, dict[str, float]] = {}
    for dimension, shares in margins.items():
        if not shares:
            raise PopulationError(_("%(dimension)s: no category given") % {"dimension": dimension})
        if any(value < 0 for value in shares.values()):
            raise PopulationError(
                _("%(dimension)s: a share cannot be negative") % {"dimension": dimension}
            )
        total = float(sum(shares.values()))
        if abs(total - 100) > 0.5 and abs(total - 1) > 0.005:
            raise PopulationError(
                _("%(dimension)s: the shares add up to %(total)s, not 100 %%")
                % {"dimension": dimension, "total": round(total, 3)}
            )
        clean[dimension] = {c: float(v) / total for c, v in shares.items()}
    return clean


_INSEE_AGE = re.compile(r"^P(\d{2})_POP(\d{2})(\d{2}|P)$")
_INSEE_SEX = re.compile(r"^P(\d{2})_POP([HF])$")


def read_insee(path: str | Path, code: str | None = None) -> dict[str, dict[str, float]]:
    """Age-band and sex shares from an INSEE census table in the layout of its published
    files ("base-cc-evol-struct-pop": `;`-separated, one row per `CODGEO`, columns such as
    `P21_POP0014`, `P21_POP75P`, `P21_POPH`, `P21_POPF`). `code` picks the commune (or
    EPCI…) row; without it the file must hold one row. The latest census year present is
    used. Raises PopulationError with the line when the table does not fit."""
    try:
        return _read_insee(path, code)
    except UnicodeDecodeError:
        raise PopulationError(_("%(file)s: not UTF-8 text") % {"file": Path(path).name}) from None
    except csv.Error as error:
        raise PopulationError(
            _("%(file)s: unreadable CSV (%(error)s)") % {"file": Path(path).name, "error": error}
        ) from None


def _read_insee(path: str | Path, code: str | None) -> dict[str, dict[str, float]]:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        columns = [c.strip() for c in reader.fieldnames or []]
        ages = [
            (m.group(1), m.group(2), m.group(3), c) for c in columns if (m := _INSEE_AGE.match(c))
        ]
        sexes = [(m.group(1), m.group(2), c) for c in columns if (m := _INSEE_SEX.match(c))]
        if "CODGEO" not in columns or not (ages or sexes):
            raise PopulationError(
                _(
                    "%(file)s: not an INSEE population table (expected CODGEO and columns "
                    "such as P21_POP0014 or P21_POPH)"
                )
                % {"file": Path(path).name}
            )
        rows = [(line, row) for line, row in enumerate(reader, start=2)]
    chosen = [(line, row) for line, row in rows if code is None or row.get("CODGEO") == code]
    if len(chosen) != 1:
        raise PopulationError(
            _("%(file)s: %(n)d rows for %(code)s; give the CODGEO of one territory")
            % {"file": Path(path).name, "n": len(chosen), "code": code or "?"}
        )
    line, row = chosen[0]
    year = max(y for y, *_rest in ages + sexes)

    def number(column: str) -> float:
        try:
            return float((row.get(column) or "").replace(",", ".").replace(" ", ""))
        except ValueError:
            raise PopulationError(
                _("line %(line)d: %(column)s is not a number") % {"line": line, "column": column}
            ) from None

    margins: dict[str, dict[str, float]] = {}
    bands = {
        (f"{int(low)}+" if high == "P" else f"{int(low)}-{int(high)}"): number(column)
        for y, low, high, column in ages
        if y == year
    }
    if bands:
        margins["age"] = bands
    sexes_now = {("F" if s == "F" else "H"): number(c) for y, s, c in sexes if y == year}
    if sexes_now:
        margins["sexe"] = sexes_now
    return {
        dimension: {k: v / sum(values.values()) for k, v in values.items()}
        for dimension, values in margins.items()
        if sum(values.values()) > 0
    }


def dissimilarity(counts: Mapping[str, float], shares: Mapping[str, float]) -> float:
    """½ Σ |p − q| between the participants' distribution (`counts`, answers only) and the
    population's `shares`; categories present on one side only count fully."""
    total = float(sum(counts.values()))
    if total <= 0:
        return 1.0
    categories = set(counts) | set(shares)
    return 0.5 * sum(abs(counts.get(c, 0) / total - shares.get(c, 0.0)) for c in categories)


def effective_sample_size(weights: Sequence[float] | np.ndarray) -> float:
    w = np.asarray(weights, dtype=float)
    squares = float((w * w).sum())
    return float(w.sum()) ** 2 / squares if squares > 0 else 0.0


def margin_of_error(share: float, n_effective: float, z: float = Z_95) -> float | None:
    """Half-width of the 95 % interval of a share estimated on `n_effective` people."""
    if n_effective <= 0:
        return None
    return z * math.sqrt(max(share * (1 - share), 0.0) / n_effective)


@dataclass
class CategoryRow:
    category: str
    count: int | None  # None when suppressed
    sample_share: float | None
    population_share: float
    ratio: float | None  # sample share / population share


class Raking:
    """Weights that make participants match the population on every dimension."""

    def __init__(
        self,
        margins: Margins,
        *,
        max_iterations: int = 200,
        tolerance: float = 1e-9,
        trim: float | None = 5.0,
        threshold: int = 10,
        under: float = 0.8,
    ) -> None:
        self.margins = check_margins(margins)
        self.max_iterations = max_iterations
        self.tolerance = tolerance
        self.trim = trim
        self.threshold = threshold
        self.under = under

    def _ipf(self, codes: dict[str, np.ndarray], weights: np.ndarray) -> tuple[np.ndarray, bool]:
        for _iteration in range(self.max_iterations):
            worst = 0.0
            for dimension, shares in self.margins.items():
                column = codes[dimension]
                known = column >= 0
                if not known.any():
                    continue
                categories = list(shares)
                totals = np.bincount(column[known], weights=weights[known], minlength=len(shares))
                present = totals > 0
                # a category nobody answered cannot be given weight: the others share the
                # population among themselves (the empty one is reported as missing)
                share = np.array([shares[c] for c in categories])
                share = np.where(present, share, 0.0)
                share = share / share.sum() if share.sum() > 0 else share
                targets = share * weights[known].sum()
                factors = np.divide(targets, totals, out=np.ones_like(targets), where=present)
                worst = max(worst, float(np.max(np.abs(factors[totals > 0] - 1), initial=0)))
                weights[known] = weights[known] * factors[column[known]]
            if worst < self.tolerance:
                return weights, True
        return weights, False

    def fit(self, records: Sequence[Record]) -> Raking:
        n = len(records)
        self.n_ = n
        self.codes_: dict[str, np.ndarray] = {}
        for dimension, shares in self.margins.items():
            index = {c: i for i, c in enumerate(shares)}
            self.codes_[dimension] = np.array(
                [index.get(str(r.get(dimension)), -1) if r.get(dimension) else -1 for r in records],
                dtype=np.int64,
            )
        weights = np.ones(n)
        weights, converged = self._ipf(self.codes_, weights)
        if self.trim and n:
            # cap at `trim` × the mean weight (the mean falls as weights are capped, so
            # repeat until it holds); the margins are then met approximately: see `gap_`
            for _round in range(100):
                cap = self.trim * weights.mean()
                if not (weights > cap * (1 + 1e-12)).any():
                    break
                weights = np.minimum(weights, cap)
        if n:
            weights = weights * n / weights.sum()  # mean weight 1: totals read as people
        self.weights_ = weights
        self.converged_ = converged
        self.n_effective_ = effective_sample_size(weights) if n else 0.0
        self.gap_ = self._gap(weights)
        return self

    def _gap(self, weights: np.ndarray) -> float:
        """The largest difference between a weighted share and its population share."""
        gap = 0.0
        for dimension, shares in self.margins.items():
            column = self.codes_[dimension]
            known = column >= 0
            if not known.any():
                continue
            totals = np.bincount(column[known], weights=weights[known], minlength=len(shares))
            present = totals > 0
            targets = np.where(present, np.array(list(shares.values())), 0.0)
            targets = targets / targets.sum()
            gap = max(gap, float(np.max(np.abs(totals / totals.sum() - targets))))
        return gap

    def dimension_rows(self, dimension: str, records: Sequence[Record]) -> list[CategoryRow]:
        shares = self.margins[dimension]
        counts: dict[str, int] = {}
        for record in records:
            value = record.get(dimension)
            if value:
                counts[str(value)] = counts.get(str(value), 0) + 1
        answered = sum(counts.get(c, 0) for c in shares)
        rows = []
        for category, share in shares.items():
            count = counts.get(category, 0)
            suppressed = 0 < count < self.threshold
            sample_share = count / answered if answered else 0.0
            rows.append(
                CategoryRow(
                    category=category,
                    count=None if suppressed else count,
                    sample_share=None if suppressed else round(sample_share, 4),
                    population_share=round(share, 4),
                    ratio=None if suppressed or not share else round(sample_share / share, 3),
                )
            )
        return rows

    def report(self, records: Sequence[Record]) -> dict[str, Any]:
        """Per dimension: index, rows (suppressed below the threshold), who is missing;
        overall index; weights' summary (effective sample size, largest weight)."""
        dimensions = {}
        for dimension, shares in self.margins.items():
            counts: dict[str, float] = {}
            for record in records:
                value = record.get(dimension)
                if value and value in shares:
                    counts[str(value)] = counts.get(str(value), 0) + 1
            answered = int(sum(counts.values()))
            index = 1 - dissimilarity(counts, shares) if answered else None
            rows = self.dimension_rows(dimension, records)
            missing = [
                {"category": row.category, "ratio": row.ratio}
                for row in rows
                if (row.ratio is not None and row.ratio < self.under)
                # too few to show, yet clearly too few: flagged without its figure
                or (
                    row.count is None
                    and answered
                    and (self.threshold - 1) / answered < self.under * row.population_share
                )
            ]
            dimensions[dimension] = {
                "answered": answered,
                "not_said": len(records) - answered,
                "index": None if index is None else round(index, 3),
                "categories": [row.__dict__ for row in rows],
                "under_represented": missing,
            }
        indices = [d["index"] for d in dimensions.values() if d["index"] is not None]
        return {
            "schema_version": SCHEMA_VERSION,
            "n": self.n_,
            "index": min(indices) if indices else None,
            "index_definition": "1 - 1/2 * sum(|participants share - population share|), "
            "lowest over dimensions",
            "dimensions": dimensions,
            "weights": {
                "converged": self.converged_,
                "n_effective": round(self.n_effective_, 1),
                "max": round(float(self.weights_.max()), 3) if self.n_ else None,
                "trim": self.trim,
                "largest_margin_gap": round(self.gap_, 4),
            },
        }

    def weighted_share(self, mask: Sequence[bool] | np.ndarray) -> dict[str, float | None]:
        """The raw and reweighted share of participants for whom `mask` is true (e.g. who
        answered "yes"), with their 95 % margins of error (raw on n, weighted on n_eff)."""
        selected = np.asarray(mask, dtype=bool)
        n = self.n_
        raw = float(selected.mean()) if n else 0.0
        weighted = float(self.weights_[selected].sum() / self.weights_.sum()) if n else 0.0
        return {
            "raw": round(raw, 4),
            "raw_margin": None if not n else round(margin_of_error(raw, n) or 0, 4),
            "weighted": round(weighted, 4),
            "weighted_margin": (
                None if not n else round(margin_of_error(weighted, self.n_effective_) or 0, 4)
            ),
        }
