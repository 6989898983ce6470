"""Rows from CSV, XLSX, JSON and JSON Lines files, each with its line number.

A row is a `dict[str, str]`; a row that cannot be read becomes a `ReadIssue` and the reading
goes on."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..i18n import _
from ..records import ReadError, ReadIssue
from .csvrows import UNDECODABLE, CsvRecords
from .sniff import detect_delimiter, encoding_name, sniff_encoding

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


#: Makes a row of another width than the header fit it (`line`, `fields` → fields).
RowFitter = Callable[[int, list[str]], list[str]]


@dataclass
class Table:
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    issues: list[ReadIssue]
    encoding: str = ""
    delimiter: str = ""
    #: Set before the first row is read, by a format whose exports have ragged rows: CSV
    #: rows with fewer or more fields than the header go through it instead of being
    #: reported as unreadable (it counts and reports what it did).
    fit_row: RowFitter | None = None
    reader: CsvRecords | None = None

    def allow_ragged(self, fitter: RowFitter) -> None:
        self.fit_row = fitter
        if self.reader is not None:
            self.reader.short_rows = True  # a short multi-line row is not a swallowing quote


def open_table(path: Path) -> Table:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx(path)
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl(path)
    if suffix == ".json":
        return _json(path)
    return _csv(path)


def _encoding(path: Path) -> tuple[str, bool]:
    """The file's encoding and whether it decodes cleanly. Files are opened with
    ``errors="surrogateescape"``: bytes that do not decode come in as lone surrogates, and
    their rows are reported (see csvrows). UTF-16 has no such escape: a UTF-16 file that
    does not decode is refused whole."""
    encoding, clean = sniff_encoding(path)
    if not clean and encoding == "utf-16":
        raise ReadError(_("The file starts as UTF-16 text but does not decode as UTF-16."))
    return encoding, clean


def _open_text(path: Path, encoding: str) -> TextIO:
    """Lines cut as CSV wants them (``\\n``, ``\\r\\n`` or ``\\r``), endings kept."""
    return path.open(encoding=encoding, newline="", errors="surrogateescape")


def read_text(path: Path) -> str:
    """The whole file as text, in its sniffed encoding; bytes that do not decode are a
    ReadError with their line (for small files read whole: codebooks, corrections…)."""
    encoding, _clean = _encoding(path)
    raw = path.read_bytes()
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise ReadError(
            _("Line {line}: bytes that are not valid {encoding} text.").format(
                line=raw[: error.start].count(b"\n") + 1, encoding=encoding_name(encoding)
            )
        ) from None


def _csv(path: Path) -> Table:
    encoding, clean = _encoding(path)
    with _open_text(path, encoding) as handle:
        sample = handle.read(65536)
    delimiter = detect_delimiter(sample)
    issues: list[ReadIssue] = []
    handle = _open_text(path, encoding)
    reader = CsvRecords(
        handle,
        delimiter=delimiter,
        check_undecodable=not clean,
        encoding=encoding_name(encoding),
    )
    records = iter(reader)
    try:
        first = next(records, None)
    except BaseException:
        handle.close()
        raise
    if first is None or first.fields is None:
        handle.close()
        if first is None:
            raise ReadError(_("The file is empty."))
        raise ReadError(
            _("No readable header line (line {line}: {message}).").format(
                line=first.line, message=first.problem
            )
        )
    header = first.fields
    columns = [c.strip() for c in header]
    if len(set(columns)) != len(columns):
        seen: dict[str, int] = {}
        for i, name in enumerate(columns):
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                columns[i] = f"{name}.{seen[name]}"
    reader.width = len(columns)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for record in records:
                if record.fields is None:
                    issues.append(ReadIssue(record.line, record.problem))
                    continue
                if not any(field.strip() for field in record.fields):
                    continue
                if len(record.fields) != len(columns) and table.fit_row is not None:
                    fields = table.fit_row(record.line, record.fields)
                    yield record.line, dict(zip(columns, fields, strict=True))
                    continue
                if len(record.fields) != len(columns):
                    message = _("{found} fields where the header has {expected}")
                    issues.append(
                        ReadIssue(
                            record.line,
                            message.format(found=len(record.fields), expected=len(columns)),
                        )
                    )
                    continue
                yield record.line, dict(zip(columns, record.fields, strict=True))
        finally:
            handle.close()

    table = Table(columns, iter(()), issues, encoding=encoding, delimiter=delimiter)
    table.reader = reader
    table.rows = rows()
    return table


def _xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    def unreadable(error: Exception) -> ReadError:
        return ReadError(_("This is not a readable XLSX file ({error}).").format(error=error))

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        if not workbook.worksheets:
            raise ReadError(_("The first sheet is empty."))
        values = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(values, None)
    except ReadError:
        raise
    except Exception as error:  # openpyxl (zipfile, XML parsers) raises many kinds
        raise unreadable(error) from error
    if header is None:
        workbook.close()
        raise ReadError(_("The first sheet is empty."))
    columns = [str(c).strip() if c is not None else f"column {i + 1}" for i, c in enumerate(header)]

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        # the sheet is read lazily: a part damaged further on only shows now
        try:
            for line, record in enumerate(values, start=2):
                cells = ["" if v is None else str(v) for v in record]
                if any(c.strip() for c in cells):
                    cells += [""] * (len(columns) - len(cells))
                    yield line, dict(zip(columns, cells[: len(columns)], strict=True))
        except Exception as error:
            raise unreadable(error) from error
        finally:
            workbook.close()

    return Table(columns, rows(), [], encoding="xlsx")


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    return {str(k): v for k, v in record.items()}


class _NotJson(Exception):
    """Text that is not JSON: `message` says why, `line` where when json knows it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _load_json(text: str) -> Any:
    """json.loads, with deep nesting (RecursionError) and over-long integers (ValueError)
    turned into `_NotJson`, like syntax errors: reasons, not crashes."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _NotJson(error.msg, error.lineno) from None
    except RecursionError:
        line = _too_deep_line(text)
        message = _("nested more than {depth} levels deep").format(depth=MAX_JSON_DEPTH)
        raise _NotJson(message, line) from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise _NotJson(str(error)) from None


MAX_JSON_DEPTH = 500
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|\n')


def _too_deep_line(text: str) -> int | None:
    """The line where `text` gets nested more than MAX_JSON_DEPTH levels deep."""
    depth, line = 0, 1
    for match in _JSON_TOKENS.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return line
        elif piece in "]}":
            depth -= 1
        elif piece == "\n":
            line += 1
        else:
            line += piece.count("\n")
    return None


def _jsonl(path: Path) -> Table:
    encoding, clean = _encoding(path)
    issues: list[ReadIssue] = []
    columns: list[str] = []
    with path.open(encoding=encoding, errors="surrogateescape") as handle:
        for line in handle:
            if line.strip() and not UNDECODABLE.search(line):
                try:
                    first = _load_json(line)
                except _NotJson:
                    continue
                if isinstance(first, dict):
                    columns = list(first)
                break

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with path.open(encoding=encoding, errors="surrogateescape") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                if not clean and UNDECODABLE.search(line):
                    message = _("bytes that are not valid {encoding} text")
                    issues.append(
                        ReadIssue(number, message.format(encoding=encoding_name(encoding)))
                    )
                    continue
                try:
                    record = _load_json(line)
                except _NotJson as error:
                    message = _("invalid JSON ({error})").format(error=error.message)
                    issues.append(ReadIssue(number, message))
                    continue
                if not isinstance(record, dict):
                    issues.append(ReadIssue(number, _("not a JSON object")))
                    continue
                yield number, _flatten(record)

    return Table(columns, rows(), issues, encoding=encoding)


def _json(path: Path) -> Table:
    encoding, _clean = _encoding(path)
    text = read_text(path)
    try:
        data = _load_json(text)
    except _NotJson as error:
        if error.line is None:
            raise ReadError(_("Invalid JSON: {error}.").format(error=error.message)) from None
        raise ReadError(
            _("Invalid JSON at line {line}: {error}.").format(line=error.line, error=error.message)
        ) from None
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
