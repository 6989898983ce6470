from __future__ import annotations

import random

import numpy as np

from palabre_analysis.pairwise import Comparison, PairwiseRanking, bradley_terry, next_pair


def simulate(strengths: dict[str, float], n: int, seed: int = 1, segment: str = ""):
    rng = random.Random(seed)
    items = list(strengths)
    out = []
    for _ in range(n):
        a, b = rng.sample(items, 2)
        p = strengths[a] / (strengths[a] + strengths[b])
        out.append(Comparison(a, b, segment) if rng.random() < p else Comparison(b, a, segment))
    return out


def test_bradley_terry_recovers_the_order_of_known_strengths():
    truth = {f"idee-{i:02d}": 1.4**i for i in range(10)}
    model = PairwiseRanking(n_bootstrap=50).fit(simulate(truth, 4000))
    ranking = [row["id"] for row in model.report()["ranking"]]
    assert ranking[:3] == ["idee-09", "idee-08", "idee-07"]
    assert ranking[-2:] == ["idee-01", "idee-00"]
    top = model.report()["ranking"][0]
    assert top["low"] <= top["score"] <= top["high"] and top["score"] > 70


def test_an_idea_that_always_wins_or_never_wins_keeps_a_finite_score():
    comparisons = [Comparison("a", "b")] * 20 + [Comparison("a", "c")] * 20
    rows = {r["id"]: r for r in PairwiseRanking(n_bootstrap=0).fit(comparisons).report()["ranking"]}
    assert 50 < rows["a"]["score"] < 100 and 0 < rows["b"]["score"] < 50
    assert rows["b"]["score"] == rows["c"]["score"]


def test_equal_records_give_equal_scores_and_few_votes_stay_near_the_middle():
    even = [Comparison("a", "b"), Comparison("b", "a")]
    rows = PairwiseRanking(n_bootstrap=0).fit(even).report()["ranking"]
    assert rows[0]["score"] == rows[1]["score"] == 50.0
    one = PairwiseRanking(n_bootstrap=0).fit([Comparison("a", "b")]).report()["ranking"]
    assert 50 < one[0]["score"] < 70  # one vote is weak evidence (the prior)


def test_ideas_never_compared_are_listed_and_undecided_answers_counted():
    model = PairwiseRanking(n_bootstrap=0).fit(
        [Comparison("a", "b")], items=["a", "b", "nouvelle"], undecided=3
    )
    report = model.report()
    assert {r["id"] for r in report["ranking"]} == {"a", "b", "nouvelle"}
    assert report["n_undecided"] == 3


def test_segments_are_ranked_where_the_sample_allows():
    truth = {"a": 4.0, "b": 2.0, "c": 1.0}
    comparisons = simulate(truth, 300, segment="Centre") + simulate(
        truth, 4, seed=2, segment="Port"
    )
    report = PairwiseRanking(n_bootstrap=20).fit(comparisons).report()
    assert report["segments"]["Centre"]["ranking"][0]["id"] == "a"
    assert report["segments"]["Port"]["too_small"] is True


def test_bootstrap_is_deterministic_for_a_random_state():
    comparisons = simulate({"a": 2.0, "b": 1.0, "c": 1.5}, 200)
    one = PairwiseRanking(n_bootstrap=30, random_state=7).fit(comparisons).report()
    two = PairwiseRanking(n_bootstrap=30, random_state=7).fit(comparisons).report()
    assert one == two


def test_pairs_balance_exposure():
    items = [f"i{k}" for k in range(12)]
    exposure: dict[str, int] = {}
    rng = random.Random(0)
    last = None
    for _ in range(600):
        pair = next_pair(items, exposure, rng, avoid=last)
        assert pair is not None and pair[0] != pair[1] and set(pair) != set(last or ())
        for item in pair:
            exposure[item] = exposure.get(item, 0) + 1
        last = pair
    counts = np.array([exposure[i] for i in items])
    assert counts.max() - counts.min() <= 2
    assert next_pair(["seule"], {}, rng) is None


def test_strengths_are_normalised():
    strength = bradley_terry(["a", "b"], np.array([0, 0, 1]), np.array([1, 1, 0]))
    assert abs(np.exp(np.mean(np.log(strength))) - 1) < 1e-9 and strength[0] > strength[1]


def test_cli_reads_a_csv_and_writes_json_or_csv(tmp_path, capsys):
    import json

    from palabre.cli import main

    source = tmp_path / "votes.csv"
    lines = ["winner,loser,segment,undecided"]
    lines += ["banc,fontaine,Centre,"] * 6 + ["fontaine,arbre,Port,"] * 4 + ["banc,arbre,,1"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["pairwise", str(source), "--bootstrap", "20", "-o", str(tmp_path / "r.json")]) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["ranking"][0]["id"] == "banc" and report["n_undecided"] == 1
    assert main(["pairwise", str(source), "--format", "csv", "--bootstrap", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "id,score,low,high,comparisons,wins"
    bad = tmp_path / "bad.csv"
    bad.write_text("winner,loser\nbanc,banc\n", encoding="utf-8")
    assert main(["pairwise", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 2" in err or "ligne 2" in err


def test_damaged_comparison_files_are_clear_errors_with_their_line(tmp_path):
    import pytest

    from palabre_analysis.pairwise import PairwiseInputError, read_comparisons

    path = tmp_path / "p.csv"
    for content, line in (
        (b"winner,loser\nbanc,arbre\nf\xe9e,arbre\n", 3),  # UnicodeDecodeError
        (b'winner,loser\nbanc,"arbre\nfontaine,arbre\nbanc,fontaine\n', 2),  # swallowed
        (b"winner,loser,segment\nbanc,arbre,Port\nbanc\n", 3),
    ):
        path.write_bytes(content)
        with pytest.raises(PairwiseInputError, match=rf"\b{line}\b"):
            read_comparisons(path)
