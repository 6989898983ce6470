"""The engine's data: contributions as read from a file, and what went wrong while reading."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: Segment names the engine knows (any other column can still be a segment).
KNOWN_SEGMENTS = (
    "question",
    "theme",
    "neighbourhood",
    "channel",
    "participant_type",
    "date",
    "stance",
    "kind",
    "parent",
)


@dataclass(frozen=True)
class Contribution:
    """One thing a participant said. `text` is the raw text (HTML already stripped by readers
    that know their format); `line` is where it starts in the source file (header = line 1)."""

    id: str
    text: str
    title: str = ""
    segments: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None


@dataclass(frozen=True)
class ReadIssue:
    """A row that could not be read, with its line number; the other rows are still read."""

    line: int | None
    message: str


class ReadError(Exception):
    """The file as a whole cannot be read (missing, unknown format, unknown column…).

    `columns` lists the columns found, so the message can help the user choose."""

    def __init__(self, message: str, *, columns: list[str] | None = None) -> None:
        super().__init__(message)
        self.columns = columns or []


@dataclass
class Corpus:
    contributions: list[Contribution]
    issues: list[ReadIssue]
    columns: list[str]
    format: str
    encoding: str = ""
    delimiter: str = ""

    def __len__(self) -> int:
        return len(self.contributions)
