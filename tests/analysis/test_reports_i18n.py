"""The HTML report and the opinion-map page read in French: no English sentence, no "1 réponses".

xgettext does not look inside f-strings: a message marked there is never extracted, hence never
translated. The first two tests check every message of the engine mechanically."""

import ast
import gettext
from pathlib import Path
from types import SimpleNamespace

import pytest

from palabre_analysis.records import Contribution, Corpus
from palabre_analysis.synthesis import Synthesizer

ENGINE = Path(__file__).resolve().parents[2] / "src/palabre_analysis"
MO = ENGINE / "locale/fr/LC_MESSAGES/palabre_analysis.mo"


def _message_calls():
    """(file, line, call node, inside an f-string) for every `_()` and `ngettext()` call."""
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstring = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.JoinedStr)
            for sub in ast.walk(node)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"_", "ngettext"}
            ):
                yield path.name, node.lineno, node, id(node) in in_fstring


def test_no_message_is_marked_inside_an_f_string():
    hidden = [f"{name}:{line}" for name, line, _node, inside in _message_calls() if inside]
    assert hidden == [], "xgettext cannot extract these: " + ", ".join(hidden)


def test_every_message_of_the_engine_has_a_french_translation():
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    missing = []
    for name, line, node, _inside in _message_calls():
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            key = first.value if node.func.id == "_" else (first.value, 0)
            if not catalog.get(key):
                missing.append(f"{name}:{line} {first.value[:60]!r}")
    assert missing == [], missing


CAMPAIGN = (
    "Nous, habitants du quartier nord, demandons solennellement la sauvegarde du marché "
    "couvert, la rénovation complète de sa toiture avant l'hiver prochain, des places de "
    "stationnement pour les commerçants, un éclairage digne de ce nom dans les allées, des "
    "bancs pour les anciens et un horaire d'ouverture élargi le dimanche matin jusqu'à midi"
)


@pytest.fixture
def french_report(monkeypatch):
    from palabre_analysis.report_html import render_html

    monkeypatch.setenv("PALABRE_LANG", "fr")
    texts = [
        ("Il faut des pistes cyclables sécurisées au centre", "for"),
        ("Les pistes cyclables du centre sont dangereuses", "against"),
        ("Des pistes cyclables éclairées vers la gare", "for"),
        ("Réparer les pistes cyclables du quartier nord", "for"),
        ("RAS", "for"),
    ] + [(CAMPAIGN, "for")] * 3
    corpus = Corpus(
        [
            Contribution(id=f"c{i}", text=t, segments={"stance": s, "file": "atelier.csv"})
            for i, (t, s) in enumerate(texts)
        ],
        [],
        ["id", "texte"],
        "generic",
    )
    synthesizer = Synthesizer(n_topics=1, segments=("file",)).fit(corpus)
    return synthesizer.result_, render_html(synthesizer.result_, synthesizer.texts_)


def test_the_french_report_agrees_its_counts(french_report):
    result, html = french_report
    assert result["n_set_aside"] == 1 and len(result["topics"]) == 1
    assert "<strong>1</strong>sujet<" in html
    assert "<strong>1</strong>réponse sans contenu mise de côté<" in html
    assert "<strong>1</strong>campagne de copier-coller<" in html
    assert "1 réponse sans contenu a été mise de côté (elle est comptée, pas analysée)" in html
    assert "1 campagne a été trouvée." in html  # the method, from the result
    assert "1 sujet a été trouvé." in result["method"]
    for wrong in ("1 sujets", "1 réponses", "1 campagnes", "1 contributions"):
        assert wrong not in html, wrong


def test_the_french_report_names_stances_breakdowns_and_settings_in_french(french_report):
    _result, html = french_report
    assert "pour 6" in html and "contre 1" in html  # stances of the topic
    assert "for 6" not in html and ">for<" not in html and ">against<" not in html
    assert "Sujets par fichier" in html
    assert "graine aléatoire = 0" in html and "random_state" not in html
    assert "None" not in html
    assert 'lang="fr"' in html


def test_a_long_campaign_text_is_cut_at_a_word_with_an_ellipsis(french_report):
    from palabre_analysis.cleaning import shorten

    _result, html = french_report
    cut = shorten(CAMPAIGN, 300)
    assert cut.endswith("…") and CAMPAIGN.startswith(cut[:-1])
    assert CAMPAIGN[len(cut) - 1] == " "  # the cut falls between two words
    assert f"<td>{cut.replace(chr(39), '&#x27;')}</td>" in html


def test_inspect_cuts_campaign_examples_at_a_word(tmp_path):
    from palabre_analysis.inspect import inspect_corpus

    long = CAMPAIGN + " " + CAMPAIGN
    corpus = Corpus([Contribution(id=str(i), text=long) for i in range(3)], [], [], "x")
    example = inspect_corpus(corpus).to_dict()["duplicate_groups"][0]["example"]
    assert example.endswith("…") and long.startswith(example[:-1])
    assert long[len(example) - 1] == " "


def _opinion_report(size):
    return {
        "n_participants": size,
        "n_statements": 1,
        "n_votes": size,
        "n_clustered": size,
        "groups": [
            {
                "id": 0,
                "size": size,
                "representative_statements": [
                    {"id": "s1", "direction": "agree", "agree": 1.0, "disagree": 0.0}
                ],
            }
        ],
        "consensus": [{"id": "s1", "agreement": {"0": 1.0}}],
        "divisive": [],
    }


def test_the_opinion_map_page_reads_in_french(monkeypatch):
    from palabre_analysis.opinions_html import render

    monkeypatch.setenv("PALABRE_LANG", "fr")
    votes = SimpleNamespace(texts={"s1": "Plus de bancs au parc"})
    html = render(_opinion_report(1), votes)
    assert 'lang="fr"' in html and "<h1>Carte des opinions</h1>" in html
    assert "1 participant, 1 proposition, 1 vote." in html
    assert "1 participant ayant assez voté est classé dans un groupe." in html
    assert "Groupe 1 : 1 participant<" in html
    assert "Proposition</th>" in html and "Ce qui distingue ce groupe" in html
    assert "être d’accord" in html and "Pas d’accord" in html
    for english in ("Opinion map", "Statement", "Agreement by group", "participants"):
        assert english not in html, english
    many = render(_opinion_report(3), votes)
    assert "3 participants, 1 proposition, 3 votes." in many
    assert "Groupe 1 : 3 participants<" in many


def test_the_opinion_map_page_takes_the_language_at_render_time(monkeypatch):
    from palabre_analysis.opinions_html import render

    votes = SimpleNamespace(texts={"s1": "More benches"})
    monkeypatch.setenv("PALABRE_LANG", "fr")
    render(_opinion_report(2), votes)
    monkeypatch.setenv("PALABRE_LANG", "en")
    html = render(_opinion_report(2), votes)
    assert 'lang="en"' in html and "<td>agree</td>" in html and "Opinion map" in html
