"""Where the demo's text comes from: real public data in ../shared/data when present,
the small built-in sample otherwise. Returns plain dicts; nothing here touches the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from palabre_analysis import read

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


def _sample(name: str) -> Any:
    return json.loads((SAMPLE_DIR / name).read_text(encoding="utf-8"))


def grand_debat_answers(shared: Path | None, limit: int) -> tuple[str, list[tuple[str, str]]]:
    """(source label, [(ref, answer)]) for the "démarches trop complexes" question."""
    path = shared / "granddebat" / "organisation_etat_demarches.csv" if shared else None
    if path and path.is_file():
        corpus = read(path, text_column="answer")
        rows = [(f"gd-{c.line}", c.text) for c in corpus.contributions if c.text][:limit]
        return "granddebat", rows
    return "sample", [(f"sample-answer-{i}", a) for i, a in enumerate(_sample("answers.json"))]


def republique_numerique(
    shared: Path | None, limit: int, arguments_per_proposal: int
) -> tuple[str, list[dict[str, Any]]]:
    """Proposals with for/against arguments, as [{ref, title, body, section, arguments}]."""
    path = shared / "capcollectif" / "republique-numerique-2015-opinions.jsonl" if shared else None
    if path and path.is_file():
        proposals: dict[str, dict[str, Any]] = {}
        for c in read(path).contributions:
            kind, parent = c.segments.get("kind"), c.segments.get("parent", "")
            if kind == "idea" and len(proposals) < limit:
                proposals[c.id] = {
                    "ref": f"rn-{c.id}",
                    "title": c.title[:300],
                    "body": c.text,
                    "section": c.segments.get("theme", ""),
                    "arguments": [],
                }
            elif kind == "comment" and parent in proposals:
                arguments = proposals[parent]["arguments"]
                if len(arguments) < arguments_per_proposal:
                    arg_id = c.id.rsplit("-arg-", 1)[-1]
                    arguments.append(
                        {"ref": f"rn-arg-{arg_id}", "stance": c.segments["stance"], "body": c.text}
                    )
        return "republique-numerique", list(proposals.values())
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


def republique_numerique_statements(shared: Path | None, limit: int = 20) -> list[dict[str, Any]]:
    """Short proposals of République numérique that read as statements, with their real
    agree / disagree / mixed counts (the most voted first); the sample's otherwise."""
    path = shared / "capcollectif" / "republique-numerique-2015-opinions.jsonl" if shared else None
    if path and path.is_file():
        rows: list[dict[str, Any]] = []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                title = " ".join(str(row.get("title", "")).split())
                ok, nok = int(row.get("votes_ok") or 0), int(row.get("votes_nok") or 0)
                mixed = int(row.get("votes_mitige") or 0)
                if (
                    not title.lower().startswith("article")
                    and 25 < len(title) <= 120
                    and ok + nok >= 150
                ):
                    rows.append({"title": title, "ok": ok, "nok": nok, "mixed": mixed})
        rows.sort(key=lambda r: -(int(r["ok"]) + int(r["nok"])))
        return rows[:limit]
    return [
        {"title": p["title"][:120], "ok": 70, "nok": 20, "mixed": 10}
        for p in _sample("proposals.json")
    ][:limit]
