"""A self-contained, accessible HTML report of a synthesis (no script, no external file).

Charts are CSS bars that always come with a data table; headings, landmarks, captions and
`lang` are set so that screen readers can navigate the report. Texts are escaped and personal
data masked (the synthesizer hands over masked texts).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .cleaning import shorten
from .i18n import _, current_language, language_name, ngettext, stance_name

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1e1e1e;
line-height:1.5;margin:0 auto;max-width:62rem;padding:1rem 1.25rem 3rem}
a{color:#1d4e89}h1{font-size:1.9rem;line-height:1.2}h2{margin-top:2.5rem;border-bottom:2px solid #1d4e89}
.figures{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}
.figures li{border:1px solid #bbb;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.figures strong{display:block;font-size:1.6rem}
table{border-collapse:collapse;margin:1rem 0;width:100%}
caption{text-align:left;font-weight:700;padding-bottom:.4rem}
th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f1f3f5}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:.8rem;background:#1d4e89;vertical-align:middle;margin-right:.4rem}
.topic{border:1px solid #ccc;border-radius:6px;padding:.2rem 1rem 1rem;margin:1.2rem 0}
.keywords{color:#4a4a4a}blockquote{margin:.5rem 0;padding:.3rem .8rem;border-left:4px solid #1d4e89;
background:#f4f6f8}.sub{margin-left:1.2rem}.muted{color:#4a4a4a}
.warning{border:2px solid #8a4b00;border-radius:6px;padding:.2rem 1rem;margin:1rem 0;background:#fff8ec}
.warning h2{margin-top:.6rem;border:0}
"""


def _pct(share: float) -> str:
    return (
        f"{share * 100:.1f} %".replace(".", ",")
        if current_language() == "fr"
        else f"{share * 100:.1f} %"
    )


def _bar(share: float) -> str:
    width = max(0.2, round(share * 30, 2))
    return f'<span class="bar" style="width:{width}rem" aria-hidden="true"></span>'


def _value(name: str, value: str) -> str:
    """Segment values are the file's own words, except stances which the engine names."""
    return stance_name(value) if name == "stance" else value


def _segment(name: str) -> str:
    """A breakdown's name: the file's own column, except those the engine adds."""
    return {"stance": _("stance"), "file": _("file")}.get(name, name)


def _settings(settings: Mapping[str, Any]) -> str:
    """The run's settings in words ("topics = auto, random seed = 0…")."""
    names = {
        "n_topics": _("topics"),
        "n_subtopics": _("sub-topics per topic"),
        "segments": _("breakdowns"),
        "random_state": _("random seed"),
        "codebook": _("codebook"),
        "n_corrections": _("corrections"),
    }

    def shown(value: Any) -> str:
        if value is None or value == []:
            return "—"
        if isinstance(value, list):
            return ", ".join(_segment(str(v)) for v in value)
        return _("auto") if value == "auto" else str(value)

    return "; ".join(f"{names.get(k, k)} = {shown(v)}" for k, v in settings.items())


def _number(n: int) -> str:
    """A count with thin spaces between thousands (12 345)."""
    return f"{n:,}".replace(",", "\u202f")


def _figure(n: int, label: str) -> str:
    """A key figure: the number, then its label (an `ngettext` that agrees with it)."""
    return f"<li><strong>{_number(n)}</strong>{escape(label)}</li>"


def _warnings(result: Mapping[str, Any]) -> str:
    """What the reader must know before trusting the report, first on the page."""
    warnings = result.get("warnings") or []
    if not warnings:
        return ""
    heading = ngettext("Warning", "Warnings", len(warnings))
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
    return (
        '<section aria-labelledby="avertissements" class="warning" role="note">'
        f'<h2 id="avertissements">{escape(heading)}</h2><ul>{items}</ul></section>'
    )


def _languages(result: Mapping[str, Any]) -> str:
    """The languages of the analysed contributions, most frequent first."""
    languages = result.get("languages") or {}
    if not languages:
        return ""
    listing = ", ".join(f"{language_name(code)} {_number(n)}" for code, n in languages.items())
    text = _("Languages of the analysed contributions: {languages}.").format(languages=listing)
    return f"<p>{escape(text)}</p>"


def _quotes(ids: list[str], texts: Mapping[str, str]) -> str:
    items = []
    for contribution_id in ids:
        text = texts.get(contribution_id, "")
        if text:
            short = shorten(text, 500)
            items.append(
                f'<blockquote><p>{escape(short)}</p><footer class="muted">{escape(contribution_id)}'
                "</footer></blockquote>"
            )
    return "".join(items)


def _proposals(result: Mapping[str, Any], top: list[dict[str, Any]]) -> str:
    """The section that leads the report: what people propose, topic by topic, quoted."""
    heading = _("Proposals")
    parts = [
        f'<section aria-labelledby="propositions"><h2 id="propositions">{escape(heading)}</h2>'
    ]
    proposals = result.get("proposals", [])
    if not proposals:
        none = _("No proposal is shared by at least two voices.")
        parts.append(f"<p>{escape(none)}</p>")
        return "".join(parts) + "</section>"
    intro = _(
        "What people propose, in their own words: each proposal is quoted from one of the "
        "contributions that make it, with the number of voices that say the same thing."
    )
    parts.append(f"<p>{escape(intro)}</p>")
    by_topic: dict[str, list[Mapping[str, Any]]] = {}
    for proposal in proposals:
        by_topic.setdefault(proposal["topic"], []).append(proposal)
    for topic in top:
        items = by_topic.get(topic["id"])
        if not items:
            continue
        parts.append(f'<h3><a href="#{escape(topic["id"])}">{escape(topic["label"])}</a></h3><ul>')
        for proposal in items:
            n = proposal["contributors"]
            voices = ngettext("{n} voice", "{n} voices", n).format(n=n)
            stance = f" ({_value('stance', proposal['stance'])})" if proposal.get("stance") else ""
            parts.append(
                f"<li><strong>{escape(proposal['text'])}</strong> — {escape(voices)}"
                f"{escape(stance)}</li>"
            )
        parts.append("</ul>")
    return "".join(parts) + "</section>"


def render_html(result: Mapping[str, Any], texts: Mapping[str, str], *, title: str = "") -> str:
    topics = result["topics"]
    top = [t for t in topics if t["parent"] is None]
    children: dict[str, list[dict[str, Any]]] = {}
    for t in topics:
        if t["parent"]:
            children.setdefault(t["parent"], []).append(t)
    L = [
        _("Contents"),
        _("Key figures"),
        _("Topics"),
        _("Topics by number of voices"),
        _("Topic"),
        _("Voices"),
        _("Share"),
        _("Other / unclassified"),
        _("Keywords:"),
        _("Stances:"),
        _("Duplicates and campaigns"),
        _(
            "A copy-paste campaign counts as one voice; its size is shown. Identical short answers each count as a voice."
        ),
        _("Copy-paste campaigns"),
        _("Text"),
        _("Copies"),
        _("Kind"),
        _("No copy-paste campaign was found."),
        _("Answers set aside"),
        _("Most frequent answers set aside"),
        _("Answer"),
        _("Count"),
        _("Breakdowns"),
        _("No breakdown column was chosen."),
        _("Topics by {segment}"),
        _("Method"),
        _("Settings:"),
        _("line {line}: {message}"),
    ]
    title = title or _("Synthesis of the contributions")
    parts: list[str] = []
    add = parts.append
    add(f'<!DOCTYPE html><html lang="{current_language()}"><head><meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add(f"<title>{escape(title)}</title><style>{CSS}</style></head><body>")
    add(f'<header><h1>{escape(title)}</h1><p class="muted">')
    add(escape(_("Palabre analysis engine {version}").format(version=result["engine_version"])))
    add("</p></header>")
    add(f'<nav aria-label="{escape(L[0])}"><ul>')
    for anchor, label in (
        ("propositions", _("Proposals")),
        ("chiffres", _("Key figures")),
        ("sujets", _("Topics")),
        ("doublons", _("Duplicates and campaigns")),
        ("mis-de-cote", _("Answers set aside")),
        ("ventilations", _("Breakdowns")),
        ("methode", _("Method")),
    ):
        add(f'<li><a href="#{anchor}">{escape(label)}</a></li>')
    add("</ul></nav><main>")
    add(_warnings(result))
    add(_proposals(result, top))

    add(f'<section aria-labelledby="chiffres"><h2 id="chiffres">{escape(L[1])}</h2>')
    add('<ul class="figures">')
    campaigns = [g for g in result["duplicate_groups"] if g.get("campaign")]
    n_input, n_set_aside = result["n_input"], result["n_set_aside"]
    n_voices = result.get("n_voices", 0)
    add(_figure(n_input, ngettext("contribution read", "contributions read", n_input)))
    add(
        _figure(
            n_set_aside,
            ngettext(
                "answer without content set aside", "answers without content set aside", n_set_aside
            ),
        )
    )
    add(_figure(n_voices, ngettext("voice analysed", "voices analysed", n_voices)))
    add(_figure(len(top), ngettext("topic", "topics", len(top))))
    n_campaigns = len(campaigns)
    add(_figure(n_campaigns, ngettext("copy-paste campaign", "copy-paste campaigns", n_campaigns)))
    add("</ul></section>")

    add(f'<section aria-labelledby="sujets"><h2 id="sujets">{escape(L[2])}</h2>')
    add(f"<table><caption>{escape(L[3])}</caption><thead><tr>")
    add(f'<th scope="col">{escape(L[4])}</th><th scope="col" class="num">{escape(L[5])}</th>')
    add(f'<th scope="col">{escape(L[6])}</th></tr></thead><tbody>')
    for t in top:
        add(f'<tr><th scope="row"><a href="#{escape(t["id"])}">{escape(t["label"])}</a></th>')
        add(f'<td class="num">{t["size"]}</td><td>{_bar(t["share"])}{_pct(t["share"])}</td></tr>')
    unclassified = result.get("unclassified", {"size": 0, "share": 0})
    add(f'<tr><th scope="row">{escape(L[7])}</th>')
    add(
        f'<td class="num">{unclassified["size"]}</td><td>{_bar(unclassified["share"])}{_pct(unclassified["share"])}</td></tr>'
    )
    add("</tbody></table>")
    for t in top:
        add(f'<article class="topic" aria-labelledby="{escape(t["id"])}">')
        add(f'<h3 id="{escape(t["id"])}">{escape(t["label"])} <span class="muted">— ')
        add(escape(ngettext("{n} voice", "{n} voices", t["size"]).format(n=t["size"])))
        add(f" ({_pct(t['share'])})</span></h3>")
        if t["keywords"]:
            add(f'<p class="keywords">{escape(L[8])} {escape(", ".join(t["keywords"]))}</p>')
        if t.get("stances"):
            stances = ", ".join(f"{_value('stance', k)} {v}" for k, v in t["stances"].items())
            add(f"<p>{escape(L[9])} {escape(stances)}</p>")
        add(_quotes(t["representatives"], texts))
        for child in children.get(t["id"], []):
            add(f'<section class="sub" aria-labelledby="{escape(child["id"])}">')
            add(f'<h4 id="{escape(child["id"])}">{escape(child["label"])} <span class="muted">— ')
            add(escape(ngettext("{n} voice", "{n} voices", child["size"]).format(n=child["size"])))
            add("</span></h4>")
            if child["keywords"]:
                add(
                    f'<p class="keywords">{escape(L[8])} {escape(", ".join(child["keywords"]))}</p>'
                )
            add(_quotes(child["representatives"][:2], texts))
            add("</section>")
        add("</article>")
    add("</section>")

    codebook = result.get("codebook")
    if codebook:
        heading = _("Your categories")
        add(f'<section aria-labelledby="categories"><h2 id="categories">{escape(heading)}</h2>')
        caption = _("Contributions per category (a contribution can be in several)")
        add(f"<table><caption>{escape(caption)}</caption><thead><tr>")
        category = _("Category")
        add(
            f'<th scope="col">{escape(category)}</th><th scope="col" class="num">{escape(L[5])}</th>'
        )
        add(f'<th scope="col">{escape(L[6])}</th></tr></thead><tbody>')
        for category in codebook["categories"]:
            add(
                f'<tr><th scope="row">{escape(category["name"])}</th><td class="num">{category["size"]}</td>'
            )
            add(f"<td>{_bar(category['share'])}{_pct(category['share'])}</td></tr>")
        unassigned = codebook.get("unassigned", {"size": 0, "share": 0})
        in_none = _("In no category")
        add(f'<tr><th scope="row">{escape(in_none)}</th><td class="num">{unassigned["size"]}</td>')
        add(f"<td>{_bar(unassigned['share'])}{_pct(unassigned['share'])}</td></tr></tbody></table>")
        review = len(codebook["review"])
        to_review = ngettext(
            "{n} contribution to review (uncertain category).",
            "{n} contributions to review (uncertain category).",
            review,
        ).format(n=review)
        add(f"<p>{escape(to_review)}</p>")
        if codebook["proposed_categories"]:
            heading = _("Proposed new categories (from contributions in no category)")
            add(f"<h3>{escape(heading)}</h3><ul>")
            for proposal in codebook["proposed_categories"]:
                keywords = ", ".join(proposal["keywords"][:6])
                add(
                    f"<li><strong>{escape(proposal['label'])}</strong> — {proposal['size']} · {escape(keywords)}</li>"
                )
            add("</ul>")
        add("</section>")

    add(f'<section aria-labelledby="doublons"><h2 id="doublons">{escape(L[10])}</h2>')
    add(f"<p>{escape(L[11])}</p>")
    if campaigns:
        add(f"<table><caption>{escape(L[12])}</caption><thead><tr>")
        add(f'<th scope="col">{escape(L[13])}</th><th scope="col" class="num">{escape(L[14])}</th>')
        add(f'<th scope="col">{escape(L[15])}</th></tr></thead><tbody>')
        for group in campaigns[:50]:
            text = texts.get(group["ids"][0], "")
            kind = _("identical") if group["kind"] == "exact" else _("near-identical")
            add(
                f'<tr><td>{escape(shorten(text, 300))}</td><td class="num">{group["size"]}</td><td>{escape(kind)}</td></tr>'
            )
        add("</tbody></table>")
    else:
        add(f"<p>{escape(L[16])}</p>")
    add("</section>")

    add(f'<section aria-labelledby="mis-de-cote"><h2 id="mis-de-cote">{escape(L[17])}</h2>')
    examples = result.get("set_aside", {}).get("examples", [])
    set_aside = ngettext(
        "{n} answer without content was set aside (it is counted, not analysed).",
        "{n} answers without content were set aside (they are counted, not analysed).",
        n_set_aside,
    ).format(n=n_set_aside)
    add(f"<p>{escape(set_aside)}</p>")
    if examples:
        add(f"<table><caption>{escape(L[18])}</caption><thead><tr>")
        add(
            f'<th scope="col">{escape(L[19])}</th><th scope="col" class="num">{escape(L[20])}</th></tr></thead><tbody>'
        )
        for example in examples:
            add(
                f'<tr><td>{escape(example["text"])}</td><td class="num">{example["count"]}</td></tr>'
            )
        add("</tbody></table>")
    add("</section>")

    add(f'<section aria-labelledby="ventilations"><h2 id="ventilations">{escape(L[21])}</h2>')
    labels = {t["id"]: t["label"] for t in top}
    labels["unclassified"] = _("Other / unclassified")
    segments = result.get("segments", {})
    if not segments:
        add(f"<p>{escape(L[22])}</p>")
    for name, table in segments.items():
        columns = [tid for tid in [*labels] if any(tid in row for row in table.values())]
        segment = _segment(name)
        add(f"<table><caption>{escape(L[23].format(segment=segment))}</caption><thead><tr>")
        add(f'<th scope="col">{escape(segment)}</th>')
        for tid in columns:
            add(f'<th scope="col" class="num">{escape(labels[tid])}</th>')
        add("</tr></thead><tbody>")
        for value, row in table.items():
            add(f'<tr><th scope="row">{escape(_value(name, value))}</th>')
            for tid in columns:
                add(f'<td class="num">{row.get(tid, 0)}</td>')
            add("</tr>")
        add("</tbody></table>")
    add("</section>")

    add(f'<section aria-labelledby="methode"><h2 id="methode">{escape(L[24])}</h2>')
    add(f"<p>{escape(result['method'])}</p>")
    add(_languages(result))
    add(f'<p class="muted">{escape(L[25])} {escape(_settings(result["settings"]))}</p>')
    issues = result.get("input", {}).get("issues", [])
    if issues:
        unread = ngettext(
            "{n} row of the file could not be read:",
            "{n} rows of the file could not be read:",
            len(issues),
        ).format(n=len(issues))
        add(f"<p>{escape(unread)}</p><ul>")
        for issue in issues[:50]:
            add(f"<li>{escape(L[26].format(**issue))}</li>")
        add("</ul>")
    add("</section></main></body></html>")
    return "".join(parts)
