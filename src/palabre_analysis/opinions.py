"""Opinion maps (Pol.is-style): who agrees with whom, on which statements.

Input: votes of participants on short statements (1 agree, −1 disagree, 0 pass), from a
Pol.is open-data export folder (`votes.csv`, or the wide `participants-votes.csv`) or a CSV
of `participant,statement,vote[,timestamp]`. The latest vote of a participant on a
statement counts; earlier ones are history.

Method (close to Pol.is's, so that groups can be compared with its own):

1. vote matrix, participants × statements, sparse; a missing vote is imputed with the
   statement's mean, i.e. 0 after centring — so the centred matrix stays sparse;
2. participants with fewer than `min_votes` votes are left out of the clustering (they are
   counted and projected, with `group = None`);
3. a 2-D projection by truncated SVD of the centred matrix (PCA), each participant scaled by
   sqrt(statements / their votes) so that those who voted little are not pulled to the centre;
4. k-means on the projection, k chosen by silhouette between 2 and 5, deterministic for a
   given `random_state`;
5. per group and statement, how much more the group agrees (or disagrees) than the rest —
   Pol.is's "representativeness" with +1/+2 smoothing — with a one-sided two-proportion
   z-test; consensus statements (agreed by a majority of every group) and divisive ones
   (largest spread of agreement between groups).

Everything is sparse: 100,000 participants × 10,000 statements fit in memory.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .i18n import _
from .provenance import libraries
from .readers.csvrows import file_records

SCHEMA_VERSION = 1
Z_90 = 1.2816  # one-sided 90 %


class OpinionInputError(ValueError):
    """Votes that cannot be read; the message says what and where."""


@dataclass
class Votes:
    participants: list[str]
    statements: list[str]
    rows: np.ndarray  # participant index per vote
    cols: np.ndarray  # statement index per vote
    values: np.ndarray  # 1, -1 or 0
    texts: dict[str, str] = field(default_factory=dict)
    reference_groups: dict[str, str] = field(default_factory=dict)  # Pol.is's own group-id

    @property
    def n_votes(self) -> int:
        return int(self.values.size)

    @classmethod
    def from_triples(
        cls, triples: list[tuple[str, str, int]], texts: dict[str, str] | None = None
    ) -> Votes:
        """Votes from (participant, statement, vote) triples, one per participant and
        statement (the latest one, already chosen by the caller)."""
        for participant, statement, vote in triples:
            _vote(str(vote), f"{participant}/{statement}")
        return _build(triples, texts=texts or {})


def _latest(records: list[tuple[float, str, str, int]]) -> list[tuple[str, str, int]]:
    latest: dict[tuple[str, str], tuple[float, int]] = {}
    for when, participant, statement, vote in records:
        key = (participant, statement)
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, vote)
    return [(p, s, v) for (p, s), (_w, v) in latest.items()]


def _vote(value: str, where: str) -> int:
    try:
        vote = int(float(value))
    except (ValueError, OverflowError):  # "oui", "nan", "1e999"
        raise OpinionInputError(
            _("%(where)s: the vote %(value)r is not a number")
            % {
                "where": where,
                "value": value,
            }
        ) from None
    if vote not in (-1, 0, 1):
        raise OpinionInputError(
            _("%(where)s: a vote is 1 (agree), -1 (disagree) or 0 (pass), not %(value)s")
            % {"where": where, "value": value}
        )
    return vote


def _build(triples: list[tuple[str, str, int]], **extra: Any) -> Votes:
    participants = sorted({p for p, _s, _v in triples}, key=_natural)
    statements = sorted({s for _p, s, _v in triples}, key=_natural)
    p_index = {p: i for i, p in enumerate(participants)}
    s_index = {s: i for i, s in enumerate(statements)}
    return Votes(
        participants=participants,
        statements=statements,
        rows=np.array([p_index[p] for p, _s, _v in triples], dtype=np.int64),
        cols=np.array([s_index[s] for _p, s, _v in triples], dtype=np.int64),
        values=np.array([v for _p, _s, v in triples], dtype=np.int8),
        **extra,
    )


def _natural(value: str) -> tuple[int, Any]:
    # numeric ids in numeric order (ASCII digits of sane length: int() refuses "²" or
    # 5,000 digits)
    if value.isascii() and value.isdigit() and len(value) <= 100:
        return (0, int(value))
    return (1, value)


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's records, header first; any problem is an OpinionInputError with its line."""

    def fail(line: int, problem: str) -> OpinionInputError:
        return OpinionInputError(
            _("%(where)s: %(problem)s") % {"where": f"{path.name}:{line}", "problem": problem}
        )

    return file_records(path, fail)


def _timestamp(value: str, where: str) -> float:
    try:
        when = float(value)
    except ValueError:
        when = math.nan
    if not math.isfinite(when):
        raise OpinionInputError(
            _("%(where)s: the timestamp %(value)r is not a number")
            % {"where": where, "value": value}
        )
    return when


def _columns(path: Path, header: list[str] | None, needed: Sequence[str]) -> dict[str, int]:
    """Column name → index (the last one of a repeated name, as csv.DictReader does)."""
    columns = {name.strip().lower(): i for i, name in enumerate(header or [])}
    if header is None or not set(needed) <= set(columns):
        raise OpinionInputError(
            _("%(file)s: the columns %(columns)s are needed")
            % {"file": path.name, "columns": ", ".join(needed)}
        )
    return columns


def _is_capco_2019(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            first = handle.readline(65536).decode("utf-8", "replace").lower()
    except OSError:
        return False
    return "contributions_votes_value" in first and "type" in first


def read_votes(path: str | Path) -> Votes:
    """Votes from a Pol.is export folder, a 2019 Cap Collectif consultation export, or a
    `participant,statement,vote` CSV. A file that cannot be read whole (bytes that are not
    UTF-8, an unclosed quote, a short row, a vote or timestamp that is not a number) raises
    OpinionInputError with its line."""
    path = Path(path)
    if path.is_dir():
        return _read_polis(path)
    if _is_capco_2019(path):  # a Cap Collectif 2019 consultation export (";"-separated)
        from .readers.capco2019 import read_votes_2019
        from .records import ReadError as ReadErrorType

        try:
            return read_votes_2019(path)
        except ReadErrorType as error:
            raise OpinionInputError(str(error)) from error
    rows = _rows(path)
    header = next(rows, (0, None))[1]
    columns = {name.strip().lower(): i for i, name in enumerate(header or [])}
    if not {"participant", "statement", "vote"} <= set(columns):
        raise OpinionInputError(
            _("%(file)s: the columns participant, statement and vote are needed")
            % {"file": path.name}
        )
    records = []
    for line, cells in rows:
        where = f"{path.name}:{line}"
        when_text = cells[columns["timestamp"]].strip() if "timestamp" in columns else ""
        participant = cells[columns["participant"]].strip()
        statement = cells[columns["statement"]].strip()
        if not participant or not statement:
            raise OpinionInputError(
                _("%(where)s: a vote needs a participant and a statement") % {"where": where}
            )
        records.append(
            (
                _timestamp(when_text, where) if when_text else float(line),
                participant,
                statement,
                _vote(cells[columns["vote"]], where),
            )
        )
    if not records:
        raise OpinionInputError(_("%(file)s holds no vote") % {"file": path.name})
    return _build(_latest(records))


def _read_polis(folder: Path) -> Votes:
    texts: dict[str, str] = {}
    comments = folder / "comments.csv"
    if comments.exists():
        rows = _rows(comments)
        columns = _columns(comments, next(rows, (0, None))[1], ("comment-id", "comment-body"))
        for _line, cells in rows:
            moderated = cells[columns["moderated"]] if "moderated" in columns else "0"
            if moderated.strip() != "-1":
                texts[cells[columns["comment-id"]]] = cells[columns["comment-body"]]
    groups: dict[str, str] = {}
    wide = folder / "participants-votes.csv"
    triples: list[tuple[str, str, int]] = []
    if wide.exists():
        rows = _rows(wide)
        header = next(rows, (0, None))[1] or []
        statement_columns = [(i, c) for i, c in enumerate(header) if c.strip().isdigit()]
        for line, cells in rows:
            participant = cells[0]
            if len(cells) > 1 and cells[1].strip():
                groups[participant] = cells[1].strip()
            for i, statement in statement_columns:
                if i < len(cells) and cells[i].strip():
                    triples.append((participant, statement, _vote(cells[i], f"{wide.name}:{line}")))
    votes_file = folder / "votes.csv"
    if votes_file.exists() and not triples:
        rows = _rows(votes_file)
        needed = ("timestamp", "voter-id", "comment-id", "vote")
        columns = _columns(votes_file, next(rows, (0, None))[1], needed)
        records = []
        for line, cells in rows:
            where = f"{votes_file.name}:{line}"
            records.append(
                (
                    _timestamp(cells[columns["timestamp"]], where),
                    cells[columns["voter-id"]],
                    cells[columns["comment-id"]],
                    _vote(cells[columns["vote"]], where),
                )
            )
        triples = _latest(records)
    if not triples:
        raise OpinionInputError(
            _("%(folder)s: no votes.csv nor participants-votes.csv with votes in this export")
            % {"folder": folder.name}
        )
    return _build(triples, texts=texts, reference_groups=groups)


class OpinionMap:
    """scikit-learn style: `OpinionMap(min_votes=7, random_state=0).fit(votes)`, then read
    `coords_`, `labels_` (−1: not clustered), `groups_`, `consensus_`, `divisive_`."""

    def __init__(self, *, min_votes: int = 7, max_groups: int = 5, random_state: int = 0) -> None:
        self.min_votes = min_votes
        self.max_groups = max_groups
        self.random_state = random_state

    def fit(self, votes: Votes) -> OpinionMap:
        from scipy import sparse

        n_p, n_s = len(votes.participants), len(votes.statements)
        values = votes.values.astype(np.float64)
        voted = sparse.csr_matrix(
            (np.ones_like(values), (votes.rows, votes.cols)), shape=(n_p, n_s)
        )
        per_statement = np.asarray(voted.sum(axis=0)).ravel()
        sums = np.bincount(votes.cols, weights=values, minlength=n_s)
        means = np.divide(sums, per_statement, out=np.zeros(n_s), where=per_statement > 0)
        centred = sparse.csr_matrix(
            (values - means[votes.cols], (votes.rows, votes.cols)), shape=(n_p, n_s)
        )
        self.n_votes_ = np.asarray(voted.sum(axis=1)).ravel().astype(int)
        active = self.n_votes_ >= self.min_votes
        self.coords_ = np.zeros((n_p, 2))
        self.labels_ = np.full(n_p, -1)
        self.groups_: list[dict[str, Any]] = []
        if active.sum() >= 4 and n_s >= 2:
            self._cluster(centred, active, n_s)
        self._describe(votes)
        return self

    def _cluster(self, centred: Any, active: np.ndarray, n_statements: int) -> None:
        from sklearn.cluster import KMeans
        from sklearn.decomposition import TruncatedSVD
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.metrics import silhouette_score

        svd = TruncatedSVD(n_components=2, random_state=self.random_state)
        svd.fit(centred[active])
        scale = np.sqrt(n_statements / np.maximum(self.n_votes_, 1))
        self.coords_ = svd.transform(centred) * scale[:, None]
        points = self.coords_[active]
        best: tuple[float, Any] | None = None
        rng = np.random.default_rng(self.random_state)
        sample = rng.choice(len(points), 2000, replace=False) if len(points) > 2000 else slice(None)
        for k in range(2, min(self.max_groups, len(points) - 1) + 1):
            with warnings.catch_warnings():
                # fewer distinct points than k (identical voters): k-means says so and
                # returns fewer clusters, which the silhouette then judges
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = KMeans(n_clusters=k, n_init=10, random_state=self.random_state)
                labels = model.fit(points).labels_
            if len(set(labels[sample])) < 2:
                continue
            score = float(silhouette_score(points[sample], labels[sample]))
            if best is None or score > best[0] + 1e-9:
                best = (score, labels)
        if best is None:
            return
        self.silhouette_ = best[0]
        # groups numbered by decreasing size, for stable reports
        labels = best[1]
        order = np.argsort(-np.bincount(labels), kind="stable")
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        self.labels_[active] = renumber[labels]

    def _describe(self, votes: Votes) -> None:
        n_s = len(votes.statements)
        groups = sorted(set(self.labels_[self.labels_ >= 0].tolist()))
        group_of_vote = self.labels_[votes.rows]
        agree = votes.values == 1
        disagree = votes.values == -1
        stats = {}
        for g in [*groups, "all"]:
            mask = group_of_vote == g if g != "all" else group_of_vote >= 0
            stats[g] = (
                np.bincount(votes.cols[mask], minlength=n_s),
                np.bincount(votes.cols[mask & agree], minlength=n_s),
                np.bincount(votes.cols[mask & disagree], minlength=n_s),
            )
        self.groups_ = []
        p_agree: dict[int, np.ndarray] = {}
        for g in groups:
            n_in, a_in, d_in = stats[g]
            n_all, a_all, d_all = stats["all"]
            n_out, a_out, d_out = n_all - n_in, a_all - a_in, d_all - d_in
            pa_in = (a_in + 1) / (n_in + 2)
            pd_in = (d_in + 1) / (n_in + 2)
            pa_out = (a_out + 1) / (n_out + 2)
            pd_out = (d_out + 1) / (n_out + 2)
            p_agree[g] = pa_in
            reps = []
            for kind, p_in, p_out, count_in in (
                ("agree", pa_in, pa_out, a_in),
                ("disagree", pd_in, pd_out, d_in),
            ):
                ratio = p_in / p_out
                z = _two_proportion_z(p_in, n_in, p_out, n_out)
                for s in np.flatnonzero((z > Z_90) & (ratio > 1) & (count_in > 0)):
                    reps.append((float(ratio[s] * p_in[s]), int(s), kind, float(ratio[s])))
            reps.sort(reverse=True)
            members = [votes.participants[i] for i in np.flatnonzero(self.labels_ == g)]
            self.groups_.append(
                {
                    "id": int(g),
                    "size": len(members),
                    "participants": members,
                    "representative_statements": [
                        {
                            "id": votes.statements[s],
                            "direction": kind,
                            "agree": round(float(pa_in[s]), 3),
                            "disagree": round(float(pd_in[s]), 3),
                            "repness": round(ratio, 3),
                        }
                        for _score, s, kind, ratio in reps[:5]
                    ],
                }
            )
        self.consensus_: list[dict[str, Any]] = []
        self.divisive_: list[dict[str, Any]] = []
        if len(groups) >= 2:
            matrix = np.vstack([p_agree[g] for g in groups])
            voted_enough = np.vstack([stats[g][0] for g in groups]).min(axis=0) >= 3
            floor = matrix.min(axis=0)
            spread = matrix.max(axis=0) - floor
            for s in np.argsort(-floor, kind="stable"):
                if voted_enough[s] and floor[s] > 0.6:
                    self.consensus_.append(self._statement_row(votes, s, groups, matrix))
            for s in np.argsort(-spread, kind="stable")[:10]:
                if voted_enough[s] and spread[s] > 0.3:
                    self.divisive_.append(self._statement_row(votes, s, groups, matrix))

    @staticmethod
    def _statement_row(
        votes: Votes, s: int, groups: list[int], matrix: np.ndarray
    ) -> dict[str, Any]:
        return {
            "id": votes.statements[s],
            "agreement": {str(g): round(float(matrix[i, s]), 3) for i, g in enumerate(groups)},
        }

    def report(self, votes: Votes) -> dict[str, Any]:
        """The JSON contract of `palabre opinions`."""
        result: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "engine_version": __version__,
            "libraries": libraries(),
            "n_participants": len(votes.participants),
            "n_statements": len(votes.statements),
            "n_votes": votes.n_votes,
            "n_clustered": int((self.labels_ >= 0).sum()),
            "min_votes": self.min_votes,
            "groups": self.groups_,
            "participants": [
                {
                    "id": pid,
                    "group": int(self.labels_[i]) if self.labels_[i] >= 0 else None,
                    "x": round(float(self.coords_[i, 0]), 4),
                    "y": round(float(self.coords_[i, 1]), 4),
                }
                for i, pid in enumerate(votes.participants)
            ],
            "consensus": self.consensus_,
            "divisive": self.divisive_,
        }
        if votes.reference_groups:
            result["agreement_with_reference"] = self.agreement(votes)
        return result

    def agreement(self, votes: Votes) -> dict[str, Any]:
        """Adjusted Rand index between these groups and the export's own (`group-id`), on the
        participants both put in a group."""
        from sklearn.metrics import adjusted_rand_score

        ours, theirs = [], []
        for i, pid in enumerate(votes.participants):
            reference = votes.reference_groups.get(pid)
            if reference is not None and self.labels_[i] >= 0:
                ours.append(int(self.labels_[i]))
                theirs.append(reference)
        if len(ours) < 2:
            return {"n_compared": len(ours), "ari": None}
        return {
            "n_compared": len(ours),
            "ari": round(float(adjusted_rand_score(theirs, ours)), 3),
            "reference_groups": len(set(theirs)),
            "groups": len(set(ours)),
        }


def _two_proportion_z(p1: np.ndarray, n1: np.ndarray, p2: np.ndarray, n2: np.ndarray) -> np.ndarray:
    pooled = (p1 * n1 + p2 * n2) / np.maximum(n1 + n2, 1)
    se = np.sqrt(pooled * (1 - pooled) * (1 / np.maximum(n1, 1) + 1 / np.maximum(n2, 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    return z
