"""Participatory budget counting (palabre_analysis.budget) and `palabre budget`."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from palabre_analysis.budget import (
    Election,
    PabulibError,
    Project,
    count,
    equal_shares,
    greedy,
    read_pb,
    write_pb,
)

EXPECTED = Path(__file__).parent / "data" / "pabulib_expected.json"

SMALL = """META
key;value
description;"Un ""petit"" budget"
num_projects;4
num_votes;6
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;selected
a;60.0;Parc;1
b;50;Piste;0
c;30;"Bancs; tables";1
d;40;Fontaine;0
VOTES
voter_id;vote
1;a,c
2;a
3;a,d
4;b,c
5;b
6;b,d
"""


def election(text: str = SMALL):
    import io

    return read_pb(io.StringIO(text))


def test_reads_quoted_names_decimal_costs_and_the_city_selection():
    e = election()
    assert e.budget == 100 and e.projects["a"].cost == 60
    assert e.projects["c"].name == "Bancs; tables"
    assert e.meta["description"] == 'Un "petit" budget'
    assert e.city_selection() == ["a", "c"]
    assert e.ballots[0] == {"a": 1, "c": 1}
    assert read_pb_roundtrip(e) == e.ballots


def read_pb_roundtrip(e):
    import io

    return read_pb(io.StringIO(write_pb(e))).ballots


def test_greedy_variants():
    e = election()
    # a:3, b:3, c:2, d:2 votes; ties by id: a, b, then c, d
    assert greedy(e).selected == ["a", "c"]  # b (50) does not fit after a, skipped; c fits
    assert greedy(e, skip=False).selected == ["a"]  # stops at b
    assert greedy(e, threshold=3).selected == ["a"]


def test_equal_shares_is_proportional_where_greedy_is_not():
    # 6 voters, budget 90: 4 like x, y and w (30 each), 2 like z (30). Greedy gives the
    # majority everything; equal shares gives the minority its third of the budget.
    text = """META
key;value
budget;90
vote_type;approval
PROJECTS
project_id;cost
x;30
y;30
w;30
z;30
VOTES
voter_id;vote
1;x,y,w
2;x,y,w
3;x,y,w
4;x,y,w
5;z
6;z
"""
    e = election(text)
    assert sorted(greedy(e).selected) == ["w", "x", "y"]
    outcome = equal_shares(e)
    assert sorted(outcome.selected) == ["w", "x", "z"]  # ties between w, x, y by id
    assert outcome.total_cost == Fraction(90)


def test_malformed_files_say_which_line():
    bad_vote = SMALL.replace("6;b,d", "6;b,zz")
    with pytest.raises(PabulibError) as error:
        election(bad_vote)
    assert error.value.line == 22 and "zz" in str(error.value)
    with pytest.raises(PabulibError) as error:
        election(SMALL.replace("d;40;", "d;quarante;"))
    assert error.value.line == 14
    with pytest.raises(PabulibError):
        election(SMALL.replace("budget;100\n", ""))
    with pytest.raises(PabulibError):
        election("PROJECTS\nproject_id;cost\n")


def test_a_project_listed_twice_in_one_vote_counts_once_and_the_line_is_reported():
    e = election(SMALL.replace("4;b,c", "4;b,c,b"))
    assert e.ballots[3] == {"b": 1, "c": 1} and len(e.ballots) == 6
    assert [(issue.line, "b" in issue.message) for issue in e.issues] == [(20, True)]
    assert greedy(e).selected == greedy(election()).selected
    # ordinal: the first place counts, the later mention is dropped
    ranked = SMALL.replace("vote_type;approval", "vote_type;ordinal").replace("1;a,c", "1;c,a,c")
    assert list(election(ranked).weights()[0].items()) == [("c", 2), ("a", 1)]
    # cumulative: the first points count
    cumulative = (
        SMALL.replace("vote_type;approval", "vote_type;cumulative")
        .replace("voter_id;vote", "voter_id;vote;points")
        .replace("1;a,c\n", "1;a,c,a;2,1,5\n")
    )
    lines = cumulative.splitlines()
    for i, line in enumerate(lines):
        if line[:2] in {"2;", "3;", "4;", "5;", "6;"}:
            lines[i] = line + ";" + ",".join(["1"] * (line.count(",") + 1))
    assert election("\n".join(lines) + "\n").ballots[0] == {"a": 2, "c": 1}


def test_cli_prints_and_writes_the_contract(tmp_path, capsys):
    from palabre.cli import main

    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["budget", str(path), "--rule", "mes", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert set(data) == {"rule", "budget", "selected", "total_cost"}
    assert data["rule"] == "mes" and data["budget"] == 100
    printed = capsys.readouterr().out
    assert all(pid in printed for pid in data["selected"])
    broken = tmp_path / "broken.pb"
    broken.write_text(SMALL.replace("1;a,c", "1;a,q"), encoding="utf-8")
    assert main(["budget", str(broken)]) == 2
    assert "17" in capsys.readouterr().err


def _expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {}


@pytest.mark.shared_data
def test_every_shared_instance_has_its_pabutools_reference(shared_data):
    files = {path.name for path in (shared_data / "pabulib").glob("*.pb")}
    assert files and files == set(_expected())


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(_expected()))
def test_outcomes_equal_pabutools_on_every_shared_instance(shared_data, name):
    """Reference outcomes computed once by scripts/pabulib_reference.py with pabutools."""
    reference = _expected()[name]
    e = read_pb(shared_data / "pabulib" / name)
    assert e.vote_type == reference["vote_type"]
    assert sorted(count(e, "greedy").selected) == reference["greedy"]
    assert str(count(e, "greedy").total_cost) == reference["greedy_total_cost"]
    mes = count(e, "mes")
    assert sorted(mes.selected) == reference["mes"]
    assert str(mes.total_cost) == reference["mes_total_cost"]


@pytest.mark.shared_data
def test_counting_with_the_citys_rule_gives_the_citys_selection(shared_data):
    """Where the file records what the city funded (`selected`), counting with the rule its
    META names reproduces it: Assen, Kraków (ordinal, 3/2/1 points), Warsaw Mokotów,
    Wieliczka and Wrocław (stops at the first project that does not fit)."""
    checked = []
    for path in sorted((shared_data / "pabulib").glob("*.pb")):
        e = read_pb(path)
        city = e.city_selection()
        if city is None:
            continue
        outcome = count(e, "meta")  # Wieliczka's comparison step did not change its outcome
        assert sorted(outcome.selected) == city, path.name
        checked.append(path.name)
    assert len(checked) == 5


def _random_election(seed: int, n_ballots: int, n_projects: int, ties: bool) -> Election:
    import random

    rng = random.Random(seed)
    ids = [f"p{i:02d}" for i in range(n_projects)]
    costs = [10, 20, 30] if ties else list(range(5, 200, 7))
    projects = {pid: Project(pid, Fraction(rng.choice(costs) * 1000)) for pid in ids}
    ballots = []
    for _ in range(n_ballots):
        size = rng.randint(1, 4)
        picked = sorted(set(rng.choices(ids[: 6 if ties else n_projects], k=size)))
        ballots.append(dict.fromkeys(picked, 1))
    total = sum(p.cost for p in projects.values())
    return Election(budget=total / 3, projects=projects, ballots=ballots)


@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "tied"])
def test_the_floating_point_run_equals_the_exact_run_or_steps_aside(ties):
    """MES runs in floats and falls back to exact rationals when a decision is too close:
    whenever the float run answers, its outcome is the exact one, ties included."""
    from palabre_analysis.budget import _Equalshares

    answered = fell_back = 0
    for seed in range(12):
        election = _random_election(seed, 300, 25, ties)
        counter = _Equalshares(election)
        share = election.budget / counter.n_voters
        for step in range(0, 400, 37):
            fast = counter.run_float(share + step)
            if fast is None:
                fell_back += 1
            else:
                answered += 1
                assert fast == counter.run(share + step), (seed, step)
    # ties between unconstrained projects are settled exactly (1 / total weight, then id);
    # other close calls step aside to the exact run
    assert answered > fell_back


# --- damaged files: refused with their line, never counted as if valid ------------------------


def _cut_votes(text: str, keep: int) -> str:
    """`text` cut after its `keep`-th vote, as a download stopped half-way leaves it."""
    head, votes = text.split("VOTES\n")
    return head + "VOTES\n" + "".join(votes.splitlines(keepends=True)[: keep + 1])


def test_a_truncated_file_is_refused_against_its_declared_num_votes():
    with pytest.raises(PabulibError) as error:
        election(_cut_votes(SMALL, 2))
    assert error.value.line == 5  # the META line that declares num_votes
    assert "num_votes" in str(error.value) and "6" in str(error.value)
    assert "2" in str(error.value)


def test_declared_num_projects_is_checked():
    with pytest.raises(PabulibError) as error:
        election(SMALL.replace("num_projects;4", "num_projects;5"))
    assert error.value.line == 4 and "num_projects" in str(error.value)


def test_a_missing_or_empty_votes_section_is_refused():
    without = SMALL.split("VOTES\n")[0]
    with pytest.raises(PabulibError) as error:
        election(without)
    assert "VOTES" in str(error.value)
    undeclared = SMALL.replace("num_votes;6\n", "")
    with pytest.raises(PabulibError) as error:
        election(_cut_votes(undeclared, 0))
    assert "VOTES" in str(error.value)
    with pytest.raises(PabulibError):
        election(undeclared.split("VOTES\n")[0] + "VOTES\n")


def test_non_utf8_bytes_are_refused_with_their_line(tmp_path):
    path = tmp_path / "latin.pb"
    path.write_bytes(SMALL.replace("Fontaine", "Fontaine\xe9").encode("latin-1"))
    with pytest.raises(PabulibError) as error:
        read_pb(path)
    assert error.value.line == 14 and "0xe9" in str(error.value)


def test_an_unclosed_quote_is_refused_with_its_line():
    with pytest.raises(PabulibError) as error:  # swallows the VOTES section
        election(SMALL.replace('"Bancs; tables";1', '"Bancs; tables;1'))
    assert error.value.line == 13 and "13" in str(error.value)
    with pytest.raises(PabulibError) as error:  # never closed
        election(SMALL.replace("6;b,d", '6;"b,d'))
    assert error.value.line == 22
    with pytest.raises(PabulibError) as error:  # a vote running over two lines
        election(SMALL.replace("5;b", '5;"b').replace("6;b,d", '6;b,d"'))
    assert error.value.line == 21


def test_rows_of_another_width_repeated_voters_and_sections_are_refused():
    with pytest.raises(PabulibError) as error:
        election(SMALL.replace("5;b\n", "5;b;extra\n"))
    assert error.value.line == 21
    with pytest.raises(PabulibError) as error:
        election(SMALL.replace("5;b\n", "5;b\n5;b\n").replace("num_votes;6", "num_votes;7"))
    assert error.value.line == 22 and "5" in str(error.value)
    with pytest.raises(PabulibError) as error:
        election(SMALL + "VOTES\nvoter_id;vote\n7;a\n")
    assert error.value.line == 23
    with pytest.raises(PabulibError) as error:
        election(SMALL.replace("budget;100", "budget;100\nbudget;200"))
    assert error.value.line == 7


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("budget;100", "budget;inf"),
        ("budget;100", "budget;1e999999999"),
        ("budget;100", "budget;NaN"),
        ("num_votes;6", "num_votes;six"),
        ("a;60.0;Parc", "a;-Infinity;Parc"),
    ],
)
def test_garbled_numbers_are_errors_not_crashes(old, new):
    with pytest.raises(PabulibError):
        election(SMALL.replace(old, new))


def test_garbled_points_and_rankings_are_errors_not_crashes():
    cumulative = (
        SMALL.replace("vote_type;approval", "vote_type;cumulative")
        .replace("voter_id;vote", "voter_id;vote;points")
        .replace("num_votes;6", "num_votes;1")
    )
    cumulative = _cut_votes(cumulative, 1).replace("1;a,c\n", "1;a,c;{}\n")
    assert election(cumulative.format("3,2")).ballots == [{"a": 3, "c": 2}]
    for points in ("nan,1", "inf,1", "1.5,1", "-1,2", "1"):
        with pytest.raises(PabulibError) as error:
            election(cumulative.format(points))
        assert error.value.line == 17
    ordinal = SMALL.replace("vote_type;approval", "vote_type;ordinal\nmax_length;1")
    with pytest.raises(PabulibError) as error:
        election(ordinal)  # the first vote ranks two projects
    assert error.value.line == 18
    with pytest.raises(PabulibError):
        election(SMALL.replace("vote_type;approval", "vote_type;ordinal\nmax_length;x"))


def test_the_limits_meta_declares_for_a_vote_are_checked():
    for meta, line in (("min_length;2", 19), ("max_length;1", 18)):
        with pytest.raises(PabulibError) as error:
            election(SMALL.replace("vote_type;approval", f"vote_type;approval\n{meta}"))
        assert error.value.line == line and meta.split(";")[0] in str(error.value)
    cumulative = (
        SMALL.replace("vote_type;approval", "vote_type;cumulative\nmax_points;3\nmax_sum_points;4")
        .replace("voter_id;vote", "voter_id;vote;points")
        .replace("num_votes;6", "num_votes;1")
    )
    cumulative = _cut_votes(cumulative, 1).replace("1;a,c\n", "1;a,c;{}\n")
    assert election(cumulative.format("3,1")).ballots == [{"a": 3, "c": 1}]
    for points, key in (("4,1", "max_points"), ("3,2", "max_sum_points")):
        with pytest.raises(PabulibError, match=key):
            election(cumulative.format(points))


def test_project_totals_that_differ_from_the_ballots_are_reported():
    text = SMALL.replace("project_id;cost;name;selected", "project_id;cost;name;selected;votes")
    declared = {"a": "3", "b": "3", "c": "2", "d": "2"}  # what the ballots give
    lines = [
        line + ";" + declared[line[0]] if line[:2] in {"a;", "b;", "c;", "d;"} else line
        for line in text.splitlines()
    ]
    good = "\n".join(lines) + "\n"
    assert election(good).issues == []
    damaged = election(good.replace("3;a,d", "3;b,d"))  # a vote changed in transit
    # a has 2 approvals left where 3 are declared, b has 4
    assert [
        (i.line, i.message.split(":")[0].strip()[-1], i.message[-1]) for i in damaged.issues
    ] == [
        (11, "a", "2"),
        (12, "b", "4"),
    ]


def test_cli_refuses_damaged_files_with_exit_code_2(tmp_path, capsys):
    from palabre.cli import main

    cases = {
        "truncated.pb": _cut_votes(SMALL, 2).encode(),
        "no-votes.pb": SMALL.split("VOTES\n")[0].encode(),
        "latin.pb": SMALL.replace("Fontaine", "Fontaine\xe9").encode("latin-1"),
        "quote.pb": SMALL.replace("6;b,d", '6;"b,d').encode(),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert main(["budget", str(path)]) == 2, name
        captured = capsys.readouterr()
        assert captured.out == "" and f"{name}: " in captured.err, name
    twice = tmp_path / "twice.pb"
    twice.write_text(SMALL.replace("4;b,c", "4;b,c,b"), encoding="utf-8")
    assert main(["budget", str(twice)]) == 0
    captured = capsys.readouterr()
    assert "a\nc\n" in captured.out and "20" in captured.err and "b" in captured.err


@pytest.mark.shared_data
def test_a_real_file_cut_to_a_third_of_its_votes_is_refused(shared_data, tmp_path):
    """The finding: Assen's file cut after 7 of its 84 votes used to count, exit 0."""
    text = (shared_data / "pabulib" / "Netherlands_Assen_2024.pb").read_text(encoding="utf-8")
    path = tmp_path / "assen.pb"
    path.write_text(_cut_votes(text, 7), encoding="utf-8")
    with pytest.raises(PabulibError) as error:
        read_pb(path)
    assert "84" in str(error.value) and "7" in str(error.value)
    assert all(read_pb(p).issues == [] for p in sorted((shared_data / "pabulib").glob("*.pb")))
