"""The 2019 Cap Collectif consultation export: a `type` column routes each row, rows are
ragged. Fixtures are written here (the real layout, invented text); the last test reads the
shared sample when ../shared/data is present."""

from collections import Counter

import pytest

from palabre_analysis import read
from palabre_analysis.readers import read_votes_2019
from palabre_analysis.readers.capco2019 import RaggedRows
from palabre_analysis.readers.formats import detect
from palabre_analysis.records import ReadError

# the 69 columns of the real header, in its order
HEADER = (
    "type;contributions_id;contributions_author_id;contributions_consultation_title;"
    "contributions_section_title;contributions_title;contributions_bodyText;"
    "contributions_createdAt;contributions_updatedAt;contributions_url;contributions_published;"
    "contributions_trashed;contributions_trashedStatus;contributions_trashedAt;"
    "contributions_trashedReason;contributions_votesCount;contributions_votesCountOk;"
    "contributions_votesCountMitige;contributions_votesCountNok;contributions_argumentsCount;"
    "contributions_argumentsCountFor;contributions_argumentsCountAgainst;"
    "contributions_sourcesCount;contributions_versionsCount;contributions_votes_id;"
    "contributions_votes_related_id;contributions_votes_author_id;contributions_votes_value;"
    "contributions_votes_createdAt;contributions_arguments_related_id;"
    "contributions_arguments_related_kind;contributions_arguments_id;"
    "contributions_arguments_author_id;contributions_arguments_type;"
    "contributions_arguments_body;contributions_arguments_createdAt;"
    "contributions_arguments_updatedAt;contributions_arguments_url;"
    "contributions_arguments_published;contributions_arguments_trashed;"
    "contributions_arguments_trashedStatus;contributions_arguments_trashedAt;"
    "contributions_arguments_trashedReason;contributions_arguments_votesCount;"
    "contributions_reportings_related_id;contributions_reportings_related_kind;"
    "contributions_reportings_id;contributions_reportings_author_id;"
    "contributions_reportings_type;contributions_reportings_body;"
    "contributions_reportings_createdAt;contributions_sources_id;"
    "contributions_sources_related_id;contributions_sources_related_kind;"
    "contributions_sources_author_id;contributions_sources_trashed;"
    "contributions_sources_trashedStatus;contributions_sources_trashedAt;"
    "contributions_sources_trashedReason;contributions_sources_body;"
    "contributions_sources_createdAt;contributions_sources_updatedAt;"
    "contributions_sources_published;contributions_sources_votesCount;contribution_versions_id;"
    "contribution_versions_title;contribution_versions_bodyText;contribution_versions_createdAt;"
    "contribution_versions_updatedAt"
)
COLUMNS = HEADER.split(";")
WIDTH = len(COLUMNS)


def row(width: int = WIDTH, **cells: str) -> str:
    """One `;` row with `cells` in their columns, cut (or padded) to `width` fields."""
    fields = [""] * max(width, WIDTH)
    for name, value in cells.items():
        fields[COLUMNS.index(name)] = value
    return ";".join(fields[:width])


def opinion(number: int, title: str, body: str, section: str, width: int = WIDTH) -> str:
    return row(
        width,
        type="opinion",
        contributions_id=f"op-{number}",
        contributions_section_title=section,
        contributions_title=title,
        contributions_bodyText=body,
        contributions_createdAt=f"0{number}/10/2019 10:00",
    )


def argument(number: int, parent: int, kind: str, body: str, width: int = WIDTH) -> str:
    return row(
        width,
        type="argument",
        contributions_arguments_related_id=f"op-{parent}",
        contributions_arguments_related_kind="opinion",
        contributions_arguments_id=f"arg-{number}",
        contributions_arguments_type=kind,
        contributions_arguments_body=body,
        contributions_arguments_createdAt="20/10/2019 18:00",
        contributions_arguments_updatedAt="20/10/2019 18:00",
    )


def vote(number: int, parent: int, voter: str, value: str, when: str = "10/10/2019 12:00") -> str:
    return row(
        type="vote",
        contributions_votes_id=f"v-{number}",
        contributions_votes_related_id=f"op-{parent}",
        contributions_votes_author_id=voter,
        contributions_votes_value=value,
        contributions_votes_createdAt=when,
    )


def write(tmp_path, *rows: str):
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_detected_by_its_columns_before_le_vrai_debat(tmp_path):
    assert detect(COLUMNS).name == "capcollectif-2019"
    # Le Vrai Débat's export shares two of these columns, not the type routing
    assert detect(["topic_id", "contributions_id", "contribution_versions_bodyText"]).name == (
        "vraidebat"
    )
    path = write(tmp_path, opinion(1, "Un titre", "Un texte de proposition.", "1. Section"))
    corpus = read(path)
    assert corpus.format == "capcollectif-2019"
    assert corpus.delimiter == ";"


def test_type_column_routes_rows(tmp_path):
    path = write(
        tmp_path,
        opinion(
            1, "Inclure les aides au logement", "Regrouper les aides simplifie.", "1. Périmètre"
        ),
        vote(1, 1, "voter-a", "YES"),
        argument(1, 1, "FOR", "Un seul dossier au lieu de trois."),
        row(
            type="source",
            contributions_sources_id="s-1",
            contributions_sources_related_id="op-1",
            contributions_sources_body="<p>voir le rapport</p>",
        ),
        row(
            type="reportings",
            contributions_reportings_related_id="op-1",
            contributions_reportings_body="Proposition en double",
        ),
    )
    corpus = read(path)
    assert [c.id for c in corpus.contributions] == ["op-1", "arg-1"]
    proposal, comment = corpus.contributions
    assert proposal.text == "Regrouper les aides simplifie."
    assert proposal.title == "Inclure les aides au logement"
    assert proposal.segments == {"kind": "idea", "theme": "1. Périmètre", "date": "2019-10-01"}
    assert comment.segments["kind"] == "comment"
    assert comment.segments["parent"] == "op-1"
    assert comment.segments["theme"] == "1. Périmètre"  # its proposal's section
    assert corpus.issues == []


def test_argument_stance(tmp_path):
    path = write(
        tmp_path,
        opinion(1, "Titre", "Texte de la proposition.", "S"),
        argument(1, 1, "FOR", "Pour, parce que c'est plus simple."),
        argument(2, 1, "AGAINST", "Contre, certaines familles y perdraient."),
        argument(3, 1, "", "Sans position connue."),
    )
    stances = {c.id: c.segments.get("stance", "") for c in read(path).contributions}
    assert stances == {"op-1": "", "arg-1": "for", "arg-2": "against", "arg-3": ""}


def test_short_rows_padded_and_counted(tmp_path):
    path = write(
        tmp_path,
        opinion(1, "Titre un", "Premier texte.", "S", width=35),
        opinion(2, "Titre deux", "Deuxième texte.", "S", width=64),
        argument(1, 2, "AGAINST", "Un argument contre.", width=64),
        opinion(3, "Titre trois", "Troisième texte.", "S"),
    )
    corpus = read(path)
    assert [c.id for c in corpus.contributions] == ["op-1", "op-2", "arg-1", "op-3"]
    assert corpus.contributions[2].segments["stance"] == "against"
    # one issue counts the padded rows, at the first one's line
    assert len(corpus.issues) == 1
    issue = corpus.issues[0]
    assert issue.line == 2
    assert issue.message.startswith("3 ")
    assert "35, 64" in issue.message and "69" in issue.message


def test_long_row_text_joined_or_cut_and_counted(tmp_path):
    split = argument(1, 1, "AGAINST", "Attention : certaines familles y perdraient;il faut agir")
    junk = opinion(2, "Titre", "Texte.", "S") + ";surplus"
    path = write(tmp_path, opinion(1, "Titre", "Texte.", "S"), split, junk)
    corpus = read(path)
    by_id = {c.id: c for c in corpus.contributions}
    assert by_id["arg-1"].text == "Attention : certaines familles y perdraient;il faut agir"
    assert by_id["arg-1"].segments["date"] == "2019-10-20"  # the date is back in its column
    assert by_id["op-2"].text == "Texte."
    assert [issue.line for issue in corpus.issues] == [3, 4]
    assert "contributions_arguments_body" in corpus.issues[0].message
    assert "70" in corpus.issues[1].message


def test_ragged_rows_counted_by_the_fitter():
    fitter = RaggedRows(COLUMNS)
    assert len(fitter(2, ["opinion", "x"])) == WIDTH
    fields = argument(1, 1, "FOR", "a;b").split(";")
    assert fitter(3, fields)[COLUMNS.index("contributions_arguments_body")] == "a;b"
    assert (fitter.padded, fitter.joined, fitter.cut, fitter.n_ragged) == ([2], [3], [], 2)


def test_multiline_short_row_is_not_an_unclosed_quote(tmp_path):
    body = '"Première ligne;\nseconde ligne."'
    path = write(tmp_path, opinion(1, "Titre", body, "S", width=35), opinion(2, "T", "X.", "S"))
    corpus = read(path)
    assert [c.id for c in corpus.contributions] == ["op-1", "op-2"]
    assert corpus.contributions[0].text.startswith("Première ligne;")
    assert corpus.contributions[1].line == 4


def test_votes_for_opinions(tmp_path):
    path = write(
        tmp_path,
        opinion(1, "Inclure les aides", "Texte.", "S"),
        opinion(2, "Garder les aides à part", "Texte.", "S", width=35),
        vote(1, 1, "voter-a", "YES"),
        vote(2, 2, "voter-a", "NO"),
        vote(3, 1, "voter-b", "MITIGE"),
        vote(4, 1, "voter-b", "NO", when="11/10/2019 09:00"),  # later: replaces MITIGE
    )
    votes = read_votes_2019(path)
    found = {
        (votes.participants[r], votes.statements[c]): int(v)
        for r, c, v in zip(votes.rows, votes.cols, votes.values, strict=True)
    }
    assert found == {("voter-a", "op-1"): 1, ("voter-a", "op-2"): -1, ("voter-b", "op-1"): -1}
    assert votes.texts["op-2"] == "Garder les aides à part"


def test_votes_need_this_layout(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,text\n1,bonjour\n", encoding="utf-8")
    with pytest.raises(ReadError):
        read_votes_2019(path)
    with pytest.raises(ReadError):
        read_votes_2019(write(tmp_path, opinion(1, "T", "X.", "S")))


@pytest.mark.shared_data
def test_shared_2019_sample(shared_data):
    path = shared_data / "capcollectif" / "consultation-2019-layout-sample.csv"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    corpus = read(path)
    assert corpus.format == "capcollectif-2019"
    kinds = Counter(c.segments["kind"] for c in corpus.contributions)
    assert kinds == {"idea": 4, "comment": 4}
    stances = Counter(c.segments.get("stance") for c in corpus.contributions)
    assert stances == {None: 4, "for": 2, "against": 2}
    assert all(not c.text.startswith(("http", "VXNlcj")) for c in corpus.contributions)
    # 11 short rows padded (one summary issue), 1 row with a `;` in its argument joined
    assert len(corpus.issues) == 2
    assert corpus.issues[0].message.startswith("11 ")
    assert "contributions_arguments_body" in corpus.issues[1].message
    votes = read_votes_2019(path)
    assert votes.n_votes == 6
    assert sorted(votes.values.tolist()) == [-1, -1, 0, 1, 1, 1]


def test_palabre_opinions_reads_the_votes_of_a_2019_export(shared_data):
    from palabre_analysis.opinions import read_votes

    votes = read_votes(shared_data / "capcollectif" / "consultation-2019-layout-sample.csv")
    assert votes.n_votes == 6 and sorted(votes.values.tolist()) == [-1, -1, 0, 1, 1, 1]
