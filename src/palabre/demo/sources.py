"""Where the demo's text comes from: real public data in ../shared/data when present,
the small built-in sample otherwise. Returns plain dicts; nothing here touches the database."""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.html import strip_tags

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"
_SPACES = re.compile(r"\s+")


def clean_html(text: str) -> str:
    return _SPACES.sub(" ", html.unescape(strip_tags(text or ""))).strip()


def _sample(name: str) -> Any:
    return json.loads((SAMPLE_DIR / name).read_text(encoding="utf-8"))


def grand_debat_answers(shared: Path | None, limit: int) -> tuple[str, list[tuple[str, str]]]:
    """(source label, [(ref, answer)]) for the "démarches trop complexes" question."""
    path = shared / "granddebat" / "organisation_etat_demarches.csv" if shared else None
    if path and path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            rows: list[tuple[str, str]] = []
            for index, row in enumerate(csv.DictReader(handle), start=2):
                answer = (row.get("answer") or "").strip()
                if answer:
                    rows.append((f"gd-{index}", answer))
                if len(rows) >= limit:
                    break
        return "granddebat", rows
    return "sample", [(f"sample-answer-{i}", a) for i, a in enumerate(_sample("answers.json"))]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def republique_numerique(
    shared: Path | None, limit: int, arguments_per_proposal: int
) -> tuple[str, list[dict[str, Any]]]:
    """Proposals with for/against arguments, as [{ref, title, body, section, arguments}]."""
    path = shared / "capcollectif" / "republique-numerique-2015-opinions.jsonl" if shared else None
    if path and path.is_file():
        proposals: list[dict[str, Any]] = []
        for item in _iter_jsonl(path):
            if str(item.get("is_trashed")) == "True":
                continue
            kind = item.get("type")
            section: dict[str, Any] = kind if isinstance(kind, dict) else {}
            arguments = []
            for arg in _as_list(item.get("arguments"))[:arguments_per_proposal]:
                body = clean_html(str(arg.get("body", "")))
                if body:
                    stance = "for" if str(arg.get("type")) == "1" else "against"
                    arguments.append(
                        {"ref": f"rn-arg-{arg.get('id')}", "stance": stance, "body": body}
                    )
            body = clean_html(str(item.get("body", "")))
            if not body:
                continue
            proposals.append(
                {
                    "ref": f"rn-{item.get('id')}",
                    "title": clean_html(str(item.get("title", "")))[:300],
                    "body": body,
                    "section": clean_html(
                        str(section.get("subtitle") or section.get("title") or "")
                    ),
                    "arguments": arguments,
                }
            )
            if len(proposals) >= limit:
                break
        return "republique-numerique", proposals
    sample = []
    for i, p in enumerate(_sample("proposals.json")):
        sample.append(
            {
                "ref": f"sample-proposal-{i}",
                "title": p["title"],
                "body": p["body"],
                "section": p["section"],
                "arguments": [
                    {"ref": f"sample-proposal-{i}-arg-{j}", "stance": s, "body": b}
                    for j, (s, b) in enumerate(p["arguments"])
                ],
            }
        )
    return "sample", sample


def local_ideas() -> list[dict[str, Any]]:
    return list(_sample("ideas.json"))


def _iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue
