"""A self-contained, accessible HTML page for an opinion map: groups with their
representative statements, consensus and divisive statements, as tables."""

from __future__ import annotations

from html import escape
from typing import Any

from .i18n import _, current_language, ngettext


def _direction(value: str) -> str:
    """Which way a group leans on a statement, in the reader's language (read at render time:
    the language may change after import)."""
    return {"agree": _("agree"), "disagree": _("disagree")}.get(value, value)


def _statement(votes: Any, sid: str) -> str:
    return escape(votes.texts.get(sid, "") or f"#{sid}")


def _summary(report: dict[str, Any]) -> str:
    """ "12 participants, 1 statement, 30 votes; 10 participants with enough votes are
    grouped.", each count agreeing with its noun."""
    n = report["n_participants"], report["n_statements"], report["n_votes"], report["n_clustered"]
    counts = _("{participants}, {statements}, {votes}.").format(
        participants=ngettext("{n} participant", "{n} participants", n[0]).format(n=n[0]),
        statements=ngettext("{n} statement", "{n} statements", n[1]).format(n=n[1]),
        votes=ngettext("{n} vote", "{n} votes", n[2]).format(n=n[2]),
    )
    grouped = ngettext(
        "{n} participant with enough votes is grouped.",
        "{n} participants with enough votes are grouped.",
        n[3],
    ).format(n=n[3])
    return f"{counts} {grouped}"


def render(report: dict[str, Any], votes: Any) -> str:
    # Messages are read into names before the markup: xgettext does not look inside f-strings.
    title = escape(_("Opinion map"))
    statement = escape(_("Statement"))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;"
        "color:#1e1e1e}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #999;"
        "padding:.3rem .5rem;text-align:left;vertical-align:top}</style></head><body><main>",
        f"<h1>{title}</h1>",
        f"<p>{escape(_summary(report))}</p>",
    ]
    caption = escape(_("What sets this group apart"))
    leaning = escape(_("The group tends to"))
    agree, disagree = escape(_("Agree")), escape(_("Disagree"))
    for group in report["groups"]:
        size = group["size"]
        heading = ngettext(
            "Group {id}: {size} participant", "Group {id}: {size} participants", size
        ).format(id=group["id"] + 1, size=size)
        parts.append(f"<h2>{escape(heading)}</h2>")
        rows = "".join(
            f"<tr><td>{_statement(votes, r['id'])}</td>"
            f"<td>{escape(_direction(r['direction']))}</td>"
            f"<td>{round(100 * r['agree'])} %</td><td>{round(100 * r['disagree'])} %</td></tr>"
            for r in group["representative_statements"]
        )
        parts.append(
            f"<table><caption>{caption}</caption><thead><tr>"
            f"<th scope='col'>{statement}</th><th scope='col'>{leaning}</th>"
            f"<th scope='col'>{agree}</th><th scope='col'>{disagree}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    by_group = escape(_("Agreement by group"))
    for key, heading in (
        ("consensus", _("Consensus: agreed in every group")),
        ("divisive", _("Divisive: groups disagree")),
    ):
        items = report[key][:15]
        if not items:
            continue
        groups = sorted(items[0]["agreement"])
        names = [escape(_("Group {id}").format(id=int(g) + 1)) for g in groups]
        head = "".join(f"<th scope='col'>{name}</th>" for name in names)
        rows = "".join(
            f"<tr><td>{_statement(votes, item['id'])}</td>"
            + "".join(f"<td>{round(100 * item['agreement'][g])} %</td>" for g in groups)
            + "</tr>"
            for item in items
        )
        parts.append(
            f"<h2>{escape(heading)}</h2><table><caption>{by_group}</caption>"
            f"<thead><tr><th scope='col'>{statement}</th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    parts.append("</main></body></html>")
    return "\n".join(parts)
