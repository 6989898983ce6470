"""Participatory budgeting: read and write Pabulib `.pb` files, count ballots.

Rules (names as in a `.pb` file's META `rule`):

- ``greedy``: projects by decreasing score (number of approvals, or points), each bought if it
  still fits in the budget, otherwise skipped;
- ``greedy-no-skip``: the same, but counting stops at the first project that does not fit;
- ``greedy-threshold``: the same as ``greedy`` for projects whose score reaches a minimum;
- ``mes`` (``equalshares``): the Method of Equal Shares — each voter holds an equal share of
  the budget; a project is bought by its supporters' shares, the one whose supporters need to
  pay the least per unit of satisfaction first; completed by raising every voter's share by 1
  (currency unit) as long as the outcome still fits in the real budget (the standard
  completion used by Pabulib and pabutools).

Satisfaction of a voter with a project: its cost for approval and choose-1 ballots, points ×
cost for cumulative ballots and for ordinal ballots (the first of k ranked projects gets k
points, the last 1). All arithmetic on money is exact (integers and fractions).

Ties are broken by the project identifier compared as text ("10" comes before "9"), which is
what pabutools does, so that outcomes can be checked against the reference library.

Speed: voters with identical ballots are counted once with their multiplicity, and within a
project the supporters are grouped by their remaining budget (few distinct values), so a MES
round costs little more than the purchases it makes.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from gmpy2 import mpq

from .i18n import _
from .records import ReadIssue

RULES = ("greedy", "greedy-no-skip", "greedy-threshold", "mes")
VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal")


class PabulibError(ValueError):
    """A malformed `.pb` file; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(_("line %(line)d: %(message)s") % {"line": line, "message": message})
        self.line = line
        self.message = message


@dataclass
class Project:
    id: str
    cost: Fraction
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Election:
    budget: Fraction
    projects: dict[str, Project]
    ballots: list[dict[str, int]]  # project id → points (1 for approval and choose-1)
    vote_type: str = "approval"
    meta: dict[str, str] = field(default_factory=dict)
    voter_ids: list[str] = field(default_factory=list)
    # what the reading set right by a documented rule, with its line (see read_pb)
    issues: list[ReadIssue] = field(default_factory=list)

    def weights(self) -> list[dict[str, int]]:
        """Satisfaction weights per ballot: satisfaction = weight × cost."""
        if self.vote_type != "ordinal":
            return self.ballots
        length = int(self.meta.get("max_length") or 0) or max(
            (len(b) for b in self.ballots), default=0
        )
        # ordinal ballots keep their order in the dict: first ranked = `length` points
        return [{pid: length - i for i, pid in enumerate(b)} for b in self.ballots]

    def city_selection(self) -> list[str] | None:
        """The projects the file says the city funded (`selected` column), if any."""
        if not any("selected" in p.extra for p in self.projects.values()):
            return None
        return sorted(p.id for p in self.projects.values() if p.extra.get("selected") == "1")


@dataclass
class Outcome:
    rule: str
    budget: Fraction
    selected: list[str]  # in the order they were bought
    total_cost: Fraction
    rounds: int = 0  # MES: share increases tried by the completion
    exact_rounds: int = 0  # MES: rounds where floats stepped aside for exact rationals

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "budget": _number(self.budget),
            "selected": list(self.selected),
            "total_cost": _number(self.total_cost),
        }


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _money(text: str, line: int, what: str) -> Fraction:
    try:
        number = Decimal(text.strip())
        # a finite amount of sane size: "inf", "nan" or "1e999999999" is damage, not money
        if not number.is_finite() or abs(number.adjusted()) > 30:
            raise ValueError(text)
        value = Fraction(number)
    except (InvalidOperation, ValueError):
        raise PabulibError(
            line,
            _("%(what)s is not a number: %(value)r")
            % {
                "what": what,
                "value": text,
            },
        ) from None
    if value < 0:
        raise PabulibError(line, _("%(what)s cannot be negative") % {"what": what})
    return value


def _whole(text: str, line: int, what: str) -> int:
    """A whole number ≥ 0 written in digits (META counts, points)."""
    value = text.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise PabulibError(
            line, _("%(what)s is not a whole number: %(value)r") % {"what": what, "value": text}
        )
    return int(value)


# --- reading and writing ---------------------------------------------------------------------

SECTIONS = ("META", "PROJECTS", "VOTES")


def read_pb(source: str | Path | io.TextIOBase) -> Election:
    """Read a Pabulib file; a PabulibError says which line is wrong.

    The reading is strict, so that a damaged file is refused rather than counted: bytes
    that are not UTF-8, a missing section, a row with another number of fields than its
    section's header, an unclosed quote, a voter listed twice, a vote for an unknown
    project, a vote outside the limits META declares (`min_length`, `max_length`,
    `max_points`, `max_sum_points`, `min_sum_points`), and totals that differ from what
    META declares (`num_projects`, `num_votes`: a truncated file) are errors with their
    line. What can be counted by a documented rule is counted and reported in
    `Election.issues`: a project listed twice in one vote counts once, at its first place
    (README, "Participatory budgets"); a project whose `votes` or `score` column differs
    from what the ballots give is reported."""
    if isinstance(source, (str, Path)):
        raw = Path(source).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise PabulibError(
                line,
                _("byte %(byte)s is not UTF-8 text (a .pb file is UTF-8)")
                % {"byte": f"0x{raw[error.start]:02x}"},
            ) from None
    else:
        text = source.read()
    return _parse_pb(text)


def _parse_pb(text: str) -> Election:
    from .readers.csvrows import CsvRecords, split_lines

    lines = split_lines(text)
    sections: dict[str, list[tuple[int, list[str]]]] = {name: [] for name in SECTIONS}
    section_lines: dict[str, int] = {}
    current: str | None = None
    records = CsvRecords(lines, delimiter=";")
    for parsed in records:
        number, row = parsed.line, parsed.fields
        if row is None:
            raise PabulibError(number, parsed.problem)
        if not row or not any(cell.strip() for cell in row):
            continue
        head = row[0].strip()
        if head.upper() in sections and len(row) == 1:
            current = head.upper()
            if current in section_lines:
                raise PabulibError(
                    number,
                    _("the %(section)s section appears twice (first on line %(first)d)")
                    % {"section": current, "first": section_lines[current]},
                )
            section_lines[current] = number
            records.width = None
            continue
        if current is None:
            raise PabulibError(number, _("expected a META, PROJECTS or VOTES section"))
        if parsed.end > number:
            # A value may run over several lines (a description), but not swallow a
            # section, and never in VOTES, whose values are ids and numbers.
            swallowed = any(
                piece.strip().upper() in SECTIONS for cell in row for piece in split_lines(cell)
            )
            if current == "VOTES" or swallowed:
                raise PabulibError(
                    number,
                    _("unclosed quote: the value opened on this line runs to line %(end)d")
                    % {"end": parsed.end},
                )
        if current != "META":
            if not sections[current]:
                records.width = len(row)  # the header: its rows must match it
            elif len(row) != records.width:
                raise PabulibError(
                    number,
                    _("%(found)d fields where the %(section)s header has %(expected)d")
                    % {"found": len(row), "section": current, "expected": records.width},
                )
        sections[current].append((number, row))
    last_line = max(1, len(lines))
    for name in SECTIONS:
        if name not in section_lines:
            raise PabulibError(
                last_line, _("the %(section)s section is missing") % {"section": name}
            )
        if not sections[name]:
            raise PabulibError(
                section_lines[name],
                _("the %(section)s section has no header line") % {"section": name},
            )

    meta_line, meta_header = sections["META"][0]
    if [cell.strip().lower() for cell in meta_header] != ["key", "value"]:
        raise PabulibError(meta_line, _("the META section starts with a key;value line"))
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    for number, row in sections["META"][1:]:
        if len(row) < 2:
            raise PabulibError(number, _("a META line needs a key and a value"))
        key, value = row[0].strip(), ";".join(row[1:]).strip()
        if key in meta and meta[key] != value:
            raise PabulibError(
                number,
                _("META gives %(key)s twice (first on line %(first)d)")
                % {"key": key, "first": meta_lines[key]},
            )
        meta[key] = value
        meta_lines[key] = number
    if "budget" not in meta:
        raise PabulibError(meta_line, _("META has no budget"))
    budget = _money(meta["budget"], meta_lines["budget"], _("the budget"))
    vote_type = meta.get("vote_type", "approval").strip()
    if vote_type not in VOTE_TYPES:
        raise PabulibError(
            meta_lines.get("vote_type", meta_line),
            _("unknown vote_type %(value)r") % {"value": vote_type},
        )
    declared = {
        key: _whole(meta[key], meta_lines[key], key)
        for key in (
            "num_projects",
            "num_votes",
            "min_length",
            "max_length",
            "max_points",
            "max_sum_points",
            "min_sum_points",
        )
        if meta.get(key, "") != ""
    }

    header_line, header = sections["PROJECTS"][0]
    columns = [c.strip() for c in header]
    if "project_id" not in columns or "cost" not in columns:
        raise PabulibError(header_line, _("PROJECTS needs project_id and cost columns"))
    _unique_columns(columns, header_line)
    projects: dict[str, Project] = {}
    project_lines: dict[str, int] = {}
    for number, row in sections["PROJECTS"][1:]:
        record = dict(zip(columns, (cell.strip() for cell in row), strict=True))
        pid = record.get("project_id", "")
        if not pid:
            raise PabulibError(number, _("a project has no project_id"))
        if pid in projects:
            raise PabulibError(number, _("project %(id)s is listed twice") % {"id": pid})
        projects[pid] = Project(
            id=pid,
            cost=_money(record.get("cost", ""), number, _("the cost")),
            name=record.get("name", ""),
            extra={k: v for k, v in record.items() if k not in {"project_id", "cost", "name"}},
        )
        project_lines[pid] = number

    issues: list[ReadIssue] = []
    ballots: list[dict[str, int]] = []
    voter_ids: list[str] = []
    voter_lines: dict[str, int] = {}
    header_line, header = sections["VOTES"][0]
    columns = [c.strip() for c in header]
    if "vote" not in columns:
        raise PabulibError(header_line, _("VOTES needs a vote column"))
    _unique_columns(columns, header_line)
    for number, row in sections["VOTES"][1:]:
        record = dict(zip(columns, (cell.strip() for cell in row), strict=True))
        voter = record.get("voter_id", "") or str(len(voter_ids) + 1)
        if voter in voter_lines:
            raise PabulibError(
                number,
                _("voter %(voter)s is listed twice (first on line %(first)d)")
                % {"voter": voter, "first": voter_lines[voter]},
            )
        voter_lines[voter] = number
        ids = [v.strip() for v in record.get("vote", "").split(",") if v.strip()]
        unknown = [v for v in ids if v not in projects]
        if unknown:
            raise PabulibError(number, _("vote for unknown project %(id)s") % {"id": unknown[0]})
        if vote_type == "cumulative":
            raw = [p.strip() for p in record.get("points", "").split(",") if p.strip()]
            if len(raw) != len(ids):
                raise PabulibError(number, _("votes and points do not match"))
            points = [_whole(p, number, _("a number of points")) for p in raw]
        else:
            points = [1] * len(ids)
        ballot: dict[str, int] = {}
        for pid, given in zip(ids, points, strict=True):
            if pid in ballot:
                # The documented rule: a project listed twice in one vote counts once, at
                # its first place (with its first points); the vote is counted, the line
                # reported.
                issues.append(
                    ReadIssue(
                        number,
                        _(
                            "voter %(voter)s lists project %(id)s twice: counted once, "
                            "at its first place"
                        )
                        % {"voter": voter, "id": pid},
                    )
                )
                continue
            ballot[pid] = given
        _check_limits(ballot, declared, number, cumulative=vote_type == "cumulative")
        ballots.append(ballot)
        voter_ids.append(voter)

    if not ballots:
        raise PabulibError(section_lines["VOTES"], _("the VOTES section holds no vote"))
    # What META declares is checked: a file cut short, or a section cut from it, is refused.
    for key, found, section in (
        ("num_projects", len(projects), "PROJECTS"),
        ("num_votes", len(ballots), "VOTES"),
    ):
        if key in declared and declared[key] != found:
            raise PabulibError(
                meta_lines[key],
                _(
                    "META declares %(key)s = %(declared)d but the %(section)s section holds "
                    "%(found)d (read up to line %(last)d): the file is truncated or damaged"
                )
                % {
                    "key": key,
                    "declared": declared[key],
                    "section": section,
                    "found": found,
                    "last": last_line,
                },
            )
    election = Election(
        budget=budget,
        projects=projects,
        ballots=ballots,
        vote_type=vote_type,
        meta=meta,
        voter_ids=voter_ids,
        issues=issues,
    )
    _check_project_totals(election, project_lines)
    return election


def _check_limits(
    ballot: dict[str, int], declared: dict[str, int], line: int, *, cumulative: bool
) -> None:
    """The limits META declares for one vote (every real file checked keeps them: a vote
    outside them is damage, or a ballot the city should not have counted)."""
    checks = [
        (
            "max_length",
            len(ballot),
            _("a vote lists %(n)d project(s), more than %(key)s (%(limit)d)"),
            1,
        ),
        (
            "min_length",
            len(ballot),
            _("a vote lists %(n)d project(s), fewer than %(key)s (%(limit)d)"),
            -1,
        ),
    ]
    if cumulative:
        most = max(ballot.values(), default=0)
        total = sum(ballot.values())
        checks += [
            (
                "max_points",
                most,
                _("a vote gives %(n)d point(s) to one project, more than %(key)s (%(limit)d)"),
                1,
            ),
            (
                "max_sum_points",
                total,
                _("a vote gives %(n)d point(s) in all, more than %(key)s (%(limit)d)"),
                1,
            ),
            (
                "min_sum_points",
                total,
                _("a vote gives %(n)d point(s) in all, fewer than %(key)s (%(limit)d)"),
                -1,
            ),
        ]
    for key, value, message, direction in checks:
        limit = declared.get(key)
        if limit is not None and (value - limit) * direction > 0:
            raise PabulibError(line, message % {"n": value, "key": key, "limit": limit})


def _unique_columns(columns: list[str], line: int) -> None:
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise PabulibError(line, _("column %(name)s appears twice") % {"name": repeated[0]})


def _check_project_totals(election: Election, project_lines: dict[str, int]) -> None:
    """Where PROJECTS gives each project's `votes` (approvals) or `score` (points), compare
    them with what the ballots give; a difference is reported, not fatal (a city may have
    counted votes that the file does not hold). `votes` may also hold the points: Palabre's
    own exports of cumulative and ranked budgets wrote them there."""
    approvals: dict[str, int] = dict.fromkeys(election.projects, 0)
    for ballot in election.ballots:
        for pid in ballot:
            approvals[pid] += 1
    points = scores(election)
    for pid, project in election.projects.items():
        for column, found in (("votes", approvals[pid]), ("score", points[pid])):
            value = project.extra.get(column, "").strip()
            if not value:
                continue
            try:
                said = Decimal(value)
            except InvalidOperation:
                continue  # not a number: a column of another meaning
            if not said.is_finite() or said in (found, points[pid]):
                continue
            election.issues.append(
                ReadIssue(
                    project_lines[pid],
                    _(
                        "project %(id)s: the %(column)s column says %(said)s, "
                        "the ballots give %(found)d"
                    )
                    % {"id": pid, "column": column, "said": value, "found": found},
                )
            )
    election.issues.sort(key=lambda issue: issue.line or 0)


def write_pb(election: Election) -> str:
    """The election in Pabulib format (`;`-separated, quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = {**election.meta, "budget": str(_number(election.budget))}
    meta["vote_type"] = election.vote_type
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.ballots))
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    extra = sorted({k for p in election.projects.values() for k in p.extra})
    writer.writerow(["project_id", "cost", "name", *extra])
    for p in election.projects.values():
        writer.writerow([p.id, _number(p.cost), p.name, *(p.extra.get(k, "") for k in extra)])
    out.write("VOTES\n")
    cumulative = election.vote_type == "cumulative"
    writer.writerow(["voter_id", "vote", *(["points"] if cumulative else [])])
    for i, ballot in enumerate(election.ballots):
        voter = election.voter_ids[i] if i < len(election.voter_ids) else str(i + 1)
        row = [voter, ",".join(ballot)]
        if cumulative:
            row.append(",".join(str(v) for v in ballot.values()))
        writer.writerow(row)
    return out.getvalue()


# --- counting ---------------------------------------------------------------------------------


def scores(election: Election) -> dict[str, int]:
    """Approvals (or points) per project: the greedy rules' order."""
    total: dict[str, int] = dict.fromkeys(election.projects, 0)
    for ballot in election.weights():
        for pid, weight in ballot.items():
            total[pid] += weight
    return total


def greedy(election: Election, *, skip: bool = True, threshold: int = 0) -> Outcome:
    """Most votes first; a project that no longer fits is skipped (or, with `skip=False`,
    counting stops there); projects under `threshold` votes are never bought."""
    score = scores(election)
    order = sorted(election.projects, key=lambda pid: (-score[pid], pid))
    left = election.budget
    selected: list[str] = []
    for pid in order:
        project = election.projects[pid]
        if score[pid] <= 0 or score[pid] < threshold:
            continue
        if project.cost <= left:
            selected.append(pid)
            left -= project.cost
        elif not skip:
            break
    rule = (
        "greedy" if skip and not threshold else ("greedy-threshold" if skip else "greedy-no-skip")
    )
    return Outcome(rule, election.budget, selected, election.budget - left)


class _Equalshares:
    """The Method of Equal Shares on grouped voters, with exact rationals (gmpy2's mpq, the
    same values as `fractions.Fraction`, about 20 times faster). Voters with identical
    ballots form one group; within a project, supporters are handled by (budget class,
    weight) — voters who paid the same so far share a budget class — so each step costs a
    few numpy operations plus one exact computation per class."""

    def __init__(self, election: Election) -> None:
        import numpy as np

        self.election = election
        groups: dict[tuple[tuple[str, int], ...], int] = defaultdict(int)
        for ballot in election.weights():
            key = tuple(sorted((pid, w) for pid, w in ballot.items() if w > 0))
            if key:
                groups[key] += 1
        ballots = list(groups)
        self.n_groups = len(ballots)
        self.n_voters = len(election.ballots)
        rows: dict[str, tuple[list[int], list[int], list[int]]] = defaultdict(lambda: ([], [], []))
        for g, grouped in enumerate(ballots):
            for pid, weight in grouped:
                idx, ws, ms = rows[pid]
                idx.append(g)
                ws.append(weight)
                ms.append(groups[grouped])
        self.max_weight = max((max(r[1]) for r in rows.values()), default=1)
        self.supporters = {
            pid: (
                np.array(i, dtype=np.int64),
                np.array(w, dtype=np.int64),
                np.array(m, dtype=np.float64),
            )
            for pid, (i, w, m) in rows.items()
        }
        self.candidates = set(self.supporters)
        self.costs = {
            pid: mpq(p.cost.numerator, p.cost.denominator) for pid, p in election.projects.items()
        }
        self.total_weight = {pid: int((w * m).sum()) for pid, (_i, w, m) in self.supporters.items()}
        self.costs_f = {pid: float(cost) for pid, cost in self.costs.items()}

    def _aggregate(self, pid: str, klass: Any) -> tuple[Any, Any, Any]:
        """The project's supporters by (budget class, weight): (each supporter group's key,
        the keys present, voters per present key). One bincount, no sort: a project with
        tens of thousands of supporter groups spans a few hundred classes."""
        import numpy as np

        idx, weights, mult = self.supporters[pid]
        keys = klass[idx] * (self.max_weight + 1) + weights
        voters = np.bincount(keys, weights=mult)
        present = np.flatnonzero(voters)
        return keys, present, voters[present]

    def _classes(self, aggregate: tuple[Any, Any, Any]) -> tuple[Any, list[tuple[int, int, int]]]:
        """(keys, [(class, weight, voters)]) from an aggregate, for the exact computations."""
        keys, present, voters = aggregate
        base = self.max_weight + 1
        items = [
            (k // base, k % base, int(v))
            for k, v in zip(present.tolist(), voters.tolist(), strict=True)
        ]
        return keys, items

    # Floats choose quickly; exact rationals decide. A float result within this relative
    # distance of a decision boundary is recomputed exactly.
    CLOSE = 1e-9

    def _float_price(
        self, pid: str, aggregate: tuple[Any, Any, Any], budget_f: Any
    ) -> tuple[float, float, bool]:
        """(available money, price ρ, unconstrained) of a project in floating point, over its
        classes; `unconstrained` when clearly every supporter can pay ρ × satisfaction, so
        that the exact price is 1 / (total weight of its supporters)."""
        import numpy as np

        _keys, present, m = aggregate
        base = self.max_weight + 1
        cost = float(self.costs[pid])
        b = budget_f[present // base]
        available = float((b * m).sum())
        if cost == 0:
            return available, 0.0, False
        u = (present % base) * cost
        order = np.argsort(b / u, kind="stable")
        b, u, m = b[order], u[order], m[order]
        paid = np.concatenate(([0.0], np.cumsum(b * m)[:-1]))
        denominator = np.cumsum((u * m)[::-1])[::-1]
        rho = (cost - paid) / denominator
        fits = np.flatnonzero(rho * u <= b)
        if not fits.size:
            return available, float("inf"), False
        unconstrained = bool(fits[0] == 0 and rho[0] * u[0] <= b[0] * (1 - self.CLOSE))
        return available, float(rho[fits[0]]), unconstrained

    def run_float(self, share: Fraction) -> list[str] | None:
        """The same run in floating point, vectorised over budget classes, or None when a
        decision is too close to call in floats (two prices within `CLOSE` of each other,
        money available within `CLOSE` of a cost): the caller then runs `run`, exactly.

        When every decision clears its margin, the outcome is the exact one: budgets and
        prices carry relative errors around 1e-13, far below the margin, and the price of
        a project is continuous in the budgets, so only those decisions can differ."""
        import numpy as np

        close = self.CLOSE
        base = self.max_weight + 1
        budget_f = [float(share), 0.0]  # class 1 is the empty budget
        class_of: dict[float, int] = {budget_f[0]: 0, 0.0: 1}
        budgets = np.array(budget_f)
        klass = np.zeros(self.n_groups, dtype=np.int64)
        afford = {pid: 1.0 / self.total_weight[pid] for pid in self.candidates}
        remaining = set(self.candidates)
        selected: list[str] = []
        while remaining:
            best = float("inf")
            priced: list[tuple[float, str, tuple[Any, Any, Any], bool]] = []
            for pid in sorted(remaining, key=lambda p: (afford[p], p)):
                if afford[pid] > best * (1 + close):
                    break  # prices only rise during a run: the rest cost clearly more
                cost = self.costs_f[pid]
                aggregate = self._aggregate(pid, klass)
                available, rho, unconstrained = self._float_price(pid, aggregate, budgets)
                if abs(available - cost) <= close * cost:
                    return None
                if available < cost:
                    remaining.discard(pid)
                    continue
                afford[pid] = rho
                priced.append((rho, pid, aggregate, unconstrained))
                best = min(best, rho)
            if not priced:
                break
            window = [item for item in priced if item[0] <= best * (1 + close)]
            if len(window) > 1:
                # Near tie. Where no supporter is short of money, the exact price is
                # 1 / (total weight): compare those exactly, ties by id as in `run`.
                if not all(unconstrained for *_rest, unconstrained in window):
                    return None
                window.sort(key=lambda item: (-self.total_weight[item[1]], item[1]))
            best, chosen, chosen_aggregate, _free = window[0]
            selected.append(chosen)
            remaining.discard(chosen)
            keys, present, _voters = chosen_aggregate
            b = budgets[present // base]
            due = best * (present % base) * self.costs_f[chosen]
            left = np.where(due < b, b - due, 0.0)
            targets = np.empty(present.size, dtype=np.int64)
            for i, value in enumerate(left.tolist()):
                j = class_of.get(value)
                if j is None:
                    j = class_of[value] = len(budget_f)
                    budget_f.append(value)
                targets[i] = j
            if len(budget_f) > budgets.size:
                budgets = np.array(budget_f)
            new_class = np.zeros(int(present[-1]) + 1, dtype=np.int64)
            new_class[present] = targets
            klass[self.supporters[chosen][0]] = new_class[keys]
        return selected

    def run(self, share: Fraction) -> list[str]:
        import numpy as np

        budget: list[Any] = [mpq(share.numerator, share.denominator)]
        budget_f = np.array([float(budget[0])])
        self._class_of: dict[Any, int] = {budget[0]: 0}  # equal budgets share one class
        klass = np.zeros(self.n_groups, dtype=np.int64)
        afford = {pid: 1.0 / self.total_weight[pid] for pid in self.candidates}  # lower bounds
        remaining = set(self.candidates)
        selected: list[str] = []
        close = self.CLOSE
        while remaining:
            best = float("inf")
            priced: list[tuple[float, str]] = []
            aggregates: dict[str, tuple[Any, Any, Any]] = {}
            for pid in sorted(remaining, key=lambda p: (afford[p], p)):
                if afford[pid] > best * (1 + close):
                    break
                cost = self.costs[pid]
                aggregates[pid] = self._aggregate(pid, klass)
                available, rho, _free = self._float_price(pid, aggregates[pid], budget_f)
                if available < float(cost) * (1 - close):
                    remaining.discard(pid)  # clearly unaffordable
                    continue
                if available < float(cost) * (1 + close):  # too close to call: exactly
                    _keys, items = self._classes(aggregates[pid])
                    if sum((budget[c] * m for c, _w, m in items), mpq(0)) < cost:
                        remaining.discard(pid)
                        continue
                    rho = float(self._price(cost, items, budget))
                afford[pid] = rho * (1 - close)
                priced.append((rho, pid))
                best = min(best, rho)
            if not priced:
                break
            # exact decision among the projects whose float price is close to the best
            contenders = [pid for rho, pid in priced if rho <= best * (1 + 2 * close)]
            exact = {}
            classes = {}
            for pid in contenders:
                classes[pid] = self._classes(aggregates[pid])
                exact[pid] = self._price(self.costs[pid], classes[pid][1], budget)
            lowest = min(exact.values())
            chosen = min(pid for pid, rho in exact.items() if rho == lowest)
            selected.append(chosen)
            remaining.discard(chosen)
            self._pay(chosen, lowest, budget, klass, classes[chosen])
            if len(budget) > budget_f.size:
                budget_f = np.concatenate(
                    (budget_f, np.array([float(v) for v in budget[budget_f.size :]]))
                )
        return selected

    @staticmethod
    def _price(cost: Any, items: list[tuple[int, int, int]], budget: list[Any]) -> Any:
        """The smallest price ρ per unit of satisfaction such that supporters, each paying
        min(budget, ρ × satisfaction), cover `cost` (satisfaction = weight × cost).

        Supporters are taken by increasing budget per unit of satisfaction; while floats
        say clearly that a class pays its whole budget, no exact division is made."""
        if cost == 0:
            return mpq(0)
        ordered = sorted(
            items, key=lambda item: budget[item[0]] if item[1] == 1 else budget[item[0]] / item[1]
        )
        paid = mpq(0)
        denominator = sum(w * m for _c, w, m in ordered) * cost
        cost_f, paid_f, denominator_f = float(cost), 0.0, float(denominator)
        for c, weight, m in ordered:
            b = budget[c]
            b_f = float(b)
            rho_f = (cost_f - paid_f) / denominator_f if denominator_f > 0 else float("inf")
            if rho_f * weight * cost_f <= b_f * (1 - 1e-9) or rho_f * weight * cost_f >= b_f * (
                1 + 1e-9
            ):
                fits = rho_f * weight * cost_f < b_f
            else:  # too close to call in floats
                fits = (cost - paid) / denominator * weight * cost <= b
            if fits:
                return (cost - paid) / denominator
            paid += b * m
            denominator -= weight * cost * m
            paid_f += b_f * m
            denominator_f -= weight * cost_f * m
        raise AssertionError("unaffordable project priced")  # checked by the caller

    def _pay(
        self,
        pid: str,
        rho: Any,
        budget: list[Any],
        klass: Any,
        classes: tuple[Any, list[tuple[int, int, int]]],
    ) -> None:
        """Supporters pay min(budget, ρ × satisfaction); each (class, weight) of supporters
        moves to a new budget class."""
        import numpy as np

        price = rho * self.costs[pid]  # what one unit of weight pays
        keys, items = classes  # computed by the caller for the exact price, state unchanged
        base = self.max_weight + 1
        new_class = np.zeros(int(keys.max()) + 1, dtype=np.int64)
        class_of, zero = self._class_of, mpq(0)
        for c, weight, _m in items:
            b = budget[c]
            due = price if weight == 1 else price * weight
            left = b - due if due < b else zero
            j = class_of.get(left)
            if j is None:
                budget.append(left)
                j = class_of[left] = len(budget) - 1
            new_class[c * base + weight] = j
        klass[self.supporters[pid][0]] = new_class[keys]


def equal_shares(election: Election, *, completion: bool = True) -> Outcome:
    """The Method of Equal Shares. With `completion`, each voter's share starts at
    budget / voters and rises by 1 while the outcome still fits in the budget; the last
    outcome that fits is the result."""
    counter = _Equalshares(election)
    n = counter.n_voters
    cost = {pid: p.cost for pid, p in election.projects.items()}
    if n == 0:
        return Outcome("mes", election.budget, [], Fraction(0))
    share = election.budget / n

    exact = 0

    def run(share: Fraction) -> list[str]:
        nonlocal exact
        outcome = counter.run_float(share)
        if outcome is None:
            exact += 1
            return counter.run(share)
        return outcome

    outcome = run(share)
    rounds = 1
    if completion:
        bound = election.budget * (n + 1)
        total_budget = election.budget
        while total_budget + n <= bound:
            total_budget += n
            candidate = run(total_budget / n)
            rounds += 1
            if sum(cost[p] for p in candidate) > election.budget:
                break
            outcome = candidate
            if len(outcome) == len(counter.candidates):
                break  # everything supported is bought: nothing more can change
    return Outcome(
        "mes",
        election.budget,
        outcome,
        sum((cost[p] for p in outcome), Fraction(0)),
        rounds,
        exact,
    )


META_RULES = {
    "greedy": "greedy",
    "greedy-no-skip": "greedy-no-skip",
    "greedy-threshold": "greedy-threshold",
    "equalshares": "mes",
    "equalshares/add1": "mes",
    # the "comparison" step (MES checked against greedy) is not applied: see the notes
    "equalshares/add1-comparison": "mes",
}


def rule_of(election: Election) -> str:
    """The counting rule the file's META names (greedy when it names none we know)."""
    return META_RULES.get(election.meta.get("rule", "").strip(), "greedy")


def count(election: Election, rule: str, *, threshold: int = 0) -> Outcome:
    if rule == "meta":
        rule = rule_of(election)
    rule = {"equalshares": "mes", "equal-shares": "mes"}.get(rule, rule)
    if rule == "greedy":
        return greedy(election)
    if rule == "greedy-no-skip":
        return greedy(election, skip=False)
    if rule == "greedy-threshold":
        return greedy(election, threshold=threshold)
    if rule == "mes":
        return equal_shares(election)
    raise ValueError(_("unknown rule %(rule)r") % {"rule": rule})
