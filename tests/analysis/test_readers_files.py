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
