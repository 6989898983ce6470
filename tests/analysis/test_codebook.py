"""Codebook mode: the agents' categories, confidence, review list, proposals, corrections."""

import json

import jsonschema
import pytest

from palabre_analysis.codebook import load_codebook, load_corrections
from palabre_analysis.records import Contribution, Corpus, ReadError
from palabre_analysis.synthesis import Synthesizer

from .test_synthesis import SCHEMA, corpus

CODEBOOK_CSV = """name;description;keywords;examples
Mobilité;Vélo, bus et déplacements;piste cyclable, bus, vélo;Une ligne de bus vers la gare|Des pistes cyclables
École;Écoles et cantines;école; cantine;La cantine de l'école
Espaces verts;Parcs et jardins;parc; arbre; jardin;Des bancs dans le parc
"""
CODEBOOK_YAML = """
categories:
  - name: Mobilité
    keywords: [piste cyclable, bus, vélo]
  - name: École
    description: Écoles et cantines
    keywords: école; cantine
  - name: Espaces verts
    keywords: [parc, arbre, jardin]
    examples: [Des bancs dans le parc]
"""


@pytest.fixture
def codebook(tmp_path):
    path = tmp_path / "grille.csv"
    path.write_text(CODEBOOK_CSV, encoding="utf-8")
    return load_codebook(path)


def test_csv_and_yaml_codebooks(tmp_path, codebook):
    assert [c.name for c in codebook] == ["Mobilité", "École", "Espaces verts"]
    assert codebook[0].keywords == ["piste cyclable", "bus", "vélo"]
    assert codebook[0].examples == ["Une ligne de bus vers la gare", "Des pistes cyclables"]
    yaml_path = tmp_path / "grille.yaml"
    yaml_path.write_text(CODEBOOK_YAML, encoding="utf-8")
    assert [c.keywords for c in load_codebook(yaml_path)][1] == ["école", "cantine"]
    bad = tmp_path / "bad.csv"
    bad.write_text("nom;mots\nx;y\n", encoding="utf-8")
    with pytest.raises(ReadError) as excinfo:
        load_codebook(bad)
    assert excinfo.value.columns == ["nom", "mots"]


def test_categories_are_applied_with_confidence(codebook):
    data = corpus()
    data.contributions.append(Contribution(id="mixte", text="Un bus pour aller à l'école le matin"))
    result = Synthesizer(n_topics=4, codebook=codebook).fit(data).result_
    jsonschema.validate(result, SCHEMA)
    book = result["codebook"]
    assigned = {row["id"]: {c["name"] for c in row["categories"]} for row in book["assignments"]}
    assert "Mobilité" in assigned["vélo-0-0"] and "Mobilité" in assigned["bus-1-3"]
    assert "École" in assigned["école-2-5"]
    assert "Espaces verts" in assigned["parc-0-9"]
    assert assigned["mixte"] >= {"Mobilité", "École"}  # several categories
    assert assigned["c0"] == set()  # the market-hall campaign fits no category
    sizes = {c["name"]: c["size"] for c in book["categories"]}
    assert sizes["Mobilité"] >= 60 and sizes["École"] >= 30
    confidences = [c["confidence"] for row in book["assignments"] for c in row["categories"]]
    assert all(0 < c <= 1 for c in confidences)


def test_what_fits_no_category_is_proposed_as_new_categories(codebook):
    contributions = corpus().contributions + [
        Contribution(id=f"m{i}", text=f"Rénover le marché couvert {place}")
        for i, place in enumerate(
            ["vite", "cet hiver", "avec les commerçants", "en 2027", "enfin"] * 5
        )
    ]
    result = (
        Synthesizer(n_topics=4, codebook=codebook)
        .fit(Corpus(contributions, [], [], "generic"))
        .result_
    )
    labels = " ".join(p["label"].lower() for p in result["codebook"]["proposed_categories"])
    assert "marché" in labels


def test_corrections_override_and_are_reported(tmp_path, codebook):
    path = tmp_path / "corrections.csv"
    path.write_text("id,category\nvélo-0-0,École\nbus-0-0,Inconnue\n", encoding="utf-8")
    corrections = load_corrections(path)
    assert corrections == {"vélo-0-0": "École", "bus-0-0": "Inconnue"}
    result = (
        Synthesizer(n_topics=4, codebook=codebook, corrections=corrections).fit(corpus()).result_
    )
    row = next(r for r in result["codebook"]["assignments"] if r["id"] == "vélo-0-0")
    assert row["categories"] == [{"name": "École", "confidence": 1.0}]
    assert result["codebook"]["unknown_corrections"] == ["Inconnue"]


def test_topic_corrections_without_codebook(tmp_path):
    first = Synthesizer(n_topics=4).fit(corpus()).result_
    school = next(t for t in first["topics"] if "école" in t["label"].lower())
    result = (
        Synthesizer(n_topics=4, corrections={"vélo-0-0": school["label"], "x": "?"})
        .fit(corpus())
        .result_
    )
    row = next(a for a in result["assignments"] if a["id"] == "vélo-0-0")
    assert row["topic"] == school["id"] and row["corrected"]
    assert result["corrections"] == {"applied": 1, "unknown": ["?"]}


def test_corrections_from_the_engine_workbook(tmp_path, codebook):
    from openpyxl import load_workbook

    from palabre_analysis.report_xlsx import write_xlsx

    synthesizer = Synthesizer(n_topics=4).fit(corpus())
    path = tmp_path / "synthese.xlsx"
    write_xlsx(synthesizer.result_, synthesizer.texts_, path)
    workbook = load_workbook(path)
    sheet = workbook["Contributions"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "parc-1-1":
            row[-1].value = "T1"
    workbook.save(path)
    assert load_corrections(path) == {"parc-1-1": "T1"}


def test_cli_with_codebook_and_html(tmp_path):
    import os
    import subprocess

    from .test_synthesis import PALABRE

    data = tmp_path / "c.csv"
    rows = ["id,texte"] + [f'{c.id},"{c.text}"' for c in corpus().contributions]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    book = tmp_path / "grille.yaml"
    book.write_text(CODEBOOK_YAML, encoding="utf-8")
    out = tmp_path / "r.html"
    env = {**os.environ, "PALABRE_LANG": "fr"}
    done = subprocess.run(
        [PALABRE, "synthesize", str(data), "--codebook", str(book), "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text()
    assert "Vos catégories" in html and "Mobilité" in html
    done = subprocess.run(
        [PALABRE, "synthesize", str(data), "--codebook", str(tmp_path / "absent.csv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 2 and "introuvable" in done.stderr
    json_out = tmp_path / "r.json"
    subprocess.run(
        [PALABRE, "synthesize", str(data), "--codebook", str(book), "-o", str(json_out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    assert json.loads(json_out.read_text())["settings"]["codebook"] == [
        "Mobilité",
        "École",
        "Espaces verts",
    ]
