"""CSV records that know their lines, for every reader of the engine.

`csv.reader` alone has two silent failure modes: an unclosed quote swallows the following
lines into one value (up to the next quote, or to the end of the file), and a line that did
not decode is just text with replacement characters. `CsvRecords` reads strictly and says
which line is wrong:

- a record that runs over several lines and then turns out malformed (a quote closed in the
  middle of a value, the end of the file inside quotes, or — once `width` is known — another
  number of fields than the header) is reported at the line where its quote opened, and the
  lines it had swallowed are read again: a well-formed multi-line value is still one value,
  and a stray quote costs one row, not the rest of the file;
- bytes that did not decode (read with ``errors="surrogateescape"``, so they come in as lone
  surrogates U+DC80–U+DCFF, which no decoded text holds) make their row unreadable, at the
  line where they are.

Consumers decide what a problem means: the contribution readers list it and read on, the
vote and ballot readers stop with a clear error.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _

QUOTE = '"'
UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Record:
    """One CSV record: its first and last physical lines, its fields, or why it was set
    aside (`fields` is None and `problem` says why, `line` says where)."""

    line: int
    end: int
    fields: list[str] | None
    problem: str = ""


class _Lines:
    """The physical lines, counted, with the lines of the current record kept so that they
    can be handed back."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._back: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.popleft() if self._back else next(self._lines)
        self.taken.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self._back.extendleft(reversed(lines))

    def at_end(self) -> bool:
        if self._back:
            return False
        for line in self._lines:
            self._back.append(line)
            return False
        return True


class CsvRecords:
    """Iterate `Record`s over physical lines (each with its line ending, as a file opened
    with ``newline=""`` gives them). Set `width` once the header is known, so that a
    multi-line record with another number of fields counts as a swallowing quote.

    `check_undecodable`: look for undecodable bytes (only needed when the sniffing said the
    file does not decode cleanly; `encoding` names the encoding in the message)."""

    def __init__(
        self,
        lines: Iterable[str],
        *,
        delimiter: str = ",",
        first_line: int = 1,
        check_undecodable: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        self._lines = _Lines(lines)
        self._reader = csv.reader(self._lines, delimiter=delimiter, strict=True)
        self._next_line = first_line
        self._check_undecodable = check_undecodable
        self._encoding = encoding
        self.width: int | None = None
        #: rows shorter than `width` are allowed even over several lines (exports whose
        #: rows leave out their trailing empty cells); a longer multi-line row still
        #: counts as a swallowing quote
        self.short_rows = False

    def __iter__(self) -> Iterator[Record]:
        while True:
            record = self._next()
            if record is None:
                return
            yield record

    def _next(self) -> Record | None:
        taken = self._lines.taken
        taken.clear()
        start = self._next_line
        error: csv.Error | None = None
        try:
            fields: list[str] | None = next(self._reader)
        except StopIteration:
            if not taken:
                return None
            fields = None  # only blank input consumed: the reader stops there
        except csv.Error as caught:
            fields, error = None, caught
        lines = taken
        if not lines:
            return None
        end = start + len(lines) - 1
        swallowed = len(lines) > 1 and (
            error is not None
            or (
                fields is not None
                and self.width is not None
                and len(fields) != self.width
                and not (self.short_rows and len(fields) < self.width)
            )
        )
        if swallowed:
            # The quote opened on the first line swallowed the next ones: report the first
            # line and read the others again.
            self._lines.give_back(lines[1:])
            self._next_line = start + 1
            return Record(
                start,
                start,
                None,
                _(
                    "unclosed quote: the value opened on this line runs to line {end}; "
                    "the following lines are read again"
                ).format(end=end),
            )
        if self._check_undecodable:
            for offset, text in enumerate(lines):
                if UNDECODABLE.search(text):
                    self._next_line = end + 1
                    return Record(
                        start + offset,
                        end,
                        None,
                        _("bytes that are not valid {encoding} text").format(
                            encoding=self._encoding
                        ),
                    )
        self._next_line = end + 1
        if error is not None:
            if lines[0].count(QUOTE) % 2 and self._lines.at_end():
                return Record(
                    start, end, None, _("unclosed quote: the value opened on this line never ends")
                )
            return Record(start, end, None, _("unreadable row ({error})").format(error=error))
        if fields is None:
            return None
        return Record(start, end, fields)


def split_lines(text: str) -> list[str]:
    """`text` cut into physical lines, endings kept (`\\n`, `\\r\\n` or `\\r`, as a file
    opened with ``newline=""`` cuts them)."""
    return list(io.StringIO(text, newline=""))


def file_records(
    path: Path, fail: Callable[[int, str], Exception], *, same_width: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of every record of a comma-separated UTF-8 file (BOM allowed), the
    header first, blank rows left out. Any problem stops the reading: `fail(line, problem)`
    is raised (bytes that are not UTF-8, an unclosed quote, a malformed row and, with
    `same_width`, a row with another number of fields than the header)."""
    with path.open(encoding="utf-8-sig", newline="", errors="surrogateescape") as handle:
        records = CsvRecords(handle, check_undecodable=True, encoding="UTF-8")
        header = True
        for record in records:
            if record.fields is None:
                raise fail(record.line, record.problem)
            if not any(cell.strip() for cell in record.fields):
                continue
            if header:
                header = False
                if same_width:
                    records.width = len(record.fields)
            elif records.width is not None and len(record.fields) != records.width:
                raise fail(
                    record.line,
                    _("{found} fields where the header has {expected}").format(
                        found=len(record.fields), expected=records.width
                    ),
                )
            yield record.line, record.fields
