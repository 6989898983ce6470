"""An XLSX workbook of a synthesis for agents: what people propose (first sheet), a summary of
topics, every contribution with its topic (and an empty column to correct it), one sheet per
topic, and the method."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .i18n import _, language_name, stance_name

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters XML cannot hold (control characters other than tab and line breaks).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text_cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row of XLSX cells (write-only sheet) in which a text is a text cell, with its exact
    value: never a formula (a contribution may start with `=`), nor an error such as `#N/A`;
    only the control characters XML cannot hold become spaces. The web app's downloads use
    it too (`palabre.core.spreadsheet.xlsx_cells`, ADR 0009)."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=_ILLEGAL.sub(" ", value))
            cell.data_type = "s"
            value = cell
        cells.append(value)
    return cells


def _sheet_name(label: str, used: set[str]) -> str:
    base = _FORBIDDEN.sub(" ", label).strip()[:28] or "Sujet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def _proposals_sheet(
    workbook: Any,
    result: Mapping[str, Any],
    topics: Mapping[str, Mapping[str, Any]],
    used: set[str],
    header: Any,
) -> None:
    """One row per proposal, most held first within each topic, with its evidence ids."""
    sheet = workbook.create_sheet(_sheet_name(_("Proposals"), used))
    header(
        sheet,
        [
            _("Proposal"),
            _("Voices"),
            _("Topic"),
            _("Sub-topic"),
            _("Stance"),
            _("Id"),
            _("Contributions (ids)"),
        ],
    )
    for proposal in result["proposals"]:
        topic = topics.get(proposal["topic"], {})
        subtopic = topics.get(proposal.get("subtopic") or "", {})
        sheet.append(
            text_cells(
                sheet,
                (
                    proposal["text"],
                    proposal["contributors"],
                    topic.get("label", proposal["topic"]),
                    subtopic.get("label", ""),
                    stance_name(proposal.get("stance", "")),
                    proposal["id"],
                    ", ".join(proposal["evidence"]),
                ),
            )
        )


def write_xlsx(result: Mapping[str, Any], texts: Mapping[str, str], path: str | Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    topics = {t["id"]: t for t in result["topics"]}

    def header(sheet: Any, names: list[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    if result.get("proposals"):
        _proposals_sheet(workbook, result, topics, used, header)
    summary = workbook.create_sheet(_sheet_name(_("Topics"), used))
    header(
        summary,
        [_("Topic id"), _("Topic"), _("Parent topic"), _("Voices"), _("Share"), _("Keywords")],
    )
    for topic in result["topics"]:
        parent = topics[topic["parent"]]["label"] if topic["parent"] else ""
        summary.append(
            text_cells(
                summary,
                (
                    topic["id"],
                    topic["label"],
                    parent,
                    topic["size"],
                    topic["share"],
                    ", ".join(topic["keywords"]),
                ),
            )
        )
    unclassified = result.get("unclassified", {"size": 0, "share": 0})
    summary.append(
        text_cells(
            summary,
            ("", _("Other / unclassified"), "", unclassified["size"], unclassified["share"], ""),
        )
    )

    group_of: dict[str, int] = {}
    for number, group in enumerate(result["duplicate_groups"], start=1):
        for contribution_id in group["ids"]:
            group_of[contribution_id] = number
    leaf_of = {a["id"]: (a["topic"], a["score"]) for a in result["assignments"]}
    set_aside = set(result.get("set_aside", {}).get("ids", []))

    def top_label(topic_id: str | None) -> tuple[str, str]:
        if not topic_id:
            return _("Other / unclassified"), ""
        topic = topics[topic_id]
        if topic["parent"]:
            return topics[topic["parent"]]["label"], topic["label"]
        return topic["label"], ""

    sheet = workbook.create_sheet(_sheet_name(_("Contributions"), used))
    header(
        sheet,
        [
            _("Id"),
            _("Text"),
            _("Topic"),
            _("Sub-topic"),
            _("Topic id"),
            _("Score"),
            _("Set aside"),
            _("Duplicate group"),
            _("Correction (topic id)"),
        ],
    )
    for contribution_id, text in texts.items():
        topic_id, score = leaf_of.get(contribution_id, (None, None))
        topic, sub = top_label(topic_id) if contribution_id not in set_aside else ("", "")
        sheet.append(
            text_cells(
                sheet,
                (
                    contribution_id,
                    text,
                    topic,
                    sub,
                    topic_id or "",
                    score,
                    _("yes") if contribution_id in set_aside else "",
                    group_of.get(contribution_id, ""),
                    "",
                ),
            )
        )

    members: dict[str, list[str]] = {}
    for contribution_id, (topic_id, _score) in leaf_of.items():
        if topic_id:
            top = topics[topic_id]["parent"] or topic_id
            members.setdefault(top, []).append(contribution_id)
    for topic in result["topics"]:
        if topic["parent"]:
            continue
        sheet = workbook.create_sheet(_sheet_name(topic["label"], used))
        header(sheet, [_("Id"), _("Text"), _("Sub-topic"), _("Score")])
        for contribution_id in members.get(topic["id"], []):
            topic_id, score = leaf_of[contribution_id]
            sub = topics[topic_id]["label"] if topics[topic_id]["parent"] else ""
            sheet.append(
                text_cells(sheet, (contribution_id, texts.get(contribution_id, ""), sub, score))
            )

    method = workbook.create_sheet(_sheet_name(_("Method"), used))
    method.append(text_cells(method, [result["method"]]))
    for warning in result.get("warnings", []):
        method.append(text_cells(method, [_("Warning:"), warning]))
    for code, n in (result.get("languages") or {}).items():
        method.append(text_cells(method, [_("Language:"), language_name(code), n]))
    method.append(text_cells(method, [_("Settings:"), str(result["settings"])]))
    method.append(text_cells(method, [_("Engine version"), result["engine_version"]]))
    workbook.save(str(path))
