"""A self-contained, accessible HTML page for an opinion map: groups with their
representative statements, consensus and divisive statements, as tables."""

from __future__ import annotations

from html import escape
from typing import Any

from .i18n import _

DIRECTIONS = {"agree": _("agree"), "disagree": _("disagree")}


def _statement(votes: Any, sid: str) -> str:
    return escape(votes.texts.get(sid, "") or f"#{sid}")


def render(report: dict[str, Any], votes: Any) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(_('Opinion map'))}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;"
        "color:#1e1e1e}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;"
        "padding:.3rem .5rem;text-align:left;vertical-align:top}</style></head><body><main>",
        f"<h1>{escape(_('Opinion map'))}</h1>",
        "<p>"
        + escape(
            _(
                "{participants} participants, {statements} statements, {votes} votes; "
                "{clustered} participants with enough votes are grouped."
            ).format(
                participants=report["n_participants"],
                statements=report["n_statements"],
                votes=report["n_votes"],
                clustered=report["n_clustered"],
            )
        )
        + "</p>",
    ]
    for group in report["groups"]:
        parts.append(
            "<h2>"
            + escape(
                _("Group {id}: {size} participants").format(id=group["id"] + 1, size=group["size"])
            )
            + "</h2>"
        )
        rows = "".join(
            f"<tr><td>{_statement(votes, r['id'])}</td>"
            f"<td>{escape(DIRECTIONS[r['direction']])}</td>"
            f"<td>{round(100 * r['agree'])} %</td><td>{round(100 * r['disagree'])} %</td></tr>"
            for r in group["representative_statements"]
        )
        parts.append(
            f"<table><caption>{escape(_('What sets this group apart'))}</caption><thead><tr>"
            f"<th scope='col'>{escape(_('Statement'))}</th>"
            f"<th scope='col'>{escape(_('The group tends to'))}</th>"
            f"<th scope='col'>{escape(_('Agree'))}</th>"
            f"<th scope='col'>{escape(_('Disagree'))}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    for key, title in (
        ("consensus", _("Consensus: agreed in every group")),
        ("divisive", _("Divisive: groups disagree")),
    ):
        items = report[key][:15]
        if not items:
            continue
        groups = sorted(items[0]["agreement"])
        head = "".join(
            f"<th scope='col'>{escape(_('Group {id}').format(id=int(g) + 1))}</th>" for g in groups
        )
        rows = "".join(
            f"<tr><td>{_statement(votes, item['id'])}</td>"
            + "".join(f"<td>{round(100 * item['agreement'][g])} %</td>" for g in groups)
            + "</tr>"
            for item in items
        )
        parts.append(
            f"<h2>{escape(title)}</h2><table><caption>{escape(_('Agreement by group'))}</caption>"
            f"<thead><tr><th scope='col'>{escape(_('Statement'))}</th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    parts.append("</main></body></html>")
    return "\n".join(parts)
