"""Language of each contribution: py3langid's model scored in batches (languages.py)."""

import json
from pathlib import Path

import jsonschema
import pytest

from palabre_analysis.languages import LanguageDetector, detect_languages, prepare
from palabre_analysis.records import Contribution, Corpus
from palabre_analysis.synthesis import Synthesizer

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "src/palabre_analysis/schema/synthesis.schema.json"
    ).read_text()
)

# Hand-written sentences, as people write them in a consultation.
SENTENCES = {
    "fr": [
        "Les démarches administratives sont beaucoup trop compliquées pour les personnes âgées",
        "Il faudrait des pistes cyclables sécurisées entre la gare et le centre-ville",
        "La mairie devrait ouvrir le samedi matin pour ceux qui travaillent en semaine",
    ],
    "ca": [
        "Cal més carrils bici segurs entre l'estació i el centre de la ciutat",
        "Els veïns del barri demanen que la biblioteca obri els dissabtes a la tarda",
        "Proposem plantar més arbres als carrers per fer ombra a l'estiu",
    ],
    "es": [
        "Hace falta más carriles bici seguros entre la estación y el centro de la ciudad",
        "Los vecinos del barrio piden que la biblioteca abra los sábados por la tarde",
        "Proponemos plantar más árboles en las calles para dar sombra en verano",
    ],
    "en": [
        "We need more safe cycle lanes between the station and the town centre",
        "Residents would like the library to open on Saturday afternoons",
        "Plant more trees along the streets to give shade in the summer",
    ],
    "de": [
        "Wir brauchen mehr sichere Radwege zwischen dem Bahnhof und der Innenstadt",
        "Die Anwohner wünschen sich, dass die Bibliothek samstags nachmittags öffnet",
        "Mehr Bäume in den Straßen pflanzen, damit es im Sommer Schatten gibt",
    ],
    "it": [
        "Servono più piste ciclabili sicure tra la stazione e il centro della città",
        "Gli abitanti del quartiere chiedono che la biblioteca apra il sabato pomeriggio",
        "Proponiamo di piantare più alberi nelle strade per avere ombra d'estate",
    ],
}


def test_each_language_is_recognised():
    texts = [t for sentences in SENTENCES.values() for t in sentences]
    expected = [code for code, sentences in SENTENCES.items() for _t in sentences]
    assert detect_languages(texts) == expected


def test_the_batch_gives_py3langids_own_probabilities():
    """The numpy walk of the byte automaton is py3langid's `classify`, text for text."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    detector = LanguageDetector(batch_size=7)  # several batches of uneven lengths
    texts = [t for sentences in SENTENCES.values() for t in sentences] + [
        "Carte grise",
        "PERMIS DE CONSTRUIRE",
        "Ça ne m'est pas arrivé, ÉVIDEMMENT",
        "",
        "!!!",
        "الخدمات العامة",
        "x" * 400,
    ]
    detector.fit(texts)
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    reference.set_languages(list(detector.classes_))
    for text, probabilities in zip(texts, detector.probabilities_, strict=True):
        ranked = dict(reference.rank(prepare(text, detector.max_chars)))
        for code, p in zip(detector.classes_, probabilities, strict=True):
            assert p == pytest.approx(ranked[code], abs=1e-4), (text, code)


def test_short_texts_lean_towards_the_corpus_languages():
    french = SENTENCES["fr"] * 3 + ["Carte grise", "Permis de conduire"]
    assert detect_languages(french)[-2:] == ["fr", "fr"]
    catalan = SENTENCES["ca"] * 3 + ["Més carrils bici", "Biblioteca oberta"]
    assert detect_languages(catalan)[-2:] == ["ca", "ca"]
    # a long text in another language keeps its own language in a French corpus
    mixed = SENTENCES["fr"] * 10 + SENTENCES["en"][:1]
    assert detect_languages(mixed)[-1] == "en"


def test_identifiers_do_not_decide_the_language():
    text = "https://www.example.com/the/english/path Les démarches sont trop longues en mairie"
    assert detect_languages([text]) == ["fr"]
    assert prepare("Voir gid://decidim-app/Decidim::User/759 ICI", 160) == "voir   ici"


def corpus_of(texts):
    return Corpus([Contribution(id=str(i), text=t) for i, t in enumerate(texts)], [], ["text"], "x")


def test_the_result_counts_languages_and_warns_when_most_texts_are_not_french(monkeypatch):
    monkeypatch.setenv("PALABRE_LANG", "fr")
    texts = SENTENCES["ca"] * 4 + SENTENCES["es"] * 2 + SENTENCES["fr"] + ["RAS"]
    result = Synthesizer(n_topics=2).fit(corpus_of(texts)).result_
    jsonschema.validate(result, SCHEMA)
    assert result["schema_version"] == "1.3"
    assert result["languages"] == {"ca": 12, "es": 6, "fr": 3}  # "RAS" is set aside
    assert list(result["languages"]) == ["ca", "es", "fr"]  # the most frequent first
    (warning,) = result["warnings"]
    assert warning.startswith("La plupart des textes ne sont pas en français")
    assert "catalan 57 %" in warning and "espagnol 29 %" in warning
    assert "py3langid" in result["libraries"]


def test_a_french_corpus_has_no_warning():
    texts = SENTENCES["fr"] * 3 + SENTENCES["en"]
    result = Synthesizer(n_topics=2).fit(corpus_of(texts)).result_
    assert result["languages"] == {"fr": 9, "en": 3} and result["warnings"] == []


def test_an_empty_corpus_says_there_is_nothing_to_analyse(monkeypatch):
    monkeypatch.setenv("PALABRE_LANG", "en")
    result = Synthesizer().fit(corpus_of([])).result_
    jsonschema.validate(result, SCHEMA)
    assert result["languages"] == {} and result["warnings"] == [
        "The input holds no contribution: there is nothing to analyse."
    ]
    result = Synthesizer().fit(corpus_of(["RAS", "non"])).result_
    assert result["warnings"] == ["Every answer is without content: there is nothing to analyse."]


def test_the_cli_prints_the_warning_and_inspect_lists_languages(tmp_path, capsys, monkeypatch):
    from palabre.cli import main

    monkeypatch.setenv("PALABRE_LANG", "fr")
    path = tmp_path / "ca.csv"
    rows = [f'{i},"{t}"' for i, t in enumerate(SENTENCES["ca"] * 4 + SENTENCES["fr"])]
    path.write_text("id,texte\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["synthesize", str(path), "--topics", "2", "-o", str(tmp_path / "r.json")]) == 0
    assert "Avertissement : La plupart des textes ne sont pas en français" in (
        capsys.readouterr().err
    )
    assert main(["inspect", str(path)]) == 0
    assert "Langues : catalan 12, français 3" in capsys.readouterr().out
