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
        election(SMALL.replace("4;b,c", "4;b,b"))
    with pytest.raises(PabulibError):
        election("PROJECTS\nproject_id;cost\n")


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
