"""The barometer of local digital democracy: pool evaluation records from many processes
and local governments (schema/evaluation-record.schema.json) into comparable figures.

- records are read from JSON files or folders of them (one record, a list, or JSON Lines);
  a record of an unknown major schema version is refused with its file and position; the
  same `record_id` sent twice counts once (the last one read wins);
- figures by organisation type, population band and year: participants per 1,000
  inhabitants (median and quartiles) so a team can tell whether its figure is high, cost
  per participant, staff time, representativeness index, "share of records that…" for
  objectives and partners (as in the 2016–2018 study's charts), feedback;
- every figure carries its number of records `n`; groups with fewer than `min_group`
  records (default 5) are suppressed.

`palabre barometer RECORD_OR_FOLDER… [-o report.html|report.json]`.
"""

from __future__ import annotations

import html
import json
import random
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .i18n import _

SCHEMA_VERSION = "1.0"
ORGANISATION_TYPES = ("commune", "intercommunality", "metropolis", "department", "region")
BANDS = ("<2k", "2k-10k", "10k-50k", "50k-200k", "200k-1M", "1M+")
OBJECTIVES = (
    "inform",
    "make_work_visible",
    "transparency",
    "collect_opinions",
    "improve_decisions",
    "reach_new_publics",
    "co_produce",
    "evaluate_public_action",
)
PARTNERS = ("civic_tech_vendor", "it_provider", "consultancy", "associations", "none")


# The barometer questionnaire a network of local governments runs each year (one answer per
# local government); question texts and choices are stored in French, like the 2016–2018
# study's. key → (kind, text, [(code, label)]).
WAVE_QUESTIONS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "type": (
        "single",
        "Votre collectivité est",
        [
            ("commune", "Une commune"),
            ("intercommunality", "Une intercommunalité"),
            ("metropolis", "Une métropole"),
            ("department", "Un département"),
            ("region", "Une région"),
        ],
    ),
    "band": (
        "single",
        "Sa population",
        [
            ("<2k", "Moins de 2 000 habitants"),
            ("2k-10k", "De 2 000 à 10 000"),
            ("10k-50k", "De 10 000 à 50 000"),
            ("50k-200k", "De 50 000 à 200 000"),
            ("200k-1M", "De 200 000 à 1 million"),
            ("1M+", "Plus d'un million"),
        ],
    ),
    "objectives": (
        "multiple",
        "Quels objectifs vos démarches de participation en ligne poursuivent-elles ?",
        [],  # the eight objectives, filled below from LABELS
    ),
    "tools_contribute": (
        "multiple",
        "À quels objectifs les outils numériques contribuent-ils, selon vous ?",
        [],
    ),
    "partners": (
        "multiple",
        "Avec qui avez-vous travaillé ?",
        [],
    ),
}


ANSWER_KIND = "barometer-answer"


class RecordError(ValueError):
    """A record that cannot be pooled; the message says which file and which record."""


def population_band(population: int | None) -> str | None:
    if population is None:
        return None
    for limit, band in ((2_000, "<2k"), (10_000, "2k-10k"), (50_000, "10k-50k")):
        if population < limit:
            return band
    if population < 200_000:
        return "50k-200k"
    return "200k-1M" if population < 1_000_000 else "1M+"


def _check(record: Any, where: str) -> dict[str, Any]:
    """The checks that matter for pooling (the JSON schema documents the rest)."""
    if not isinstance(record, dict):
        raise RecordError(_("%(where)s: a record is a JSON object") % {"where": where})
    if record.get("kind") == ANSWER_KIND:
        for key in ("record_id", "organisation", "year"):
            if key not in record:
                raise RecordError(_("%(where)s: %(key)s is missing") % {"where": where, "key": key})
        _check_organisation(record, where)
        return record
    version = str(record.get("schema_version", ""))
    if not version.startswith("1."):
        raise RecordError(
            _("%(where)s: schema version %(version)r is not supported (1.x expected)")
            % {"where": where, "version": version}
        )
    for key in ("record_id", "organisation", "process", "metrics"):
        if key not in record:
            raise RecordError(_("%(where)s: %(key)s is missing") % {"where": where, "key": key})
    _check_organisation(record, where)
    return record


def _check_organisation(record: dict[str, Any], where: str) -> None:
    if not isinstance(record["organisation"], dict):
        raise RecordError(_("%(where)s: organisation is a JSON object") % {"where": where})
    kind = record["organisation"].get("type")
    if kind not in ORGANISATION_TYPES:
        raise RecordError(
            _("%(where)s: unknown organisation type %(type)r (one of: %(types)s)")
            % {"where": where, "type": kind, "types": ", ".join(ORGANISATION_TYPES)}
        )
    if record["organisation"].get("population_band") not in BANDS:
        raise RecordError(
            _("%(where)s: unknown population band %(band)r")
            % {"where": where, "band": record["organisation"].get("population_band")}
        )


def read_records(paths: Iterable[str | Path]) -> tuple[list[dict[str, Any]], int]:
    """Records from files or folders; returns (unique records, duplicates dropped)."""
    by_id: dict[str, dict[str, Any]] = {}
    seen = 0
    for path in paths:
        path = Path(path)
        files = sorted(path.rglob("*.json*")) if path.is_dir() else [path]
        for file in files:
            raw = file.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise RecordError(
                    _("%(file)s: not UTF-8 text (line %(line)d)")
                    % {"file": file.name, "line": raw[: error.start].count(b"\n") + 1}
                ) from None
            try:
                if file.suffix == ".jsonl":
                    items = [json.loads(line) for line in text.splitlines() if line.strip()]
                else:
                    loaded = json.loads(text)
                    items = loaded if isinstance(loaded, list) else [loaded]
            except json.JSONDecodeError as error:
                raise RecordError(
                    _("%(file)s: not valid JSON (line %(line)d)")
                    % {"file": file.name, "line": error.lineno}
                ) from None
            except (RecursionError, ValueError):  # nested too deep, over-long integers
                raise RecordError(_("%(file)s: not valid JSON") % {"file": file.name}) from None
            for i, item in enumerate(items, start=1):
                record = _check(item, f"{file.name}#{i}")
                by_id[str(record["record_id"])] = record
                seen += 1
    return list(by_id.values()), seen - len(by_id)


def _quartiles(values: Sequence[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return {"median": ordered[0], "p25": ordered[0], "p75": ordered[0]}
    q = statistics.quantiles(ordered, n=4, method="inclusive")
    return {"median": round(q[1], 2), "p25": round(q[0], 2), "p75": round(q[2], 2)}


def _per_thousand(record: dict[str, Any]) -> float | None:
    population = record["organisation"].get("population")
    if not population:
        return None
    return 1000 * record["metrics"]["participants"] / population


def _cost(record: dict[str, Any]) -> float | None:
    costs = record.get("costs") or {}
    values = [v for v in costs.values() if isinstance(v, (int, float))]
    return float(sum(values)) if values else None


def _figures(records: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(records)
    per_thousand = [v for r in records if (v := _per_thousand(r)) is not None]
    costs = [(c, r["metrics"]["participants"]) for r in records if (c := _cost(r)) is not None]
    per_participant = [c / p for c, p in costs if p]
    fte = [r["staff_fte"] for r in records if isinstance(r.get("staff_fte"), (int, float))]
    index = [
        r["representativeness"]["index"]
        for r in records
        if (r.get("representativeness") or {}).get("index") is not None
    ]
    heard = [
        r["feedback"]["felt_heard"]
        for r in records
        if (r.get("feedback") or {}).get("felt_heard") is not None
    ]

    def share(predicate: Any) -> float:
        return round(sum(1 for r in records if predicate(r)) / n, 3) if n else 0.0

    return {
        "n": n,
        "participants_per_1000": {"n": len(per_thousand), **(_quartiles(per_thousand) or {})},
        "cost_total": {"n": len(costs), **(_quartiles([c for c, _p in costs]) or {})},
        "cost_per_participant": {
            "n": len(per_participant),
            **(_quartiles(per_participant) or {}),
        },
        "staff_fte": {"n": len(fte), **(_quartiles(fte) or {})},
        "representativeness_index": {"n": len(index), **(_quartiles(index) or {})},
        "felt_heard": {"n": len(heard), **(_quartiles(heard) or {})},
        "objectives": {
            o: share(lambda r, o=o: any(x.get("objective") == o for x in r.get("objectives", [])))
            for o in OBJECTIVES
        },
        "partners": {p: share(lambda r, p=p: p in r.get("partners", [])) for p in PARTNERS},
        "channels": {
            c: share(lambda r, c=c: c in r["process"].get("channels", []))
            for c in ("online", "paper", "meeting", "assisted")
        },
    }


def _answer_figures(answers: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(answers)

    def share(key: str, code: str) -> float:
        return round(sum(1 for a in answers if code in a.get(key, [])) / n, 3) if n else 0.0

    return {
        "n": n,
        **{
            key: {code: share(key, code) for code, _label in WAVE_QUESTIONS[key][2]}
            for key in ("objectives", "tools_contribute", "partners")
        },
    }


def _grouped(items: list[dict[str, Any]], key: Any, figures: Any, min_group: int) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[str(key(item))].append(item)
    return {
        name: figures(members)
        if len(members) >= min_group
        else {"n": len(members), "suppressed": True}
        for name, members in sorted(groups.items())
    }


def pool(records: list[dict[str, Any]], *, min_group: int = 5) -> dict[str, Any]:
    """The barometer: overall figures, then by type, by population band and by year; groups
    with fewer than `min_group` records are suppressed (only their count is given).
    Answers to the barometer questionnaire (one per local government and wave) are pooled
    apart, as shares of respondents."""
    answers = [r for r in records if r.get("kind") == ANSWER_KIND]
    records = [r for r in records if r.get("kind") != ANSWER_KIND]

    def grouped(key: Any) -> dict[str, Any]:
        return _grouped(records, key, _figures, min_group)

    return {
        "answers": {
            "overall": _answer_figures(answers),
            "by_type": _grouped(
                answers, lambda a: a["organisation"]["type"], _answer_figures, min_group
            ),
            "by_band": _grouped(
                answers,
                lambda a: a["organisation"]["population_band"],
                _answer_figures,
                min_group,
            ),
            "by_year": _grouped(answers, lambda a: a["year"], _answer_figures, min_group),
        },
        "schema_version": SCHEMA_VERSION,
        "n_records": len(records),
        "n_generated": sum(1 for r in records if r.get("generated")),
        "min_group": min_group,
        "overall": _figures(records),
        "by_type": grouped(lambda r: r["organisation"]["type"]),
        "by_band": grouped(lambda r: r["organisation"]["population_band"]),
        "by_year": grouped(lambda r: r["process"]["year"]),
    }


# --- report ---------------------------------------------------------------------------------

LABELS = {
    "inform": "Informer",
    "make_work_visible": "Rendre visible le travail de la collectivité",
    "transparency": "Transparence",
    "collect_opinions": "Recueillir des avis",
    "improve_decisions": "Améliorer les décisions grâce à l'expertise citoyenne",
    "reach_new_publics": "Toucher de nouveaux publics",
    "co_produce": "Coproduire",
    "evaluate_public_action": "Évaluer l'action publique",
    "civic_tech_vendor": "Prestataire civic tech",
    "it_provider": "Prestataire informatique",
    "consultancy": "Cabinet de conseil",
    "associations": "Associations",
    "none": "Aucun",
}


def _fr(value: float) -> str:
    """A number as French readers write it: 11 004, 6,83."""
    if abs(value) >= 100:
        return f"{round(value):,}".replace(",", "\u202f")
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _median(figure: dict[str, Any]) -> str:
    return _fr(figure["median"]) if "median" in figure else "—"


def _bars(title: str, shares: dict[str, float], n: int) -> str:
    rows = sorted(shares.items(), key=lambda kv: -kv[1])
    height = 26 * len(rows)
    bars = "".join(
        f'<text x="0" y="{26 * i + 17}" font-size="13">{html.escape(LABELS.get(k, k))}</text>'
        f'<rect x="420" y="{26 * i + 5}" width="{round(300 * v, 1)}" height="16" fill="#1f5fa8"/>'
        f'<text x="{426 + round(300 * v, 1)}" y="{26 * i + 17}" font-size="13">'
        f"{round(100 * v)} %</text>"
        for i, (k, v) in enumerate(rows)
    )
    table = "".join(
        f"<tr><th scope='row'>{html.escape(LABELS.get(k, k))}</th><td>{round(100 * v)} %</td></tr>"
        for k, v in rows
    )
    return (
        f"<figure><figcaption>{html.escape(title)} (n = {n})</figcaption>"
        f'<svg role="img" aria-label="{html.escape(title)}" viewBox="0 0 800 {height}" '
        f'width="800" height="{height}">{bars}</svg>'
        f"<table><caption>{html.escape(title)}</caption><tbody>{table}</tbody></table></figure>"
    )


def render_html(report: dict[str, Any]) -> str:
    """An accessible HTML report in French: charts with their tables, n under every figure."""
    overall = report["overall"]
    generated = (
        f"<p class='notice'><strong>{report['n_generated']} enregistrements sur "
        f"{report['n_records']} sont générés</strong> (collectivités fictives de "
        "démonstration) : ces chiffres ne décrivent aucune collectivité réelle.</p>"
        if report["n_generated"]
        else ""
    )

    def quartile_row(label: str, figure: dict[str, Any], unit: str = "") -> str:
        if not figure.get("n"):
            return f"<tr><th scope='row'>{label}</th><td colspan='3'>—</td><td>0</td></tr>"
        return (
            f"<tr><th scope='row'>{label}</th><td>{_fr(figure['p25'])}{unit}</td>"
            f"<td>{_fr(figure['median'])}{unit}</td><td>{_fr(figure['p75'])}{unit}</td>"
            f"<td>{figure['n']}</td></tr>"
        )

    def group_table(title: str, groups: dict[str, Any]) -> str:
        rows = "".join(
            f"<tr><th scope='row'>{html.escape(name)}</th>"
            + (
                f"<td colspan='2'>moins de {report['min_group']} enregistrements : "
                "non publié</td><td>{0}</td></tr>".format(g["n"])
                if g.get("suppressed")
                else f"<td>{_median(g['participants_per_1000'])}</td>"
                f"<td>{_median(g['cost_per_participant'])}</td><td>{g['n']}</td></tr>"
            )
            for name, g in groups.items()
        )
        return (
            f"<table><caption>{html.escape(title)}</caption><thead><tr><th scope='col'>Groupe"
            "</th><th scope='col'>Participants pour 1 000 habitants (médiane)</th>"
            "<th scope='col'>Coût par participant, € (médiane)</th><th scope='col'>n</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )

    answers = report.get("answers", {}).get("overall", {"n": 0})
    answers_html = (
        "<h2>Réponses au questionnaire du baromètre</h2>"
        f"<p>{answers['n']} collectivités ont répondu.</p>"
        + _bars(
            "Part des collectivités qui jugent que les outils numériques contribuent à "
            "chaque objectif",
            answers["tools_contribute"],
            answers["n"],
        )
        + _bars(
            "Part des collectivités ayant travaillé avec chaque type de partenaire",
            answers["partners"],
            answers["n"],
        )
        if answers["n"]
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baromètre de la démocratie locale numérique</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;
color:#1a1a1a}}table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #999;
padding:.3rem .6rem;text-align:left}}.notice{{border-left:5px solid #6b4e00;
background:#fff8e6;padding:.5rem 1rem}}figure{{margin:1.5rem 0}}</style></head>
<body><main>
<h1>Baromètre de la démocratie locale numérique</h1>
<p>{report["n_records"]} démarches mises en commun. Sous chaque chiffre, n = le nombre
d'enregistrements qui le fondent ; les groupes de moins de {report["min_group"]}
enregistrements ne sont pas publiés.</p>
{generated}
<h2>Repères</h2>
<table><caption>Où se situe votre démarche ? Quartiles des démarches mises en commun</caption>
<thead><tr><th scope="col">Mesure</th><th scope="col">1er quartile</th>
<th scope="col">Médiane</th><th scope="col">3e quartile</th><th scope="col">n</th></tr></thead>
<tbody>
{quartile_row("Participants pour 1 000 habitants", overall["participants_per_1000"])}
{quartile_row("Coût total (€)", overall["cost_total"])}
{quartile_row("Coût par participant (€)", overall["cost_per_participant"])}
{quartile_row("Temps agent (ETP)", overall["staff_fte"])}
{quartile_row("Indice de représentativité (0–1)", overall["representativeness_index"])}
{quartile_row("Part des répondants qui se sont sentis entendus", overall["felt_heard"])}
</tbody></table>
<h2>Objectifs et partenaires</h2>
{_bars("Part des démarches poursuivant chaque objectif", overall["objectives"], overall["n"])}
{
        _bars(
            "Part des démarches ayant travaillé avec chaque type de partenaire",
            overall["partners"],
            overall["n"],
        )
    }
{answers_html}
<h2>Par type de collectivité, taille et année</h2>
{group_table("Par type de collectivité", report["by_type"])}
{group_table("Par taille (population)", report["by_band"])}
{group_table("Par année", report["by_year"])}
</main></body></html>
"""


# --- the demo pool --------------------------------------------------------------------------


def generate(n: int = 50, seed: int = 2026) -> list[dict[str, Any]]:
    """Fictitious records for `n` local governments (`generated: true`), plausible enough
    for the report to be read: participation falls with size, costs rise with it."""
    rng = random.Random(seed)  # noqa: S311 - fictitious demo data
    kinds = [
        ("commune", 0.6),
        ("intercommunality", 0.2),
        ("metropolis", 0.08),
        ("department", 0.08),
        ("region", 0.04),
    ]
    records = []
    for i in range(n):
        draw, kind = rng.random(), "commune"
        acc = 0.0
        for name, share in kinds:
            acc += share
            if draw <= acc:
                kind = name
                break
        population = {
            "commune": int(rng.lognormvariate(9.3, 1.2)),
            "intercommunality": int(rng.lognormvariate(10.8, 0.7)),
            "metropolis": int(rng.uniform(250_000, 1_400_000)),
            "department": int(rng.uniform(150_000, 2_000_000)),
            "region": int(rng.uniform(1_000_000, 6_000_000)),
        }[kind]
        per_thousand = max(0.5, rng.lognormvariate(2.3, 0.8) / (1 + population / 200_000))
        participants = max(5, int(population * per_thousand / 1000))
        year = rng.choice([2024, 2025, 2026])
        channels = ["online"] + [c for c in ("paper", "meeting", "assisted") if rng.random() < 0.5]
        records.append(
            {
                "schema_version": SCHEMA_VERSION,
                "record_id": f"demo-{seed}-{i:04d}",
                "generated": True,
                "organisation": {
                    "type": kind,
                    "population_band": population_band(population),
                    "population": population,
                },
                "process": {
                    "template": rng.choice(
                        ["idea_box", "questionnaire", "participatory_budget", "opinion_map"]
                    ),
                    "year": year,
                    "channels": channels,
                },
                "metrics": {
                    "participants": participants,
                    "contributions": int(participants * rng.uniform(1.2, 4)),
                    "visitors": int(participants * rng.uniform(4, 12)),
                },
                "representativeness": {"index": round(rng.uniform(0.55, 0.95), 2)},
                "feedback": {
                    "respondents": int(participants * rng.uniform(0.05, 0.2)),
                    "felt_heard": round(rng.uniform(0.3, 0.8), 2),
                },
                "costs": {
                    "tool": round(rng.uniform(0, 15_000) * (1 + population / 500_000)),
                    "communication": round(rng.uniform(500, 8_000)),
                    "events": round(rng.uniform(0, 5_000)),
                },
                "staff_fte": round(rng.uniform(0.1, 1.5) * (1 + population / 1_000_000), 2),
                "partners": sorted({p for p in PARTNERS[:4] if rng.random() < 0.35}) or ["none"],
                "objectives": [
                    {"objective": o, "met": rng.random() < 0.6}
                    for o in OBJECTIVES
                    if rng.random() < {"inform": 0.9, "collect_opinions": 0.85}.get(o, 0.4)
                ],
            }
        )
    return records


def write_generated(folder: str | Path, n: int = 50) -> int:
    """Write the generated pool, one JSON file per record, into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    records = generate(n)
    for record in records:
        (folder / f"{record['record_id']}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return len(records)


for _key in ("objectives", "tools_contribute"):
    WAVE_QUESTIONS[_key] = (
        WAVE_QUESTIONS[_key][0],
        WAVE_QUESTIONS[_key][1],
        [(o, LABELS[o]) for o in OBJECTIVES],
    )
WAVE_QUESTIONS["partners"] = (
    WAVE_QUESTIONS["partners"][0],
    WAVE_QUESTIONS["partners"][1],
    [(p, LABELS[p]) for p in PARTNERS],
)
