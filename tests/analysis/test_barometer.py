"""The barometer: evaluation records pooled into comparable figures."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from palabre_analysis.barometer import (
    RecordError,
    generate,
    pool,
    population_band,
    read_records,
    render_html,
)

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "src/palabre_analysis/schema/evaluation-record.schema.json"
    ).read_text(encoding="utf-8")
)


def record(i: int, *, kind="commune", population=10_000, participants=100, year=2025, **extra):
    base = {
        "schema_version": "1.0",
        "record_id": f"test-record-{i:04d}",
        "organisation": {
            "type": kind,
            "population_band": population_band(population),
            "population": population,
        },
        "process": {"template": "idea_box", "year": year, "channels": ["online"]},
        "metrics": {"participants": participants, "contributions": participants * 2},
        "partners": ["associations"] if i % 2 else ["none"],
        "objectives": [{"objective": "inform", "met": True}],
    }
    base.update(extra)
    return base


def test_generated_records_follow_the_schema_and_are_labelled():
    records = generate(50)
    assert len({r["record_id"] for r in records}) == 50
    for r in records:
        jsonschema.validate(r, SCHEMA)
        assert r["generated"] is True


def test_medians_and_shares_match_hand_computed_values():
    # participants per 1,000: 5, 10, 15, 20, 25 → median 15, quartiles 10 and 20
    records = [record(i, participants=50 * (i + 1)) for i in range(5)]
    report = pool(records)
    figure = report["overall"]["participants_per_1000"]
    assert (figure["n"], figure["median"], figure["p25"], figure["p75"]) == (5, 15, 10, 20)
    assert report["overall"]["partners"]["associations"] == 0.4  # records 1 and 3
    assert report["overall"]["objectives"]["inform"] == 1.0


def test_small_groups_are_suppressed():
    records = [record(i) for i in range(6)] + [record(10, kind="region", population=3_000_000)]
    report = pool(records, min_group=5)
    assert report["by_type"]["region"] == {"n": 1, "suppressed": True}
    assert report["by_type"]["commune"]["n"] == 6


def test_duplicates_count_once_and_bad_records_are_refused(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps([record(1), record(2)]), encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps(record(2)) + "\n", encoding="utf-8")
    records, duplicates = read_records([folder])
    assert len(records) == 2 and duplicates == 1
    old = tmp_path / "old.json"
    old.write_text(json.dumps(record(3, schema_version="0.9")), encoding="utf-8")
    with pytest.raises(RecordError, match=r"old\.json#1"):
        read_records([old])
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(record(4, kind="canton")), encoding="utf-8")
    with pytest.raises(RecordError, match="canton"):
        read_records([odd])


def test_cli_generates_a_pool_and_writes_the_html_report(tmp_path):
    from palabre.cli import main

    pool_dir = tmp_path / "pool"
    assert main(["barometer", "--generate", str(pool_dir)]) == 0
    assert len(list(pool_dir.glob("*.json"))) == 50
    out = tmp_path / "report.html"
    assert main(["barometer", str(pool_dir), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Baromètre de la démocratie locale numérique" in page
    assert "50 enregistrements sur 50 sont générés" in page
    assert main(["barometer", str(tmp_path / "missing.json")]) == 2


def test_the_report_is_accessible_html():
    page = render_html(pool(generate(20)))
    assert page.startswith("<!DOCTYPE html>") and 'lang="fr"' in page
    assert page.count('role="img"') == page.count("<figcaption>")  # every chart has its table
