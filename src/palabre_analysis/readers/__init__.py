"""Read contributions from a file: `read(path, …)` → `Corpus`."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

from ..i18n import _
from ..records import Contribution, Corpus, ReadError, ReadIssue
from .capco2019 import read_votes_2019
from .formats import FORMATS, detect, generic
from .tabular import open_table

__all__ = ["FORMATS", "read", "read_votes_2019"]


def read(
    path: str | Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    title_column: str | None = None,
    segment_columns: Sequence[str] = (),
    format: str = "auto",
) -> Corpus:
    """Read every contribution of `path`.

    `format="auto"` recognises the exports of Grand Débat, Decidim, CONSUL, Cap Collectif and
    Pol.is from their columns, unless a text column is given; otherwise the file is read as a
    generic table. Rows that cannot be read are listed in `Corpus.issues` with their line
    numbers (an unclosed quote, bytes that are not text in the file's encoding, a JSON Lines
    line that is not JSON…); the others are read. Raises `ReadError` when the file as a
    whole cannot be used (a header line with no row under it included), and nothing else
    whatever the file holds (checked on thousands of mutated files by
    tests/analysis/test_readers_properties.py).
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError(_("No such file: {path}.").format(path=path))
    try:
        return _read(
            path,
            text_column=text_column,
            id_column=id_column,
            title_column=title_column,
            segment_columns=segment_columns,
            format=format,
        )
    except OSError as error:
        raise ReadError(
            _("Cannot read {path}: {error}.").format(path=path, error=error.strerror or error)
        ) from error


def _read(
    path: Path,
    *,
    text_column: str | None,
    id_column: str | None,
    title_column: str | None,
    segment_columns: Sequence[str],
    format: str,
) -> Corpus:
    table = open_table(path)
    fmt = None
    if format == "auto" and text_column is None:
        fmt = detect(table.columns)
    elif format not in {"auto", "generic"}:
        fmt = next((f for f in FORMATS if f.name == format), None)
        if fmt is None:
            known = ", ".join(["auto", "generic", *(f.name for f in FORMATS)])
            raise ReadError(
                _("Unknown format {format} (known: {known}).").format(format=format, known=known)
            )
    # before the first row is read: a format with ragged rows fits them instead of
    # having them reported as unreadable
    ragged = fmt.ragged(table.columns, table.delimiter) if fmt and fmt.ragged else None
    if ragged is not None:
        table.allow_ragged(ragged)
    rows = iter(table.rows)
    first = next(rows, None)  # rows are read lazily: a bad row met on the way is an issue
    if first is None and not table.issues:
        # a header and nothing under it: say so, rather than give an empty analysis
        raise ReadError(
            _("The file holds no row: only a header line, no contribution to analyse.")
            if table.columns
            else _("The file holds no record: no contribution to analyse."),
            columns=table.columns,
        )
    if first is not None:
        rows = itertools.chain([first], rows)
    if fmt is not None:
        mapper = fmt.build(table.columns)
        name = fmt.name
    else:
        mapper = generic(
            table.columns,
            text_column=text_column,
            id_column=id_column,
            title_column=title_column,
            segment_columns=segment_columns,
        )
        name = "generic"
    contributions: list[Contribution] = []
    issues: list[ReadIssue] = table.issues
    seen_ids: dict[str, int] = {}
    for line, row in rows:
        for contribution in mapper(line, row):
            count = seen_ids.get(contribution.id, 0)
            seen_ids[contribution.id] = count + 1
            if count:
                issues.append(
                    ReadIssue(line, _("duplicate id {id}, renamed").format(id=contribution.id))
                )
                contribution = Contribution(
                    id=f"{contribution.id}#{count + 1}",
                    text=contribution.text,
                    title=contribution.title,
                    segments=contribution.segments,
                    line=line,
                )
            contributions.append(contribution)
    if ragged is not None:
        issues.extend(ragged.issues())
    issues.sort(key=lambda issue: issue.line or 0)
    return Corpus(contributions, issues, table.columns, name, table.encoding, table.delimiter)
