"""Representativeness and raking, against values computed by hand."""

from __future__ import annotations

import pytest

from palabre_analysis.representativeness import (
    PopulationError,
    Raking,
    dissimilarity,
    effective_sample_size,
    margin_of_error,
)


def people(**cells):
    """people(F_young=10, …) → records with sex and age."""
    out = []
    for key, n in cells.items():
        sex, age = key.split("_")
        out += [{"sexe": sex, "age": age}] * n
    return out


def test_index_is_one_minus_the_dissimilarity():
    # participants 30 % women, population 50 %: D = ½(|0.3−0.5| + |0.7−0.5|) = 0.2
    assert dissimilarity({"F": 30, "M": 70}, {"F": 0.5, "M": 0.5}) == pytest.approx(0.2)
    model = Raking({"sexe": {"F": 50, "M": 50}}).fit(people(F_x=30, M_x=70))
    report = model.report(people(F_x=30, M_x=70))
    assert report["dimensions"]["sexe"]["index"] == 0.8 and report["index"] == 0.8
    missing = report["dimensions"]["sexe"]["under_represented"]
    assert missing == [{"category": "F", "ratio": 0.6}]  # 0.3 / 0.5


def test_one_dimension_raking_and_its_effective_sample_size():
    records = people(F_x=30, M_x=70)
    model = Raking({"sexe": {"F": 0.5, "M": 0.5}}, trim=None).fit(records)
    women, men = model.weights_[0], model.weights_[-1]
    assert women == pytest.approx(50 / 30) and men == pytest.approx(50 / 70)
    # Kish: 100² / (30 × (5/3)² + 70 × (5/7)²) = 10000 / 119.0476 = 84.0
    assert model.n_effective_ == pytest.approx(84.0, abs=0.01)
    share = model.weighted_share([r["sexe"] == "F" for r in records])
    assert share["raw"] == 0.3 and share["weighted"] == 0.5
    assert share["weighted_margin"] == pytest.approx(1.96 * (0.25 / 84.0) ** 0.5, abs=1e-4)


def test_two_dimensions_keep_the_sample_odds_ratio():
    # 2×2 cells 10, 20, 30, 40 raked to 50/50 on both margins: the solution keeps the odds
    # ratio (10×40)/(20×30) = 2/3, so a² / (50 − a)² = 2/3 → a = 50·√(2/3) / (1 + √(2/3))
    records = people(F_young=10, F_old=20, M_young=30, M_old=40)
    margins = {"sexe": {"F": 0.5, "M": 0.5}, "age": {"young": 0.5, "old": 0.5}}
    model = Raking(margins, trim=None).fit(records)
    a = 50 * (2 / 3) ** 0.5 / (1 + (2 / 3) ** 0.5)
    assert model.converged_
    assert model.weights_[0] * 10 == pytest.approx(a, rel=1e-6)  # weighted F-young total
    assert sum(model.weights_[:30]) == pytest.approx(50)  # women
    assert sum(model.weights_[:10]) + sum(model.weights_[30:60]) == pytest.approx(50)  # young


def test_not_said_answers_keep_their_weight_in_that_dimension():
    records = people(F_x=20, M_x=60) + [{"sexe": None}] * 20
    model = Raking({"sexe": {"F": 0.5, "M": 0.5}}, trim=None).fit(records)
    # the 80 who said are raked 40/40; the 20 who did not keep weight 1 (mean stays 1)
    assert model.weights_[-1] == pytest.approx(1.0)
    assert sum(model.weights_[:20]) == pytest.approx(40)
    report = model.report(records)
    assert report["dimensions"]["sexe"]["not_said"] == 20


def test_trimming_caps_extreme_weights():
    records = people(F_x=2, M_x=98)
    untrimmed = Raking({"sexe": {"F": 0.5, "M": 0.5}}, trim=None).fit(records)
    assert untrimmed.weights_.max() == pytest.approx(25.0)
    trimmed = Raking({"sexe": {"F": 0.5, "M": 0.5}}, trim=5.0).fit(records)
    assert trimmed.weights_.max() <= 5.0 * trimmed.weights_.mean() + 1e-9
    assert trimmed.n_effective_ > untrimmed.n_effective_
    assert untrimmed.gap_ == pytest.approx(0, abs=1e-9) and trimmed.gap_ > 0.1
    assert trimmed.report(records)["weights"]["largest_margin_gap"] == round(trimmed.gap_, 4)


def test_small_cells_are_suppressed():
    records = people(F_x=5, M_x=95)
    rows = Raking({"sexe": {"F": 0.5, "M": 0.5}}).fit(records).report(records)
    female = rows["dimensions"]["sexe"]["categories"][0]
    assert female["count"] is None and female["sample_share"] is None
    assert female["population_share"] == 0.5


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({"age": {"jeunes": 40, "vieux": 40}}, "add up to 80.0, not 100 %"),
        ({"age": {"jeunes": -0.1, "vieux": 1.1}}, "negative"),
        ({"age": {}}, "no category"),
    ],
)
def test_bad_reference_shares_are_refused(margins, message, monkeypatch):
    monkeypatch.setenv("PALABRE_LANG", "en")
    with pytest.raises(PopulationError, match=message):
        Raking(margins)


def test_helpers():
    assert effective_sample_size([1, 1, 1, 1]) == 4
    assert margin_of_error(0.5, 100) == pytest.approx(0.098)
    assert margin_of_error(0.5, 0) is None


INSEE = (
    "CODGEO;P15_POP0014;P21_POP0014;P21_POP1529;P21_POP3044;P21_POP4559;P21_POP6074;"
    "P21_POP75P;P21_POPH;P21_POPF\n"
    "99001;1;1500;1800;2000;2100;1600;1000;4800;5200\n"
    "99002;1;10;10;10;10;10;10;30;30\n"
)


def test_reads_an_insee_population_table(tmp_path):
    from palabre_analysis.representativeness import read_insee

    path = tmp_path / "base-cc-evol-struct-pop.csv"
    path.write_text(INSEE, encoding="utf-8")
    margins = read_insee(path, code="99001")
    assert list(margins["age"]) == ["0-14", "15-29", "30-44", "45-59", "60-74", "75+"]
    assert margins["age"]["0-14"] == pytest.approx(1500 / 10000)  # the latest census, 2021
    assert margins["sexe"] == {"H": 0.48, "F": 0.52}
    Raking(margins)  # usable as reference shares


def test_insee_tables_that_do_not_fit_are_refused(tmp_path, monkeypatch):
    from palabre_analysis.representativeness import read_insee

    monkeypatch.setenv("PALABRE_LANG", "en")
    path = tmp_path / "t.csv"
    path.write_text(INSEE, encoding="utf-8")
    with pytest.raises(PopulationError, match="2 rows for"):
        read_insee(path)
    other = tmp_path / "other.csv"
    other.write_text("commune;habitants\nA;10\n", encoding="utf-8")
    with pytest.raises(PopulationError, match="not an INSEE population table"):
        read_insee(other)
    broken = tmp_path / "broken.csv"
    broken.write_text(INSEE.replace("1800", "n/a"), encoding="utf-8")
    with pytest.raises(PopulationError, match="line 2: P21_POP1529 is not a number"):
        read_insee(broken, code="99001")


def test_a_category_with_nobody_is_reported_not_raked_into_nonsense():
    # nobody under 15 took part: the raking matches the other bands among themselves
    records = people(F_adult=30, M_adult=30, F_old=20, M_old=20)
    margins = {
        "age": {"child": 0.2, "adult": 0.4, "old": 0.4},
        "sexe": {"F": 0.5, "M": 0.5},
    }
    model = Raking(margins, trim=None).fit(records)
    assert model.converged_ and model.gap_ == pytest.approx(0, abs=1e-9)
    assert model.weights_.sum() == pytest.approx(100)
    adults = sum(model.weights_[:30]) + sum(model.weights_[30:60])
    assert adults == pytest.approx(50)  # 0.4 / (0.4 + 0.4) of 100
    report = model.report(records)
    assert {"category": "child", "ratio": 0.0} in report["dimensions"]["age"]["under_represented"]


def test_a_suppressed_category_is_still_flagged_when_clearly_missing():
    records = people(F_young=3, F_old=47, M_old=50)
    model = Raking({"age": {"young": 0.3, "old": 0.7}}).fit(records)
    missing = model.report(records)["dimensions"]["age"]["under_represented"]
    assert missing == [{"category": "young", "ratio": None}]  # 3 people: figure hidden
