"""The synthesis contract: topics, set-aside answers, campaigns, determinism, JSON schema."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from palabre_analysis import read
from palabre_analysis.records import Contribution, Corpus
from palabre_analysis.synthesis import Synthesizer

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "src/palabre_analysis/schema/synthesis.schema.json"
    ).read_text()
)
PALABRE = shutil.which("palabre") or str(Path(sys.executable).with_name("palabre"))

# Short texts (under the 8 words of a possible campaign): topics must come from vocabulary.
THEMES = {
    "vélo": [
        "Pistes cyclables sécurisées {0}",
        "Pistes cyclables éclairées {0}",
        "Réparer les pistes cyclables {0}",
    ],
    "école": ["Cantine de l'école {0}", "Rénover l'école primaire {0}", "Garderie de l'école {0}"],
    "parc": [
        "Bancs dans le parc {0}",
        "Jeux pour enfants au parc {0}",
        "Arbres du parc municipal {0}",
    ],
    "bus": ["Horaires des bus {0}", "Ligne de bus {0}", "Bus de nuit {0}"],
}
PLACES = [
    "au centre",
    "gare",
    "quartier nord",
    "Bellevue",
    "au Port",
    "lycée",
    "week-end",
    "familles",
    "en été",
    "marché",
]
CAMPAIGN = (
    "Nous, habitants du quartier nord, demandons solennellement la sauvegarde du marché "
    "couvert et la rénovation complète de sa toiture avant l'hiver prochain"
)


def corpus() -> Corpus:
    contributions = []
    for theme, templates in THEMES.items():
        for t, template in enumerate(templates):
            for p, place in enumerate(PLACES):
                contributions.append(
                    Contribution(
                        id=f"{theme}-{t}-{p}",
                        text=template.format(place),
                        segments={
                            "quartier": ["Nord", "Sud"][p % 2],
                            "stance": ["for", "against"][t % 2],
                        },
                    )
                )
    contributions += [Contribution(id=f"c{i}", text=CAMPAIGN) for i in range(30)]
    contributions += [
        Contribution(id=f"vide{i}", text=t) for i, t in enumerate(["RAS", "non", "Néant", "..."])
    ]
    return Corpus(contributions, [], ["id", "texte"], "generic")


@pytest.fixture(scope="module")
def result():
    return Synthesizer(n_topics=4, segments=("quartier",), random_state=0).fit(corpus()).result_


def test_result_matches_the_json_schema(result):
    jsonschema.validate(result, SCHEMA)


def test_empty_answers_are_set_aside_and_counted(result):
    assert result["n_input"] == 4 * 3 * 10 + 30 + 4
    assert result["n_set_aside"] == 4
    assert sorted(result["set_aside"]["ids"]) == ["vide0", "vide1", "vide2", "vide3"]
    assigned = {a["id"] for a in result["assignments"]}
    assert len(assigned) == result["n_input"] - 4 and not assigned & set(result["set_aside"]["ids"])


def test_a_campaign_is_one_voice_with_its_size_shown(result):
    campaign = [g for g in result["duplicate_groups"] if g["campaign"]]
    assert len(campaign) == 1 and campaign[0]["size"] == 30
    assert result["n_voices"] == 120 + 1


def test_topics_follow_the_themes_with_readable_labels(result):
    top = [t for t in result["topics"] if t["parent"] is None]
    assert len(top) == 4
    by_id = {a["id"]: a["topic"] for a in result["assignments"]}
    parent = {t["id"]: (t["parent"] or t["id"]) for t in result["topics"]}
    for theme in THEMES:
        topics = {
            parent[by_id[f"{theme}-{t}-{p}"]]
            for t in range(3)
            for p in range(10)
            if by_id[f"{theme}-{t}-{p}"]
        }
        assert len(topics) == 1, (theme, topics)
    labels = " | ".join(t["label"].lower() for t in top)
    for word in ("cycla", "école", "parc", "bus"):
        assert word in labels or any(word in k for t in top for k in t["keywords"]), labels
    for topic in result["topics"]:
        assert 1 <= len(topic["representatives"]) <= 5 or topic["size"] == 0
    shares = sum(t["share"] for t in top) + result["unclassified"]["share"]
    assert shares == pytest.approx(1.0, abs=0.01)


def test_automatic_topics_are_pure():
    result = Synthesizer(random_state=0).fit(corpus()).result_
    parent = {t["id"]: (t["parent"] or t["id"]) for t in result["topics"]}
    themes_of: dict[str, set[str]] = {}
    for a in result["assignments"]:
        if a["topic"] and not a["id"].startswith("c"):
            themes_of.setdefault(parent[a["topic"]], set()).add(a["id"].split("-")[0])
    assert themes_of and all(len(themes) == 1 for themes in themes_of.values()), themes_of


def test_segments_and_stances_are_broken_down(result):
    quartier = result["segments"]["quartier"]
    assert set(quartier) >= {"Nord", "Sud"}
    assert sum(sum(v.values()) for v in quartier.values()) == len(result["assignments"])
    assert any(t.get("stances") for t in result["topics"])


def test_same_input_same_output():
    first = Synthesizer(random_state=3).fit(corpus()).result_
    second = Synthesizer(random_state=3).fit(corpus()).result_
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_personal_data_is_masked_in_outputs():
    contributions = [
        Contribution(id=str(i), text=f"Appelez le 06 12 34 56 78 ou écrivez à a.b@c.fr idée {i}")
        for i in range(5)
    ]
    synthesizer = Synthesizer(n_topics=1).fit(Corpus(contributions, [], [], "generic"))
    dumped = json.dumps(synthesizer.result_, ensure_ascii=False) + json.dumps(synthesizer.texts_)
    assert "06 12" not in dumped and "a.b@c.fr" not in dumped


def test_cli_writes_json_and_fails_clearly(tmp_path):
    path = tmp_path / "c.csv"
    rows = ["id,texte,quartier"] + [
        f'{c.id},"{c.text}",{c.segments.get("quartier", "")}' for c in corpus().contributions
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out_file = tmp_path / "r.json"
    env = {**os.environ, "PALABRE_LANG": "fr"}
    done = subprocess.run(
        [
            PALABRE,
            "synthesize",
            str(path),
            "--segment",
            "quartier",
            "--topics",
            "4",
            "-o",
            str(out_file),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Recherche des sujets" in done.stderr
    result = json.loads(out_file.read_text())
    jsonschema.validate(result, SCHEMA)
    assert result["settings"]["n_topics"] == 4
    bad = subprocess.run(
        [PALABRE, "synthesize", str(path), "--text-column", "nope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2 and "Colonnes trouvées : id, texte, quartier" in bad.stderr
    bad = subprocess.run(
        [PALABRE, "synthesize", str(path), "--topics", "zéro"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 2


@pytest.mark.shared_data
def test_grand_debat_answers_give_topics_an_agent_would_recognise(shared_data):
    corpus_ = read(shared_data / "granddebat/organisation_etat_demarches.csv", text_column="answer")
    result = Synthesizer(random_state=0).fit(corpus_).result_
    jsonschema.validate(result, SCHEMA)
    assert 3000 <= result["n_set_aside"] <= 4000  # "non", "RAS", "Néant"…
    labels = {t["label"].lower() for t in result["topics"]}
    for expected in ("carte grise", "permis de construire", "carte d'identité"):
        assert expected in labels, labels
    assert result["unclassified"]["share"] < 0.1


def test_xlsx_workbook_for_agents(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from palabre_analysis.report_xlsx import write_xlsx

    monkeypatch.setenv("PALABRE_LANG", "fr")
    data = corpus()
    data.contributions.append(Contribution(id="formule", text="=SOMME(A1:A9) idée de formule"))
    synthesizer = Synthesizer(n_topics=4).fit(data)
    path = tmp_path / "synthese.xlsx"
    write_xlsx(synthesizer.result_, synthesizer.texts_, path)
    workbook = load_workbook(path, read_only=True)
    assert (
        workbook.sheetnames[:3] == ["Propositions", "Sujets", "Contributions"]
        and workbook.sheetnames[-1] == "Méthode"
    )
    assert len(workbook.sheetnames) == 3 + 4 + 1
    rows = list(workbook["Contributions"].iter_rows(values_only=True))
    assert rows[0][-1] == "Correction (identifiant du sujet)"
    assert len(rows) == 1 + len(data.contributions)
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["vide0"][6] == "oui"
    assert by_id["formule"][1].startswith("=")  # the exact text…
    cells = {r[0].value: r for r in workbook["Contributions"].iter_rows(min_row=2)}
    assert cells["formule"][1].data_type == "s"  # …in a text cell: never a formula
    assert by_id["vélo-0-0"][2]  # a topic label


def test_cli_reads_several_files_at_once(tmp_path):
    first, second = tmp_path / "atelier.csv", tmp_path / "en-ligne.csv"
    contributions = corpus().contributions
    first.write_text(
        "id,texte\n" + "".join(f'{c.id},"{c.text}"\n' for c in contributions[:60]), encoding="utf-8"
    )
    second.write_text(
        "id,texte\n" + "".join(f'{c.id},"{c.text}"\n' for c in contributions[60:]), encoding="utf-8"
    )
    out = tmp_path / "r.json"
    done = subprocess.run(
        [PALABRE, "synthesize", str(first), str(second), "--topics", "3", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["n_input"] == len(contributions)
    assert {a["id"].split(":")[0] for a in result["assignments"]} == {"atelier.csv", "en-ligne.csv"}
    assert set(result["segments"]["file"]) == {"atelier.csv", "en-ligne.csv"}
