"""Rows from CSV, XLSX, JSON and JSON Lines files, each with its line number.

A row is a `dict[str, str]`; a row that cannot be read becomes a `ReadIssue` and the reading
goes on."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import _
from ..records import ReadError, ReadIssue
from .sniff import detect_delimiter, detect_encoding

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    issues: list[ReadIssue]
    encoding: str = ""
    delimiter: str = ""


def open_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx(path)
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl(path)
    if suffix == ".json":
        return _json(path)
    return _csv(path)


def _csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        sample = handle.read(65536)
    delimiter = detect_delimiter(sample)
    issues: list[ReadIssue] = []
    handle = path.open(encoding=encoding, newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise ReadError(_("The file is empty.")) from None
    columns = [c.strip() for c in header]
    if len(set(columns)) != len(columns):
        seen: dict[str, int] = {}
        for i, name in enumerate(columns):
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                columns[i] = f"{name}.{seen[name]}"

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        start = reader.line_num + 1
        try:
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    issues.append(
                        ReadIssue(start, _("unreadable row ({error})").format(error=error))
                    )
                    start = reader.line_num + 1
                    continue
                line, start = start, reader.line_num + 1
                if not any(field.strip() for field in record):
                    continue
                if len(record) != len(columns):
                    message = _("{found} fields where the header has {expected}")
                    issues.append(
                        ReadIssue(line, message.format(found=len(record), expected=len(columns)))
                    )
                    continue
                yield line, dict(zip(columns, record, strict=True))
        finally:
            handle.close()

    return Table(columns, rows(), issues, encoding=encoding, delimiter=delimiter)


def _xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ReadError(
            _("This is not a readable XLSX file ({error}).").format(error=error)
        ) from error
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = next(values)
    except StopIteration:
        raise ReadError(_("The first sheet is empty.")) from None
    columns = [str(c).strip() if c is not None else f"column {i + 1}" for i, c in enumerate(header)]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, record in enumerate(values, start=2):
            cells = ["" if v is None else str(v) for v in record]
            if any(c.strip() for c in cells):
                cells += [""] * (len(columns) - len(cells))
                yield line, dict(zip(columns, cells[: len(columns)], strict=True))
        workbook.close()

    return Table(columns, rows(), [], encoding="xlsx")


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in record.items()}


def _jsonl(path: Path) -> Table:
    encoding = detect_encoding(path)
    issues: list[ReadIssue] = []
    columns: list[str] = []
    with path.open(encoding=encoding) as handle:
        for line in handle:
            if line.strip():
                try:
                    first = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(first, dict):
                    columns = list(first)
                break

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with path.open(encoding=encoding) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    issues.append(
                        ReadIssue(number, _("invalid JSON ({error})").format(error=error.msg))
                    )
                    continue
                if not isinstance(record, dict):
                    issues.append(ReadIssue(number, _("not a JSON object")))
                    continue
                yield number, _flatten(record)

    return Table(columns, rows(), issues, encoding=encoding)


def _json(path: Path) -> Table:
    encoding = detect_encoding(path)
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as error:
        raise ReadError(
            _("Invalid JSON at line {line}: {error}.").format(line=error.lineno, error=error.msg)
        ) from error
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if lists else [data]
    if not isinstance(data, list):
        raise ReadError(_("The JSON file holds no list of contributions."))
    issues: list[ReadIssue] = []
    columns = list(data[0]) if data and isinstance(data[0], dict) else []

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for index, record in enumerate(data, start=1):
            if isinstance(record, dict):
                yield index, _flatten(record)
            else:
                issues.append(
                    ReadIssue(index, _("item {index} is not a JSON object").format(index=index))
                )

    return Table(columns, rows(), issues, encoding=encoding)
