"""Cap Collectif consultation export of 2019: one `;` file, a `type` column per row.

The header names 69 `contributions_*` columns (proposal, vote, argument, report, source and
version columns side by side) and each row fills the columns of its `type`:

- `opinion`: a proposal → a contribution (`kind` idea, `theme` its section);
- `argument`: an argument for or against a proposal → a comment with a `stance` (`FOR` →
  for, `AGAINST` → against) and the proposal as `parent` (and its section as `theme`);
- `version`: an amendment of a proposal → a contribution (`kind` amendment);
- `vote` (`YES` / `NO` / `MITIGE`), `source`, `reportings`: no contribution; the votes are
  read by `read_votes_2019` for `palabre opinions`.

Rows are ragged as the platform wrote them: trailing empty cells left out (64 or 35 fields
under the 69-field header), and one more field where a text held an unquoted `;`. Short rows
are padded with empty cells; a long row has its text cells joined again where that puts its
dates back in their columns, otherwise it is cut to the header's width. Every such row is
counted (`RaggedRows`) and reported with the read issues: one summary line for the padded
rows (nothing was lost), one line per row joined or cut (a text was touched).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cleaning import clean_text
from ..i18n import _, ngettext
from ..records import Contribution, ReadError, ReadIssue

if TYPE_CHECKING:
    from ..opinions import Votes

Row = dict[str, Any]

TYPE = "type"
#: the columns that tell this layout from the others (Le Vrai Débat's export shares
#: `contributions_id` and `contribution_versions_bodyText`, not the `type` routing)
MARKERS = frozenset(
    {TYPE, "contributions_id", "contributions_bodyText", "contributions_arguments_body"}
)
#: free-text columns of each row type, where an unquoted `;` may have split a row
TEXT_COLUMNS = {
    "opinion": ("contributions_bodyText", "contributions_title"),
    "argument": ("contributions_arguments_body",),
    "source": ("contributions_sources_body",),
    "reportings": ("contributions_reportings_body",),
    "version": ("contribution_versions_bodyText", "contribution_versions_title"),
}
_DATE = re.compile(r"^\s*(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})")
VOTE_VALUES = {"YES": 1, "OK": 1, "NO": -1, "NOK": -1, "MITIGE": 0, "MITIGATED": 0}


def matches(columns: list[str]) -> bool:
    return set(columns) >= MARKERS


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _iso_date(value: str) -> str:
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", value.strip())
    return match.group(1) if match else value.strip()


def _sortable(value: str) -> str:
    """`dd/mm/yyyy hh:mm` → `yyyy-mm-dd hh:mm`, so that times compare as strings."""
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})(.*)$", value.strip())
    if match:
        day, month, year, rest = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}{rest}"
    return value.strip()


def _stance(value: str) -> str:
    value = value.strip().upper()
    if value in {"FOR", "POUR", "1", "ARGUMENT_FOR"}:
        return "for"
    if value in {"AGAINST", "CONTRE", "0", "ARGUMENT_AGAINST"}:
        return "against"
    return ""


class RaggedRows:
    """Fits rows of another width than the header to it, and counts what it did.

    `padded`: lines of rows with fewer fields (empty cells added: nothing lost);
    `joined`: lines of rows with more fields whose text held an unquoted separator (cells
    joined again, the dates then fall in their columns); `cut`: lines of rows with more
    fields that could not be explained so, cut to the header's width. `widths` counts the
    widths met."""

    def __init__(self, columns: list[str], separator: str = ";") -> None:
        self.columns = columns
        self.width = len(columns)
        self.separator = separator or ";"
        self.index = {name: i for i, name in enumerate(columns)}
        self.dates = [i for i, name in enumerate(columns) if name.endswith("At")]
        self.padded: list[int] = []
        self.joined: list[int] = []
        self.cut: list[int] = []
        self.widths: Counter[int] = Counter()
        self._issues: list[ReadIssue] = []

    @property
    def n_ragged(self) -> int:
        return len(self.padded) + len(self.joined) + len(self.cut)

    def __call__(self, line: int, fields: list[str]) -> list[str]:
        found = len(fields)
        self.widths[found] += 1
        if found < self.width:
            self.padded.append(line)
            return fields + [""] * (self.width - found)
        extra = found - self.width
        row_type = fields[self.index[TYPE]].strip() if TYPE in self.index else ""
        best, best_score, column = fields[: self.width], self._score(fields[: self.width]), ""
        for name in TEXT_COLUMNS.get(row_type, ()):
            if name not in self.index:
                continue
            i = self.index[name]
            joined = self.separator.join(fields[i : i + extra + 1])
            candidate = [*fields[:i], joined, *fields[i + extra + 1 :]]
            score = self._score(candidate)
            if score > best_score:
                best, best_score, column = candidate, score, name
        message = _("{found} fields where the header has {expected}: {detail}")
        if column:
            self.joined.append(line)
            detail = _("a “{separator}” inside {column}: its cells joined again").format(
                separator=self.separator, column=column
            )
        else:
            self.cut.append(line)
            dropped = [cell for cell in fields[self.width :] if cell.strip()]
            detail = ngettext(
                "the last field dropped ({dropped} not empty)",
                "the last {n} fields dropped ({dropped} not empty)",
                extra,
            ).format(n=extra, dropped=len(dropped))
        self._issues.append(
            ReadIssue(line, message.format(found=found, expected=self.width, detail=detail))
        )
        return best

    def _score(self, fields: list[str]) -> int:
        """Date columns holding a date, less those holding something else."""
        score = 0
        for i in self.dates:
            value = fields[i].strip()
            if value:
                score += 1 if _DATE.match(value) else -1
        return score

    def issues(self) -> list[ReadIssue]:
        """The rows joined or cut, one issue each, and one issue that counts the padded
        rows (at the first one's line)."""
        issues = list(self._issues)
        if self.padded:
            short = sorted(w for w in self.widths if w < self.width)
            n = len(self.padded)
            message = ngettext(
                "{n} row with fewer fields ({widths}) than the header ({expected}): padded "
                "with empty cells and read",
                "{n} rows with fewer fields ({widths}) than the header ({expected}): padded "
                "with empty cells and read (lines {first} to {last})",
                n,
            )
            issues.append(
                ReadIssue(
                    self.padded[0],
                    message.format(
                        n=n,
                        widths=", ".join(str(w) for w in short),
                        expected=self.width,
                        first=self.padded[0],
                        last=self.padded[-1],
                    ),
                )
            )
        return issues


def build(columns: list[str]) -> Callable[[int, Row], Iterator[Contribution]]:
    """The row mapper (see the module's docstring)."""
    themes: dict[str, str] = {}

    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        row_type = _s(row.get(TYPE)).lower()
        if row_type == "opinion":
            opinion_id = _s(row.get("contributions_id")) or f"L{line}"
            theme = _s(row.get("contributions_section_title"))
            themes[opinion_id] = theme
            text = clean_text(_s(row.get("contributions_bodyText")))
            title = clean_text(_s(row.get("contributions_title")))
            if text or title:
                yield Contribution(
                    id=opinion_id,
                    text=text or title,
                    title=title if text else "",
                    segments=_segments(
                        kind="idea",
                        theme=theme,
                        date=_iso_date(_s(row.get("contributions_createdAt"))),
                    ),
                    line=line,
                )
        elif row_type == "argument":
            text = clean_text(_s(row.get("contributions_arguments_body")))
            parent = _s(row.get("contributions_arguments_related_id"))
            if text:
                yield Contribution(
                    id=_s(row.get("contributions_arguments_id")) or f"L{line}",
                    text=text,
                    segments=_segments(
                        kind="comment",
                        stance=_stance(_s(row.get("contributions_arguments_type"))),
                        parent=parent,
                        theme=themes.get(parent, ""),
                        date=_iso_date(_s(row.get("contributions_arguments_createdAt"))),
                    ),
                    line=line,
                )
        elif row_type == "version":
            text = clean_text(_s(row.get("contribution_versions_bodyText")))
            parent = _s(row.get("contributions_id"))
            if text:
                yield Contribution(
                    id=_s(row.get("contribution_versions_id")) or f"L{line}",
                    text=text,
                    title=clean_text(_s(row.get("contribution_versions_title"))),
                    segments=_segments(
                        kind="amendment",
                        parent=parent,
                        theme=themes.get(parent, ""),
                        date=_iso_date(_s(row.get("contribution_versions_createdAt"))),
                    ),
                    line=line,
                )
        # vote, source, reportings: no contribution text (votes: read_votes_2019)

    return mapper


def _segments(**values: str) -> dict[str, str]:
    return {k: v for k, v in values.items() if v}


def read_votes_2019(path: str | Path) -> Votes:
    """The `vote` rows of a 2019 Cap Collectif consultation export as `palabre opinions`
    votes: participant = `contributions_votes_author_id`, statement = the proposal voted on
    (`contributions_votes_related_id`, its title as text), `YES` 1, `NO` −1, `MITIGE` 0; each
    participant's latest vote on a proposal counts. Ragged rows are fitted as `read` fits
    them; a file of another layout, or without votes, is a `ReadError`."""
    from ..opinions import Votes
    from .tabular import open_table

    table = open_table(Path(path))
    if not matches(table.columns):
        raise ReadError(
            _("Not a Cap Collectif consultation export (2019): no type column with proposals."),
            columns=table.columns,
        )
    table.allow_ragged(RaggedRows(table.columns, table.delimiter))
    titles: dict[str, str] = {}
    latest: dict[tuple[str, str], tuple[str, int, int]] = {}
    for line, row in table.rows:
        row_type = _s(row.get(TYPE)).lower()
        if row_type == "opinion":
            title = clean_text(_s(row.get("contributions_title")))
            if title:
                titles[_s(row.get("contributions_id"))] = title
        elif row_type == "vote":
            value = VOTE_VALUES.get(_s(row.get("contributions_votes_value")).upper())
            participant = _s(row.get("contributions_votes_author_id"))
            statement = _s(row.get("contributions_votes_related_id"))
            if value is None or not participant or not statement:
                continue
            when = _sortable(_s(row.get("contributions_votes_createdAt")))
            key = (participant, statement)
            if key not in latest or (when, line) >= latest[key][:2]:
                latest[key] = (when, line, value)
    if not latest:
        raise ReadError(_("This export holds no vote."), columns=table.columns)
    triples = [(p, s, v) for (p, s), (_w, _l, v) in latest.items()]
    return Votes.from_triples(triples, texts=titles)
