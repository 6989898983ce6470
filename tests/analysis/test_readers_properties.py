"""Property-based tests: damaged inputs are refused or reported, never a traceback, never a
silent miscount.

Small valid inputs (a Pabulib file of each vote type, CSV, JSON, JSON Lines, XLSX, opinion
votes, a Pol.is export, pairwise comparisons) are mutated the way files get damaged: bytes
flipped, junk inserted (quotes, line breaks, bytes that are not UTF-8, NULs, BOMs, thousands
of `[`), byte ranges deleted, files truncated, lines dropped, doubled or swapped. Then:

- every reader either reads or raises the engine's own error (ReadError, PabulibError,
  OpinionInputError, PairwiseInputError) — any other exception fails the test;
- `palabre budget` exits 0 or 2;
- a `.pb` file that is read holds the ballots and projects its META declares, and after one
  mutation it either reports something or counts exactly the original scores: a changed
  ballot is caught by the `votes` and `score` columns, a lost or doubled one by
  `num_votes` and the voter ids;
- a CSV file damaged once (without new line breaks) has every non-blank line accounted for
  — read as a contribution or reported with its line — and no contribution spans lines:
  an unclosed quote never swallows rows silently.

Example counts are fixed and the examples derandomised, so that the normal test run is
deterministic and takes well under a minute; `PALABRE_PROPERTY_SCALE=10` runs ten times
as many, drawn at random, to explore. No example database is written (database=None).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from palabre_analysis import ReadError, read
from palabre_analysis.budget import PabulibError, read_pb, scores
from palabre_analysis.opinions import OpinionInputError, read_votes
from palabre_analysis.pairwise import PairwiseInputError, read_comparisons

SCALE = max(1, int(os.environ.get("PALABRE_PROPERTY_SCALE", "1")))

# Hypothesis keeps a cache of constants (and, were it on, its example database) under
# .hypothesis in the working directory: send it to a temporary folder, not the repository.
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="palabre-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)


def examples(n: int) -> settings:
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        database=None,
        derandomize=SCALE == 1,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- mutations ------------------------------------------------------------------------------

JUNK = (
    b'"',
    b'""',
    b"\n",
    b"\r",
    b"\r\n",
    b"\xff",
    b"\x81",
    b"\xc3",
    b"\xe9",
    b"\x00",
    b";",
    b",",
    b"\xef\xbb\xbf",
    "é".encode(),
    b"[" * 3000,
    b"{" * 3000,
    b"9" * 5000,
    b"nan",
    b"1e999999999",
)
NEWLINES = (b"\n", b"\r")


def _junk(newlines: bool) -> st.SearchStrategy[bytes]:
    chosen = [j for j in JUNK if newlines or not any(n in j for n in NEWLINES)]
    raw = st.binary(min_size=1, max_size=6)
    if not newlines:
        raw = raw.map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"") or b"x")
    return st.one_of(st.sampled_from(chosen), raw)


def mutation(*, newlines: bool = True) -> st.SearchStrategy[tuple[str, int, int, bytes]]:
    """(operation, position, length, payload); positions are taken modulo the size."""
    byte = st.sampled_from([b for b in range(256) if newlines or b not in (10, 13)])
    return st.one_of(
        st.tuples(
            st.just("flip"), st.integers(0, 10**6), st.just(1), byte.map(lambda b: bytes([b]))
        ),
        st.tuples(st.just("insert"), st.integers(0, 10**6), st.just(0), _junk(newlines)),
        st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 200), st.just(b"")),
        st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0), st.just(b"")),
        st.tuples(st.just("drop_line"), st.integers(0, 10**6), st.just(0), st.just(b"")),
        st.tuples(st.just("dup_line"), st.integers(0, 10**6), st.just(0), st.just(b"")),
        st.tuples(
            st.just("swap_lines"), st.integers(0, 10**6), st.integers(0, 10**6), st.just(b"")
        ),
    )


def mutate(data: bytes, operations: list[tuple[str, int, int, bytes]]) -> bytes:
    for op, position, length, payload in operations:
        if not data:
            return data
        at = position % len(data)
        if op == "flip":
            data = data[:at] + payload + data[at + 1 :]
        elif op == "insert":
            data = data[:at] + payload + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + length :]
        elif op == "truncate":
            data = data[:at]
        else:
            lines = data.splitlines(keepends=True)
            i = position % len(lines)
            if op == "drop_line":
                del lines[i]
            elif op == "dup_line":
                lines.insert(i, lines[i])
            else:
                j = length % len(lines)
                lines[i], lines[j] = lines[j], lines[i]
            data = b"".join(lines)
    return data


many = st.lists(mutation(), min_size=1, max_size=3)
once_without_line_breaks = mutation(newlines=False).map(lambda m: [m])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mutated")


# --- inputs ---------------------------------------------------------------------------------


def _pb(vote_type: str) -> bytes:
    """A valid Pabulib file with the totals that let damage show: num_projects, num_votes,
    and per project its approvals (`votes`) and points (`score`)."""
    rng = random.Random(vote_type)
    ids = ["1", "2", "3", "4", "5", "6", "10", "11"]
    ballots: list[list[str]] = []
    points: list[list[int]] = []
    for _ in range(24):
        chosen = rng.sample(ids, rng.randint(1, 3))
        ballots.append(chosen)
        points.append([rng.randint(1, 4) for _ in chosen])
    approvals = Counter(pid for ballot in ballots for pid in ballot)
    score: Counter[str] = Counter()
    for ballot, given_points in zip(ballots, points, strict=True):
        for rank, (pid, value) in enumerate(zip(ballot, given_points, strict=True)):
            score[pid] += {"cumulative": value, "ordinal": 3 - rank}.get(vote_type, 1)
    out = [
        "META",
        "key;value",
        'description;"Budget participatif ""test""; quartier Nord"',
        f"num_projects;{len(ids)}",
        f"num_votes;{len(ballots)}",
        "budget;250",
        f"vote_type;{vote_type}",
        "min_length;1",
        "max_length;3",
        *(["max_points;4", "max_sum_points;12"] if vote_type == "cumulative" else []),
        "rule;greedy",
        "PROJECTS",
        "project_id;cost;votes;score;name",
    ]
    for i, pid in enumerate(ids):
        name = f'"Projet {pid}; é"' if i % 3 == 0 else f"Projet {pid}"
        out.append(f"{pid};{40 + 7 * i};{approvals[pid]};{score[pid]};{name}")
    out += ["VOTES", "voter_id;vote" + (";points" if vote_type == "cumulative" else "")]
    for n, (ballot, given_points) in enumerate(zip(ballots, points, strict=True), start=1):
        row = f"{100 + n};{','.join(ballot)}"
        if vote_type == "cumulative":
            row += ";" + ",".join(map(str, given_points))
        out.append(row)
    return ("\n".join(out) + "\n").encode()


PB = {vote_type: _pb(vote_type) for vote_type in ("approval", "cumulative", "ordinal")}

CSV = (
    "id,texte,quartier\n"
    "1,Plus de bancs sur la place,Gare\n"
    '2,"Des arbres, et de l\'ombre",Port\n'
    "3,Une fontaine à eau,Centre\n"
    '4,"Il a dit ""oui"" au marché",Nord\n'
    "5,Éclairer la piste cyclable,Sud\n"
    '6,"Un abri; vélos",Gare\n'
    "7,Fermer la rue le dimanche,Port\n"
    '8,"Repeindre l\'école, vite",Centre\n'
    "9,Des toilettes publiques,Nord\n"
    "10,Un composteur partagé,Sud\n"
).encode()

RECORDS = [
    {"id": i, "text": f"Contribution numéro {i}", "quartier": ["Nord", "Sud"][i % 2]}
    for i in range(1, 9)
]
JSON = json.dumps({"data": RECORDS}, ensure_ascii=False, indent=1).encode()
JSONL = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS).encode()

VOTES = (
    "participant,statement,vote,timestamp\n"
    + "".join(
        f"p{p},{s},{(p * s) % 3 - 1},{1000 + p * 10 + s}\n" for p in range(6) for s in range(4)
    )
).encode()

COMPARISONS = (
    "winner,loser,segment,undecided\n"
    + "".join(
        f"idee-{a},idee-{b},{['Nord', 'Sud'][a % 2]},\n"
        for a in range(4)
        for b in range(4)
        if a != b
    )
    + "idee-1,idee-2,,1\n"
).encode()

POLIS = {
    "comments.csv": (
        b"timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        b'1,x,0,0,3,1,1,"Des bancs, partout"\n'
        b"2,x,1,1,1,3,1,Moins de voitures\n"
        b"3,x,2,2,2,2,-1,Hors sujet\n"
    ),
    "votes.csv": (
        "timestamp,datetime,comment-id,voter-id,vote\n"
        + "".join(
            f"{10 + p * 3 + c},x,{c},{p},{(p + c) % 3 - 1}\n" for p in range(5) for c in range(3)
        )
    ).encode(),
    "participants-votes.csv": (
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
        + "".join(f"{p},{p % 2},0,3,1,1,1,-1,{p % 3 - 1}\n" for p in range(5))
    ).encode(),
}


def _write(workdir: Path, name: str, data: bytes) -> Path:
    path = workdir / name
    path.write_bytes(data)
    return path


# --- Pabulib ------------------------------------------------------------------------------


def _declared_totals_hold(election) -> None:
    meta = election.meta
    if meta.get("num_votes"):
        assert len(election.ballots) == int(meta["num_votes"])
    if meta.get("num_projects"):
        assert len(election.projects) == int(meta["num_projects"])


@examples(1500)
@given(vote_type=st.sampled_from(sorted(PB)), operations=many)
def test_pb_reader_refuses_or_reads_what_meta_declares(workdir, vote_type, operations):
    path = _write(workdir, "m.pb", mutate(PB[vote_type], operations))
    try:
        election = read_pb(path)
    except PabulibError:
        event("refused")
        return
    event("read, with issues" if election.issues else "read")
    _declared_totals_hold(election)


ORIGINAL_SCORES = {
    vote_type: scores(read_pb(io.StringIO(data.decode()))) for vote_type, data in PB.items()
}


@examples(1500)
@given(
    vote_type=st.sampled_from(sorted(PB)), operations=st.lists(mutation(), min_size=1, max_size=1)
)
def test_one_damage_to_a_pb_file_is_reported_or_changes_no_score(workdir, vote_type, operations):
    path = _write(workdir, "one.pb", mutate(PB[vote_type], operations))
    try:
        election = read_pb(path)
    except PabulibError:
        event("refused")
        return
    _declared_totals_hold(election)
    if election.issues:
        event("read, with issues")
    else:
        event("read, same scores")
        assert scores(election) == ORIGINAL_SCORES[vote_type]


@examples(300)
@given(
    vote_type=st.sampled_from(sorted(PB)),
    rule=st.sampled_from(["greedy", "greedy-no-skip", "mes"]),
    operations=st.lists(mutation(), min_size=1, max_size=1),
)
def test_palabre_budget_exits_0_or_2_never_a_traceback(workdir, vote_type, rule, operations):
    from palabre.cli import main

    path = _write(workdir, "cli.pb", mutate(PB[vote_type], operations))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["budget", str(path), "--rule", rule])
    assert code in (0, 2)
    event(f"exit {code}")
    if code == 2:
        assert err.getvalue().startswith(f"{path}: ") and not out.getvalue()


# --- contributions: CSV, JSON, JSON Lines, XLSX ------------------------------------------------


def _read_or_refuse(path: Path, **options):
    try:
        corpus = read(path, **options)
    except ReadError:
        event("refused")
        return None
    event("read, with issues" if corpus.issues else "read")
    return corpus


@examples(1200)
@given(operations=many)
def test_csv_reader_reads_or_refuses(workdir, operations):
    _read_or_refuse(_write(workdir, "m.csv", mutate(CSV, operations)), text_column="texte")
    _read_or_refuse(_write(workdir, "m.csv", mutate(CSV, operations)))


@examples(1200)
@given(operations=once_without_line_breaks)
def test_one_damage_to_a_csv_loses_no_line_silently(workdir, operations):
    data = mutate(CSV, operations)
    corpus = _read_or_refuse(_write(workdir, "one.csv", data), text_column="texte")
    if corpus is None:
        return
    assert not any("\n" in c.text or "\r" in c.text for c in corpus.contributions)
    accounted = {c.line for c in corpus.contributions} | {i.line for i in corpus.issues}
    lines = data.splitlines()
    header = next(n for n, line in enumerate(lines, start=1) if line.strip())
    expected = {
        n for n, line in enumerate(lines, start=1) if n > header and line.strip(b' ,;"\t\x00')
    }
    assert expected <= accounted, (data, corpus.issues)


@examples(600)
@given(operations=many)
def test_json_reader_reads_or_refuses(workdir, operations):
    _read_or_refuse(_write(workdir, "m.json", mutate(JSON, operations)))


@examples(600)
@given(operations=many)
def test_json_lines_reader_reads_or_refuses(workdir, operations):
    data = mutate(JSONL, operations)
    corpus = _read_or_refuse(_write(workdir, "m.jsonl", data))
    if corpus is not None:
        accounted = {c.line for c in corpus.contributions} | {i.line for i in corpus.issues}
        assert len(accounted) <= len(data.splitlines())


def _xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id", "texte", "quartier"])
    for record in RECORDS:
        sheet.append([record["id"], record["text"], record["quartier"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx()


@examples(200)
@given(operations=many)
def test_xlsx_reader_reads_or_refuses(workdir, operations):
    _read_or_refuse(_write(workdir, "m.xlsx", mutate(XLSX, operations)), text_column="texte")


# --- votes: opinions and pairwise ---------------------------------------------------------------


@examples(600)
@given(operations=many)
def test_opinion_votes_reader_reads_or_refuses(workdir, operations):
    data = mutate(VOTES, operations)
    try:
        votes = read_votes(_write(workdir, "votes.csv", data))
    except OpinionInputError:
        return
    assert votes.n_votes <= len(data.splitlines())
    assert not any("\n" in p or "\r" in p for p in votes.participants + votes.statements)


@examples(300)
@given(name=st.sampled_from(sorted(POLIS)), operations=many)
def test_polis_export_reader_reads_or_refuses(workdir, name, operations):
    folder = workdir / "polis"
    folder.mkdir(exist_ok=True)
    for file, data in POLIS.items():
        _write(folder, file, mutate(data, operations) if file == name else data)
    with contextlib.suppress(OpinionInputError):
        read_votes(folder)


@examples(600)
@given(operations=many)
def test_pairwise_reader_reads_or_refuses(workdir, operations):
    try:
        read_comparisons(_write(workdir, "pairs.csv", mutate(COMPARISONS, operations)))
    except PairwiseInputError:
        return


@examples(600)
@given(operations=once_without_line_breaks)
def test_one_damage_to_comparisons_loses_no_line_silently(workdir, operations):
    data = mutate(COMPARISONS, operations)
    try:
        comparisons, undecided = read_comparisons(_write(workdir, "one.csv", data))
    except PairwiseInputError:
        return
    rows = [line for line in data.splitlines()[1:] if line.strip(b' ,"\t\x00')]
    assert len(comparisons) + undecided == len(rows)


def test_the_inputs_are_valid_before_they_are_damaged(workdir):
    """A check on the test itself: every input reads cleanly, so that what the properties
    see comes from the mutations."""
    for vote_type, data in PB.items():
        election = read_pb(_write(workdir, "ok.pb", data))
        assert election.issues == [] and len(election.ballots) == 24, vote_type
    for name, data, count in (
        ("ok.csv", CSV, 10),
        ("ok.json", JSON, 8),
        ("ok.jsonl", JSONL, 8),
        ("ok.xlsx", XLSX, 8),
    ):
        corpus = read(
            _write(workdir, name, data),
            text_column="texte" if "csv" in name or "xlsx" in name else "text",
        )
        assert len(corpus) == count and corpus.issues == [], name
    assert read_votes(_write(workdir, "ok-votes.csv", VOTES)).n_votes == 24
    assert len(read_comparisons(_write(workdir, "ok-pairs.csv", COMPARISONS))[0]) == 12
    folder = workdir / "ok-polis"
    folder.mkdir(exist_ok=True)
    for file, data in POLIS.items():
        _write(folder, file, data)
    assert read_votes(folder).n_votes == 15
    cut = b"".join(PB["approval"].splitlines(keepends=True)[:-10])  # 10 votes lost
    with pytest.raises(PabulibError, match="num_votes"):
        read_pb(_write(workdir, "cut.pb", cut))
