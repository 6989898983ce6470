"""Known export formats, recognised from their columns, and the generic table format.

Each format turns one row (with its line number) into zero, one or several contributions.
Rows without text (votes, empty answers of other questions…) give nothing, silently."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cleaning import clean_text
from ..i18n import _
from ..records import Contribution, ReadError
from . import capco2019
from .capco2019 import RaggedRows

Row = dict[str, Any]
Mapper = Callable[[int, Row], Iterator[Contribution]]

GRAND_DEBAT_QUESTION = re.compile(r"^Q?(\d+)\s*-\s*(.+)$")
TEXT_COLUMN_GUESSES = (
    "text",
    "texte",
    "body",
    "contribution",
    "contenu",
    "content",
    "answer",
    "réponse",
    "reponse",
    "comment",
    "commentaire",
    "description",
    "message",
    "proposition",
    "avis",
)
ID_COLUMN_GUESSES = ("id", "identifiant", "reference", "référence", "ref")


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _segments(**values: Any) -> dict[str, str]:
    return {k: _s(v) for k, v in values.items() if _s(v)}


def _localised(row: Row, stem: str, columns: Sequence[str]) -> str:
    """Decidim's `title`, `title/fr`, `title/en`…: French first."""
    for name in (stem, f"{stem}/fr", f"{stem}/en"):
        if _s(row.get(name)):
            return _s(row[name])
    for name in columns:
        if name.startswith(f"{stem}/") and _s(row.get(name)):
            return _s(row[name])
    return ""


def _iso_date(value: str) -> str:
    """`dd/mm/yyyy[ hh:mm]` (CONSUL) or an ISO date-time → `yyyy-mm-dd`."""
    value = value.strip()
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", value)
    return match.group(1) if match else value


@dataclass
class Format:
    name: str
    matches: Callable[[list[str], Row | None], bool]
    build: Callable[[list[str]], Mapper]
    description: str = ""
    text_columns: tuple[str, ...] = field(default_factory=tuple)
    #: for exports whose rows may have fewer or more fields than the header:
    #: (columns, delimiter) → the `RaggedRows` that fits them and counts them
    ragged: Callable[[list[str], str], RaggedRows] | None = None


# --- Pol.is -----------------------------------------------------------------------------


def _polis(columns: list[str]) -> Mapper:
    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        text = clean_text(_s(row.get("comment-body")))
        if text:
            moderated = _s(row.get("moderated"))
            yield Contribution(
                id=_s(row.get("comment-id")) or f"L{line}",
                text=text,
                segments=_segments(kind="statement", moderated=moderated),
                line=line,
            )

    return mapper


# --- Grand Débat (one column per question) -----------------------------------------------


def _grand_debat(columns: list[str]) -> Mapper:
    questions = []
    for name in columns:
        match = GRAND_DEBAT_QUESTION.match(name)
        if match:
            questions.append((name, match.group(1), match.group(2).strip()))

    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        base = _s(row.get("id")) or _s(row.get("reference")) or f"L{line}"
        for column, number, title in questions:
            text = clean_text(_s(row.get(column)))
            if text:
                yield Contribution(
                    id=f"{base}-Q{number}",
                    text=text,
                    segments=_segments(
                        question=title, date=_iso_date(_s(row.get("createdAt"))), kind="answer"
                    ),
                    line=line,
                )

    return mapper


# --- Decidim (old `category/name/fr` and new `title/fr`, `taxonomies` styles) --------------

_STANCES = {"1": "for", "-1": "against", "0": "neutral"}


def _decidim_comments(columns: list[str]) -> Mapper:
    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        text = clean_text(_localised(row, "body", columns))
        if text:
            yield Contribution(
                id=_s(row.get("id")) or f"L{line}",
                text=text,
                segments=_segments(
                    kind="comment",
                    stance=_STANCES.get(_s(row.get("alignment")), ""),
                    parent=_s(row.get("commentable_id")),
                    date=_iso_date(_s(row.get("created_at"))),
                ),
                line=line,
            )

    return mapper


def _decidim_proposals(columns: list[str]) -> Mapper:
    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        body = _localised(row, "body", columns) or _localised(row, "description", columns)
        text = clean_text(body)
        if text:
            theme = (
                _localised(row, "category/name", columns)
                or _s(row.get("taxonomies"))
                or _localised(row, "taxonomies/name", columns)
            )
            kind = "debate" if "description/fr" in columns or "description" in columns else "idea"
            yield Contribution(
                id=_s(row.get("id")) or f"L{line}",
                text=text,
                title=clean_text(_localised(row, "title", columns)),
                segments=_segments(
                    kind=kind,
                    theme=theme,
                    neighbourhood=_localised(row, "scope/name", columns),
                    date=_iso_date(_s(row.get("created_at")) or _s(row.get("published_at"))),
                    state=_s(row.get("state")),
                ),
                line=line,
            )

    return mapper


# --- CONSUL --------------------------------------------------------------------------------


def _consul(columns: list[str]) -> Mapper:
    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        text = clean_text(_s(row.get("description")))
        if text:
            yield Contribution(
                id=_s(row.get("id")) or f"L{line}",
                text=text,
                title=clean_text(_s(row.get("title"))),
                segments=_segments(
                    kind="idea",
                    date=_iso_date(_s(row.get("created_at"))),
                    retired="yes" if _s(row.get("retired_at")) else "",
                ),
                line=line,
            )

    return mapper


# --- Cap Collectif CSV exports -------------------------------------------------------------

# (text column, id column, title column, kind, stance column, parent column)
_CAPCO_SHAPES = (
    (
        "export_contribution_body_text",
        "export_contribution_id",
        "export_contribution_title",
        "idea",
        "",
        "",
    ),
    (
        "export_contribution_arguments_body",
        "export_contribution_arguments_id",
        "",
        "comment",
        "export_contribution_arguments_type",
        "export_contribution_arguments_related_id",
    ),
    (
        "export_contribution_versions_body_text",
        "export_contribution_versions_id",
        "export_contribution_versions_title",
        "amendment",
        "",
        "export_contribution_id",
    ),
    (
        "export_contribution_argument_content",
        "",
        "",
        "comment",
        "export_contribution_argument_type",
        "",
    ),
    ("export_proposal_description", "export_proposal_id", "export_proposal_title", "idea", "", ""),
    ("export_proposal_summary", "export_proposal_id", "export_proposal_title", "idea", "", ""),
)


def _capco_stance(value: str) -> str:
    value = value.lower()
    if value.endswith(("_for", "for", "pour", "1")):
        return "for"
    if value.endswith(("_against", "against", "contre", "0")):
        return "against"
    return ""


_CAPCO_PROPOSAL_COMMENT = (
    "export_proposal_comments_body",
    "export_proposal_comments_id",
    "",
    "comment",
    "",
    "export_proposal_id",
)
# Full exports have one row per element (proposal, comment, vote…), named by this column.
_CAPCO_TYPES = {
    "opinion": _CAPCO_SHAPES[0],
    "argument": _CAPCO_SHAPES[1],
    "version": _CAPCO_SHAPES[2],
    "proposal": _CAPCO_SHAPES[4],
    "proposal_comment": _CAPCO_PROPOSAL_COMMENT,
}
_CAPCO_TYPE_PREFIX = "export_contribution_type_"


def _capcollectif(columns: list[str]) -> Mapper:
    shapes = [s for s in _CAPCO_SHAPES if s[0] in columns]
    questions = [c for c in columns if not c.startswith("export_")]

    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        theme = (
            _s(row.get("export_contribution_section_title"))
            or _s(row.get("export_proposal_theme_title"))
            or _s(row.get("export_proposal_category_name"))
        )
        row_type = _s(row.get("export_contribution_type")).removeprefix(_CAPCO_TYPE_PREFIX)
        candidates = shapes
        if row_type and not row_type.endswith("reply"):
            shape = _CAPCO_TYPES.get(row_type)
            if shape is None:
                return  # votes, sources, reportings, news: no contribution text
            candidates = [shape, _CAPCO_SHAPES[5]] if row_type == "proposal" else [shape]
        for text_col, id_col, title_col, kind, stance_col, parent_col in candidates:
            text = clean_text(_s(row.get(text_col)))
            if text:
                yield Contribution(
                    id=_s(row.get(id_col)) or f"L{line}",
                    text=text,
                    title=clean_text(_s(row.get(title_col))) if title_col else "",
                    segments=_segments(
                        kind=kind,
                        theme=theme,
                        stance=_capco_stance(_s(row.get(stance_col))) if stance_col else "",
                        parent=_s(row.get(parent_col)) if parent_col else "",
                        neighbourhood=_s(row.get("export_proposal_district_name")),
                    ),
                    line=line,
                )
                return
        # Questionnaire exports: one column per question.
        base = _s(row.get("export_contribution_id")) or f"L{line}"
        for number, question in enumerate(questions, start=1):
            text = clean_text(_s(row.get(question)))
            if text:
                yield Contribution(
                    id=f"{base}-Q{number}",
                    text=text,
                    segments=_segments(kind="answer", question=question),
                    line=line,
                )

    return mapper


# --- Cap Collectif legacy API JSON (République numérique) and Le Vrai Débat export ----------


def _capco_api(columns: list[str]) -> Mapper:
    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        raw_section = row.get("type")
        section: dict[str, Any] = raw_section if isinstance(raw_section, dict) else {}
        theme = _s(section.get("subtitle")) or _s(section.get("title"))
        proposal_id = _s(row.get("id")) or f"L{line}"
        text = clean_text(_s(row.get("body")))
        if text:
            yield Contribution(
                id=proposal_id,
                text=text,
                title=clean_text(_s(row.get("title"))),
                segments=_segments(
                    kind="idea", theme=theme, date=_iso_date(_s(row.get("created_at")))
                ),
                line=line,
            )
        arguments = row.get("arguments")
        for argument in arguments if isinstance(arguments, list) else []:
            if not isinstance(argument, dict):
                continue
            body = clean_text(_s(argument.get("body")))
            if body:
                yield Contribution(
                    id=f"{proposal_id}-arg-{_s(argument.get('id'))}",
                    text=body,
                    segments=_segments(
                        kind="comment",
                        theme=theme,
                        parent=proposal_id,
                        stance="for" if _s(argument.get("type")) == "1" else "against",
                        date=_iso_date(_s(argument.get("created_at"))),
                    ),
                    line=line,
                )

    return mapper


def _vrai_debat(columns: list[str]) -> Mapper:
    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        text = clean_text(_s(row.get("contribution_versions_bodyText")))
        if text:
            yield Contribution(
                id=_s(row.get("contributions_id")) or f"L{line}",
                text=text,
                title=clean_text(_s(row.get("contribution_versions_title"))),
                segments=_segments(kind="idea", theme=_s(row.get("topic_id"))),
                line=line,
            )

    return mapper


FORMATS: tuple[Format, ...] = (
    Format(
        "polis",
        lambda c, r: {"comment-id", "comment-body"} <= set(c),
        _polis,
        "Pol.is comments.csv",
    ),
    Format(
        "granddebat",
        lambda c, r: sum(bool(GRAND_DEBAT_QUESTION.match(n)) for n in c) >= 1 and "authorId" in c,
        _grand_debat,
        "Grand Débat open data (one column per question)",
    ),
    Format(
        "decidim-comments",
        lambda c, r: (
            {"body", "alignment", "commentable_id"} <= set(c)
            or ({"alignment", "commentable_id"} <= set(c) and any(n.startswith("body/") for n in c))
        ),
        _decidim_comments,
        "Decidim comments export",
    ),
    Format(
        "decidim",
        lambda c, r: (
            "id" in c
            and (
                any(
                    n in c
                    for n in (
                        "category/name/fr",
                        "scope/name/fr",
                        "taxonomies",
                        "endorsements/total_count",
                        "likes/total_count",
                        "supports",
                        "component/id",
                    )
                )
                and any(n == "body" or n.startswith(("body/", "description/")) for n in c)
            )
        ),
        _decidim_proposals,
        "Decidim proposals or debates export",
    ),
    Format(
        "consul",
        lambda c, r: {"id", "title", "description", "cached_votes_up"} <= set(c),
        _consul,
        "CONSUL proposals export",
    ),
    Format(
        "capcollectif-2019",
        lambda c, r: capco2019.matches(c),
        capco2019.build,
        "Cap Collectif consultation export, 2019 layout (a type column: opinion → proposal, "
        "argument → comment with stance, vote, source, reportings; ragged rows fitted)",
        ragged=RaggedRows,
    ),
    Format(
        "capcollectif",
        lambda c, r: sum(n.startswith("export_") for n in c) >= 3,
        _capcollectif,
        "Cap Collectif CSV export",
    ),
    Format(
        "capcollectif-api",
        lambda c, r: {"body", "arguments", "votes_ok"} <= set(c),
        _capco_api,
        "Cap Collectif API JSON (proposals with arguments)",
    ),
    Format(
        "vraidebat",
        lambda c, r: {"contribution_versions_bodyText", "contributions_id"} <= set(c),
        _vrai_debat,
        "Cap Collectif contributions export (Le Vrai Débat)",
    ),
)


def detect(columns: list[str]) -> Format | None:
    for fmt in FORMATS:
        if fmt.matches(columns, None):
            return fmt
    return None


def generic(
    columns: list[str],
    *,
    text_column: str | None,
    id_column: str | None,
    title_column: str | None,
    segment_columns: Sequence[str],
) -> Mapper:
    """Any table: the caller names the text column (or one is guessed from common names)."""
    lower = {c.lower(): c for c in columns}
    if text_column is None:
        text_column = next((lower[g] for g in TEXT_COLUMN_GUESSES if g in lower), None)
        if text_column is None:
            raise ReadError(
                _("No text column found: choose one with --text-column."), columns=columns
            )
    for name in [text_column, id_column, title_column, *segment_columns]:
        if name is not None and name not in columns:
            raise ReadError(_("Unknown column: {name}.").format(name=name), columns=columns)
    if id_column is None:
        id_column = next((lower[g] for g in ID_COLUMN_GUESSES if g in lower), None)

    def mapper(line: int, row: Row) -> Iterator[Contribution]:
        text = clean_text(_s(row.get(text_column)))
        yield Contribution(
            id=(_s(row.get(id_column)) if id_column else "") or f"L{line}",
            text=text,
            title=clean_text(_s(row.get(title_column))) if title_column else "",
            segments={name: _s(row.get(name)) for name in segment_columns if _s(row.get(name))},
            line=line,
        )

    return mapper
