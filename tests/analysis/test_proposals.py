"""What people propose inside each topic: verbatim texts, distinct voices, determinism."""

import json
from pathlib import Path

import jsonschema
import pytest

from palabre_analysis import read
from palabre_analysis.proposals import Document, ProposalFinder, readable, split_units
from palabre_analysis.records import Contribution, Corpus
from palabre_analysis.synthesis import Synthesizer

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[2] / "src/palabre_analysis/schema/synthesis.schema.json"
    ).read_text()
)

MAIRIE = [
    "Ouvrir la mairie le samedi matin.",
    "Il faudrait ouvrir la mairie le samedi matin, pour ceux qui travaillent.",
    "Ouvrir la   mairie le samedi matin\nserait bien pratique.",
    "La mairie devrait ouvrir le samedi matin. Les horaires actuels ne conviennent pas.",
    "Horaires trop courts : ouvrir la mairie le samedi matin !",
]
BUS = [
    "Ajouter un bus de nuit vers la gare.",
    "Il manque un bus de nuit vers la gare le week-end.",
    "Mettre en place un bus de nuit vers la gare, le vendredi.",
    "Créer un bus de nuit vers la gare pour les jeunes.",
]
OTHER = [
    "Le marché couvert mérite une rénovation de sa toiture.",
    "Planter des arbres dans la cour de l'école primaire.",
    "Les trottoirs de la rue haute sont dangereux pour les poussettes.",
    "Le stationnement près de la poste est impossible aux heures de pointe.",
]
NOTHING = ["Je n'ai rien à ajouter", "non", "rien", "Je n'ai rien à ajouter", "Rien à ajouter."]


def corpus(texts: list[str], stances: list[str] | None = None) -> Corpus:
    contributions = [
        Contribution(
            id=str(100 + i),
            text=text,
            segments={"stance": stances[i]} if stances else {},
        )
        for i, text in enumerate(texts)
    ]
    return Corpus(contributions, [], ["texte"], "generic")


def normalised(text: str) -> str:
    return " ".join(text.split())


def verbatim(proposal: dict, texts: dict[str, str]) -> bool:
    """The text (without the ellipsis of a cut) is in one of its evidence contributions."""
    quoted = proposal["text"].removesuffix("…")
    return any(quoted in normalised(texts[i]) for i in proposal["evidence"])


@pytest.fixture(scope="module")
def result():
    return Synthesizer(random_state=0).fit(corpus(MAIRIE + BUS + OTHER + NOTHING)).result_


def test_the_two_obvious_proposals_are_found(result):
    texts = {p["text"]: p for p in result["proposals"]}
    mairie = next(p for t, p in texts.items() if "mairie le samedi matin" in t)
    bus = next(p for t, p in texts.items() if "bus de nuit vers la gare" in t)
    assert mairie["evidence"] == ["100", "101", "102", "103", "104"]
    assert mairie["contributors"] == 5
    assert sorted(bus["evidence"]) == ["105", "106", "107", "108"]
    assert len(result["proposals"]) == 2  # the other texts are said once; "rien" is no proposal
    topics = {a["id"]: a["topic"] for a in result["assignments"]}
    parent = {t["id"]: t["parent"] or t["id"] for t in result["topics"]}
    for proposal in result["proposals"]:
        assert {parent[topics[i]] for i in proposal["evidence"]} == {proposal["topic"]}


def test_texts_are_verbatim_extracts_of_their_evidence(result):
    texts = {str(100 + i): t for i, t in enumerate(MAIRIE + BUS + OTHER + NOTHING)}
    for proposal in result["proposals"]:
        assert verbatim(proposal, texts), proposal


def test_the_result_matches_the_json_schema(result):
    jsonschema.validate(result, SCHEMA)
    major, minor = map(int, result["schema_version"].split("."))
    assert (major, minor) >= (1, 2)  # proposals since 1.2
    assert "propos" in result["method"]  # the method says how proposals are found


def test_contributors_are_distinct_voices():
    """A copy-paste campaign is one voice; identical short answers each count."""
    campaign = (
        "Nous demandons d'ouvrir la mairie le samedi matin pour les familles qui travaillent "
        "toute la semaine."
    )
    texts = MAIRIE[:2] + [campaign] * 6 + ["Ouvrir la mairie le samedi matin."] * 3 + OTHER
    result = Synthesizer(random_state=0).fit(corpus(texts)).result_
    (proposal,) = [p for p in result["proposals"] if "samedi" in p["text"]]
    assert len(proposal["evidence"]) == 11  # every contribution that says it…
    assert proposal["contributors"] == 2 + 1 + 3  # …the campaign counted once
    groups = [set(g["ids"]) for g in result["duplicate_groups"] if g["campaign"]]
    evidence = set(proposal["evidence"])
    expected = len(evidence) - sum(len(g & evidence) - 1 for g in groups if g & evidence)
    assert proposal["contributors"] == expected


def test_same_input_same_proposals():
    data = corpus(MAIRIE + BUS + OTHER + NOTHING)
    first = Synthesizer(random_state=3).fit(data).result_["proposals"]
    assert first == Synthesizer(random_state=3).fit(data).result_["proposals"]


def test_small_or_empty_topics_give_no_proposal():
    assert Synthesizer().fit(corpus([])).result_["proposals"] == []
    assert Synthesizer().fit(corpus(NOTHING)).result_["proposals"] == []
    assert Synthesizer().fit(corpus(MAIRIE[:1] + OTHER)).result_["proposals"] == []
    one_voice = Document(
        topic="T1",
        leaf="T1",
        parts=("Ouvrir la mairie le samedi matin. Ouvrir la mairie le samedi matin, vite.",),
        ids=("1",),
        voices=1.0,
        voice=1,
    )
    assert ProposalFinder().fit([one_voice]).proposals_ == []


def test_proposals_keep_stances_apart():
    texts = [
        *MAIRIE,
        "Ne pas ouvrir la mairie le samedi.",  # short: not a campaign
        "Surtout, ne pas ouvrir la mairie le samedi !",
    ]
    stances = ["for"] * len(MAIRIE) + ["against"] * 2
    proposals = Synthesizer(n_topics=1).fit(corpus(texts, stances)).result_["proposals"]
    assert len(proposals) == 2
    by_stance = {p["stance"]: p for p in proposals}
    assert by_stance["for"]["contributors"] == 5
    assert by_stance["against"]["evidence"] == ["105", "106"]


def test_at_most_a_handful_per_topic_most_held_first():
    documents = [
        Document(
            topic="T1",
            leaf="T1.1" if n < 20 else "T1.2",
            parts=(f"Réparer la fontaine numéro {n // 3} du square Jean Moulin.",),
            ids=(str(n),),
            voices=1.0,
            voice=n,
        )
        for n in range(24)
    ]
    documents += [
        Document(
            topic="T1",
            leaf="T1.2",
            parts=(f"Installer des toilettes publiques près du stade {n}.",),
            ids=(f"w{n}",),
            voices=1.0,
            voice=f"w{n}",
        )
        for n in range(7)
    ]
    proposals = ProposalFinder(max_per_topic=2).fit(documents).proposals_
    assert [p["id"] for p in proposals] == ["T1.P1", "T1.P2"]
    assert proposals[0]["contributors"] >= proposals[1]["contributors"]
    toilets = next(p for p in proposals if "toilettes" in p["text"])
    assert toilets["subtopic"] == "T1.2" and toilets["contributors"] == 7


def test_units_and_readable_texts():
    assert split_units("- Premier point ; second point\n- Troisième » et «quatre» ! cinq") == [
        "Premier point",
        "second point",
        "Troisième » et «quatre» !",
        "cinq",
    ]
    long = "Ouvrir " + "la mairie le samedi matin et " * 12 + "fin."
    first = split_units(long)[0]
    cut = readable(first)
    assert len(cut) <= 201 and cut.endswith("…")
    assert normalised(long).startswith(cut.removesuffix("…"))
    assert cut.removesuffix("…").split()[-1] in long.split()  # never cut mid-word
    assert readable("Ouvrir la mairie le samedi.") == "Ouvrir la mairie le samedi."


def test_no_personal_data_is_quoted():
    texts = [
        "Ouvrir la mairie le samedi matin, appelez-moi au 06 12 34 56 78.",
        "Ouvrir la mairie le samedi matin, écrivez à jean@example.org.",
        *MAIRIE[:2],
    ]
    result = Synthesizer().fit(corpus(texts)).result_
    for proposal in result["proposals"]:
        assert "06 12" not in proposal["text"] and "@" not in proposal["text"]


@pytest.mark.shared_data
def test_grand_debat_proposals_are_verbatim_and_held(shared_data):
    data = read(shared_data / "granddebat/organisation_etat_demarches.csv", text_column="answer")
    result = Synthesizer(random_state=0).fit(data).result_
    jsonschema.validate(result, SCHEMA)
    texts = {c.id: c.text for c in data.contributions}
    proposals = result["proposals"]
    assert len(proposals) >= 3 * len([t for t in result["topics"] if t["parent"] is None])
    for proposal in proposals:
        assert verbatim(proposal, texts), proposal
        assert 2 <= proposal["contributors"] <= len(proposal["evidence"])
    # "Fournir plusieurs fois le même document", said by dozens of people in their own words
    repeated = [p for p in proposals if "plusieurs fois" in p["text"].lower()]
    assert max(p["contributors"] for p in repeated) >= 30


def test_the_reports_lead_with_the_proposals(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from palabre_analysis.report_html import render_html
    from palabre_analysis.report_xlsx import write_xlsx

    monkeypatch.setenv("PALABRE_LANG", "fr")
    synthesizer = Synthesizer(random_state=0).fit(corpus(MAIRIE + BUS + OTHER + NOTHING))
    html = render_html(synthesizer.result_, synthesizer.texts_)
    main = html[html.index("<main>") :]
    assert main.index('id="propositions"') < main.index('id="chiffres"')
    assert "<strong>Ouvrir la mairie le samedi matin.</strong> — 5 voix" in html
    path = tmp_path / "synthese.xlsx"
    write_xlsx(synthesizer.result_, synthesizer.texts_, path)
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames[:3] == ["Propositions", "Sujets", "Contributions"]
    rows = list(workbook["Propositions"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Proposition", "Voix")
    mairie = next(r for r in rows if r[0] == "Ouvrir la mairie le samedi matin.")
    assert mairie[1] == 5 and mairie[-1] == "100, 101, 102, 103, 104"


def test_reports_without_proposals_say_so(monkeypatch):
    from palabre_analysis.report_html import render_html

    monkeypatch.setenv("PALABRE_LANG", "en")
    synthesizer = Synthesizer().fit(corpus(OTHER))
    assert "No proposal is shared by at least two voices." in render_html(
        synthesizer.result_, synthesizer.texts_
    )
