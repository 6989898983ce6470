"""Cells of the files we let people download, which spreadsheets open (ADR 0009).

A spreadsheet reads a CSV cell that starts with `=`, `+`, `-` or `@` (after a tab or a line
break in some of them) as a formula: a contribution could then run a command or send the other
cells to a web address. In CSV, such a text gets a leading apostrophe (OWASP's advice); the
rule can be undone exactly (remove one apostrophe from a text that starts with apostrophes
then one of those characters). In XLSX, a text is stored as a text cell, which no spreadsheet
runs: its value is unchanged."""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

# Apostrophes already there are counted in, so that the rule can be undone exactly.
FORMULA_START = re.compile(r"'*[=+\-@\t\r\n\0]")
# A plain number such as -5 or +3,5 is a number to a spreadsheet, not a formula.
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def csv_text(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet runs; anything but text is left as it is."""
    if isinstance(value, str) and FORMULA_START.match(value) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvWriter:
    """`csv.writer` whose cells go through `csv_text`."""

    def __init__(self, out: SupportsWrite[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_text(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose cells go through `csv_text`."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: csv_text(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)


def csv_writer(out: SupportsWrite[str], **options: Any) -> CsvWriter:
    return CsvWriter(out, **options)


def csv_dict_writer(
    out: SupportsWrite[str], fieldnames: Collection[str], **options: Any
) -> CsvDictWriter:
    return CsvDictWriter(out, fieldnames=fieldnames, **options)


def xlsx_cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only openpyxl sheet: each text a text cell with its exact value
    (never a formula, nor an error such as `#N/A`), except the control characters XML cannot
    hold, written as spaces; other values as they are. The engine's rule, one for both."""
    from palabre_analysis.report_xlsx import text_cells

    return text_cells(sheet, values)
