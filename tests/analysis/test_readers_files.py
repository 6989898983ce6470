"""Readers on hand-made files: encodings, separators, BOMs, multi-line cells, HTML, broken rows."""

import json

import pytest

from palabre_analysis import ReadError, read


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_read(tmp_path):
    path = write(
        tmp_path,
        "idees.csv",
        'id,texte,quartier\n1,"Plus de bancs",Gare\n2,"Une ligne\nsur deux lignes",Centre\n'
        "3,trop,de,champs\n4,Des arbres,Port\n",
    )
    corpus = read(path, segment_columns=["quartier"])
    assert [c.id for c in corpus.contributions] == ["1", "2", "4"]
    assert corpus.contributions[1].text == "Une ligne\nsur deux lignes"
    assert [c.line for c in corpus.contributions] == [2, 3, 6]
    assert [i.line for i in corpus.issues] == [5]
    assert "4" in corpus.issues[0].message and "3" in corpus.issues[0].message
    assert corpus.contributions[2].segments == {"quartier": "Port"}


def test_iso_8859_1_semicolons_and_quotes(tmp_path):
    content = '"id";"title";"description";"cached_votes_up";"created_at";"retired_at"\n"7";"Métro";"<p>Accès pour tous à la station</p>";"12";"03/02/2017";""\n'
    corpus = read(write(tmp_path, "consul.csv", content, encoding="latin-1"))
    assert (corpus.format, corpus.encoding, corpus.delimiter) == ("consul", "cp1252", ";")
    contribution = corpus.contributions[0]
    assert contribution.text == "Accès pour tous à la station" and contribution.title == "Métro"
    assert contribution.segments["date"] == "2017-02-03"


def test_utf8_bom_and_tabs(tmp_path):
    path = write(tmp_path, "export.tsv", "\ufeffid\ttext\n1\tÉcole\n")
    corpus = read(path)
    assert corpus.columns == ["id", "text"] and corpus.contributions[0].text == "École"


def test_grand_debat_wide_format(tmp_path):
    content = (
        (
            "id,reference,title,createdAt,publishedAt,updatedAt,trashed,trashedStatus,authorId,"
            "authorType,authorZipCode,QUXVlc3Rpb246MTYy - Quelles démarches ?,QUXVlc3Rpb246MTYz - Que proposez-vous ?\n"
            'abc,1-1,t,2019-01-22 10:00:00,,,false,,u1,Citoyen,75001,"La carte grise",\n'
            "def,1-2,t,2019-01-23 10:00:00,,,false,,u2,Citoyen,75002,,Un guichet unique\n"
        )
        .replace("QUXVlc3Rpb246MTYy", "Q162")
        .replace("QUXVlc3Rpb246MTYz", "Q163")
    )
    corpus = read(write(tmp_path, "gd.csv", content))
    assert corpus.format == "granddebat"
    assert [(c.id, c.text, c.segments["question"]) for c in corpus.contributions] == [
        ("abc-Q162", "La carte grise", "Quelles démarches ?"),
        ("def-Q163", "Un guichet unique", "Que proposez-vous ?"),
    ]
    assert all("75001" not in str(c.segments) for c in corpus.contributions)  # no zip codes


def test_json_lines_with_a_broken_line(tmp_path):
    lines = [
        json.dumps({"id": 1, "text": "Un"}),
        "{pas du json",
        json.dumps([1, 2]),
        json.dumps({"id": 4, "text": "Quatre"}),
    ]
    corpus = read(write(tmp_path, "c.jsonl", "\n".join(lines)))
    assert [c.text for c in corpus.contributions] == ["Un", "Quatre"]
    assert [i.line for i in corpus.issues] == [2, 3]


def test_json_list_under_a_key(tmp_path):
    corpus = read(
        write(tmp_path, "c.json", json.dumps({"data": [{"id": "a", "body": "<b>Gras</b>"}]}))
    )
    assert corpus.contributions[0].text == "Gras"
    with pytest.raises(ReadError):
        read(write(tmp_path, "bad.json", "{oops"))


def test_xlsx(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Identifiant", "Contribution", "Canal"])
    sheet.append([1, "Sur papier, à la mairie", "papier"])
    sheet.append([None, None, None])
    sheet.append([3, "En ligne", "en ligne"])
    path = tmp_path / "atelier.xlsx"
    workbook.save(path)
    corpus = read(path, segment_columns=["Canal"])
    assert [(c.id, c.text, c.segments["Canal"]) for c in corpus.contributions] == [
        ("1", "Sur papier, à la mairie", "papier"),
        ("3", "En ligne", "en ligne"),
    ]
    assert corpus.contributions[1].line == 4


def test_unknown_or_missing_columns_list_the_columns_found(tmp_path):
    path = write(tmp_path, "x.csv", "a,b\n1,2\n")
    with pytest.raises(ReadError) as excinfo:
        read(path)
    assert excinfo.value.columns == ["a", "b"]
    with pytest.raises(ReadError) as excinfo:
        read(path, text_column="texte")
    assert "texte" in str(excinfo.value) and excinfo.value.columns == ["a", "b"]
    with pytest.raises(ReadError):
        read(tmp_path / "absent.csv")
    with pytest.raises(ReadError):
        read(write(tmp_path, "vide.csv", ""))


def test_duplicate_ids_are_kept_and_reported(tmp_path):
    corpus = read(write(tmp_path, "d.csv", "id,text\n1,a b\n1,c d\n"))
    assert [c.id for c in corpus.contributions] == ["1", "1#2"]
    assert corpus.issues[0].line == 3


def test_nul_bytes_do_not_stop_the_reading(tmp_path):
    corpus = read(write(tmp_path, "n.csv", b"id,text\n1,ok\n2,bad\x00byte\n3,fine\n"))
    assert "fine" in [c.text for c in corpus.contributions]


def test_decidim_new_column_style(tmp_path):
    content = (
        "id;title/fr;title/en;body/fr;taxonomies;state;likes/total_count;comments_count;latitude;longitude;created_in_meeting;published_at\n"
        '12;Des bancs;Benches;"<p>Plus de bancs sur la place</p>";Cadre de vie;accepted;14;2;50.6;3.0;false;2024-05-02 10:00:00 +0200\n'
    )
    corpus = read(write(tmp_path, "decidim.csv", content))
    assert corpus.format == "decidim"
    contribution = corpus.contributions[0]
    assert (contribution.title, contribution.text) == ("Des bancs", "Plus de bancs sur la place")
    assert (
        contribution.segments["theme"] == "Cadre de vie"
        and contribution.segments["date"] == "2024-05-02"
    )


# --- damaged files: every problem reported with its line, the rest read, no traceback --------


def test_an_unclosed_quote_is_reported_and_the_lines_it_swallowed_are_read(tmp_path):
    # csv alone merged lines 2 to 4 into one contribution, silently
    path = write(
        tmp_path,
        "q.csv",
        'id,texte,quartier\n1,"Plus de bancs,Gare\n2,Des arbres,Port\n'
        '3,"Une fontaine",Centre\n4,Un banc,Nord\n',
    )
    corpus = read(path, segment_columns=["quartier"])
    assert [(c.id, c.text, c.line) for c in corpus.contributions] == [
        ("2", "Des arbres", 3),
        ("3", "Une fontaine", 4),
        ("4", "Un banc", 5),
    ]
    assert [i.line for i in corpus.issues] == [2]
    # up to the end of the file, or never closed on the last line
    corpus = read(write(tmp_path, "r.csv", 'id,texte\n1,ok\n2,"jamais fermé\n3,perdu\n'))
    assert [(c.id, c.line) for c in corpus.contributions] == [("1", 2), ("3", 4)]
    assert [i.line for i in corpus.issues] == [3]
    corpus = read(write(tmp_path, "s.csv", 'id,texte\n1,ok\n2,"jamais fermé'))
    assert [c.id for c in corpus.contributions] == ["1"] and [i.line for i in corpus.issues] == [3]
    # a well-formed multi-line value is still one value
    corpus = read(write(tmp_path, "t.csv", 'id,texte\n1,"deux\nlignes"\n2,fin\n'))
    assert [c.text for c in corpus.contributions] == ["deux\nlignes", "fin"] and not corpus.issues


def test_bytes_that_do_not_decode_are_reported_with_their_line(tmp_path):
    # A UTF-8 export with one damaged byte: read as UTF-8 (not as Windows-1252, which
    # turned every accent into mojibake without a word), the damaged row reported.
    content = "id,texte\n1,Café\n2,abîmé\n3,Éole\n".encode().replace("î".encode(), b"\xff")
    corpus = read(write(tmp_path, "u.csv", content))
    assert corpus.encoding == "utf-8"
    assert [c.text for c in corpus.contributions] == ["Café", "Éole"]
    assert [i.line for i in corpus.issues] == [3] and "UTF-8" in corpus.issues[0].message
    # Windows-1252 leaves five bytes undefined: used to be a UnicodeDecodeError
    content = "id;texte\n1;Métro\n2;a\x81b\n3;Accès\n".encode("latin-1")
    corpus = read(write(tmp_path, "w.csv", content))
    assert corpus.encoding == "cp1252"
    assert [c.text for c in corpus.contributions] == ["Métro", "Accès"]
    assert [i.line for i in corpus.issues] == [3]
    lines = b'{"id": 1, "text": "un"}\n{"id": 2, "text": "d\x81eux"}\n{"id": 3, "text": "trois"}\n'
    corpus = read(write(tmp_path, "l.jsonl", lines))
    assert [c.id for c in corpus.contributions] == ["1", "3"] and [
        i.line for i in corpus.issues
    ] == [2]
    with pytest.raises(ReadError) as excinfo:
        read(
            write(
                tmp_path,
                "b.json",
                '[{"id": 1,\n "text": "café crème ÿ"}]'.encode().replace(b"\xc3\xbf", b"\xff"),
            )
        )
    assert "2" in str(excinfo.value)


def test_deeply_nested_or_oversized_json_is_a_clear_error(tmp_path):
    with pytest.raises(ReadError) as excinfo:  # used to be a RecursionError
        read(write(tmp_path, "deep.json", "[" * 100_000))
    assert "500" in str(excinfo.value)
    with pytest.raises(ReadError):
        read(write(tmp_path, "big.json", '[{"id": ' + "9" * 5000 + ', "text": "x"}]'))
    lines = '{"id": 1, "text": "un"}\n' + "[" * 100_000 + '\n{"id": 3, "text": "trois"}\n'
    corpus = read(write(tmp_path, "deep.jsonl", lines))
    assert [c.id for c in corpus.contributions] == ["1", "3"] and [
        i.line for i in corpus.issues
    ] == [2]


def test_a_damaged_xlsx_is_a_clear_error(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["id", "text"])
    for i in range(200):
        workbook.active.append([i, f"Contribution {i}"])
    path = tmp_path / "ok.xlsx"
    workbook.save(path)
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) - 30):
        with pytest.raises(ReadError):
            read(write(tmp_path, "cut.xlsx", data[:cut]))


def test_the_cli_reports_damaged_files_with_exit_code_2(tmp_path, capsys):
    from palabre.cli import main

    assert main(["inspect", str(write(tmp_path, "deep.json", "[" * 100_000))]) == 2
    assert "500" in capsys.readouterr().err
    content = 'id,texte\n1,"ouvert\n2,deux\n3,trois\n'
    assert main(["inspect", str(write(tmp_path, "q.csv", content)), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_input"] == 2 and [i["line"] for i in report["issues"]] == [2]


def test_the_other_importers_refuse_damaged_files_with_their_own_error(tmp_path):
    """Codebooks, corrections, labels, evaluation records and INSEE tables: bytes that are
    not text, deep JSON, a broken workbook give the importer's error, not a traceback."""
    from palabre_analysis.barometer import RecordError, read_records
    from palabre_analysis.codebook import load_codebook, load_corrections
    from palabre_analysis.evaluation import load_labels
    from palabre_analysis.representativeness import PopulationError, read_insee

    # UTF-8 (its accents well formed) with one damaged byte on line 4
    damaged = "name,description\nVoirie,Rénovées, élargies\nÉcole,Cantine\nSport,x\n".encode()
    damaged = damaged.replace(b",x\n", b",\xff\n")
    for loader, name in (
        (load_codebook, "codebook.csv"),
        (load_codebook, "codebook.yaml"),
        (load_corrections, "corrections.csv"),
        (load_labels, "labels.csv"),
    ):
        with pytest.raises(ReadError, match="4"):
            loader(write(tmp_path, name, damaged))
    with pytest.raises(ReadError):
        load_corrections(write(tmp_path, "corrections.xlsx", b"PK\x03\x04 not a workbook"))
    with pytest.raises(ReadError):
        load_codebook(write(tmp_path, "deep.yaml", "[" * 100_000))
    for content in (
        b"\xff{}",
        b"[" * 100_000,
        b'{"kind": "x", "schema_version": "1.0", '
        b'"record_id": 1, "organisation": [], "process": {}, "metrics": {}}',
    ):
        with pytest.raises(RecordError):
            read_records([write(tmp_path, "record.json", content)])
    with pytest.raises(PopulationError):
        read_insee(write(tmp_path, "insee.csv", b"CODGEO;P21_POPH\n\xff;12\n"))


@pytest.mark.parametrize(
    "name, content",
    [
        ("entete.csv", "id,texte,quartier\n"),
        ("entete-lignes-vides.csv", "id;texte\r\n\r\n;\r\n"),
        ("vide.json", "[]"),
        ("vide.jsonl", "\n\n"),
    ],
)
def test_a_file_with_no_row_is_a_clear_error_not_an_empty_report(
    tmp_path, monkeypatch, name, content
):
    monkeypatch.setenv("PALABRE_LANG", "en")
    with pytest.raises(ReadError) as caught:
        read(write(tmp_path, name, content))
    assert "no row" in str(caught.value) or "no record" in str(caught.value)


def test_a_header_only_xlsx_is_a_clear_error(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["id", "texte"])
    path = tmp_path / "entete.xlsx"
    workbook.save(path)
    with pytest.raises(ReadError) as caught:
        read(path)
    assert caught.value.columns == ["id", "texte"]


def test_the_cli_says_in_french_that_a_header_only_file_holds_no_row(tmp_path, capsys, monkeypatch):
    from palabre.cli import main

    monkeypatch.setenv("PALABRE_LANG", "fr")
    path = write(tmp_path, "entete.csv", "id,texte\n")
    for command in ("synthesize", "inspect"):
        assert main([command, str(path)]) == 2
        err = capsys.readouterr().err
        assert "Le fichier ne contient aucune ligne" in err, err
        assert "Colonnes trouvées : id, texte" in err


def test_rows_that_all_fail_are_issues_not_a_no_row_error(tmp_path):
    corpus = read(write(tmp_path, "bad.csv", "id,texte\n1,a,b,c\n2,d,e,f\n"))
    assert corpus.contributions == [] and [i.line for i in corpus.issues] == [2, 3]
