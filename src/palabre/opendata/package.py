"""Builds a process's open dataset: CSV files described by a Frictionless data package (a Table
Schema per file), the same tables as JSON and XLSX, mapped ideas as GeoJSON, the evaluation
record, and a French README. No personal data: authors are pseudonymised per process (a keyed
hash nobody can reverse without the server's secret), texts have e-mail addresses and phone
numbers masked, hidden and withdrawn contributions are left out and counted, and demographic
breakdowns leave cells under the threshold empty. Dates are those of the site's time zone; line
ends in texts are line feeds; in the CSV files, a text that a spreadsheet would run as a
formula gets a leading apostrophe, while JSON and XLSX keep it exact (ADR 0009)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from palabre.contributions.models import Contribution
from palabre.core.spreadsheet import csv_dict_writer, xlsx_cells
from palabre.evaluation.participation import participation_of, participation_rows
from palabre.evaluation.selectors import (
    THRESHOLD,
    RecordUnavailable,
    evaluation_record,
    suppress_small_cells,
)
from palabre.processes.models import Process
from palabre.synthesis.models import Answer, Assignment, Statement, Synthesis
from palabre.synthesis.selectors import outcomes_of, topic_tree
from palabre_analysis.cleaning import mask_personal_data

FORMULA_NOTE = (
    "Dans ce fichier CSV, un texte qui commence par =, +, -, @, une tabulation ou un saut de "
    "ligne est précédé d'une apostrophe (') pour qu'aucun tableur ne l'exécute comme une "
    "formule ; donnees.json et donnees.xlsx donnent le texte exact."
)

LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}


@dataclass
class Table:
    name: str
    title: str
    description: str
    fields: list[tuple[str, str, str]]  # name, Table Schema type, description
    rows: list[dict[str, Any]] = field(default_factory=list)

    def csv(self) -> bytes:
        """The table as CSV: texts that a spreadsheet would run as formulas get a leading
        apostrophe (ADR 0009)."""
        out = io.StringIO()
        writer = csv_dict_writer(out, fieldnames=[f[0] for f in self.fields], lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        return out.getvalue().encode("utf-8")

    def resource(self) -> dict[str, Any]:
        has_text = any(kind == "string" for _name, kind, _text in self.fields)
        return {
            "name": self.name,
            "path": f"{self.name}.csv",
            "title": self.title,
            "description": f"{self.description} {FORMULA_NOTE}" if has_text else self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": name, "type": kind, "description": text}
                    for name, kind, text in self.fields
                ]
            },
        }


def pseudonym(process: Process, user_id: int | None) -> str:
    if user_id is None:
        return ""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"opendata:{process.pk}:{user_id}".encode(), hashlib.sha256)
    return "p" + digest.hexdigest()[:12]


def _suppressed(counts: Counter[str]) -> list[dict[str, Any]]:
    return [
        {"value": value or "—", "contributions": n}
        for value, n in sorted(suppress_small_cells(dict(counts)).items())
    ]


def build(process: Process) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Every file of the dataset by name, and the manifest (counts, exclusions)."""
    published = Q(is_hidden=False, withdrawn_at__isnull=True, held_at__isnull=True)
    base = Contribution.objects.filter(process=process)
    excluded = {
        "hidden": base.filter(is_hidden=True).count(),
        "withdrawn": base.filter(withdrawn_at__isnull=False).count(),
        "held": base.filter(held_at__isnull=False, is_hidden=False).count(),
    }
    contributions = (
        base.filter(published)
        .select_related("phase", "theme", "neighbourhood", "author")
        .annotate(n_supports=Count("supports", distinct=True))
        .order_by("pk")
    )
    contribution_table = Table(
        "contributions",
        "Contributions",
        "Toutes les contributions publiques de la démarche, tous canaux confondus.",
        [
            ("id", "integer", "Numéro de la contribution"),
            ("kind", "string", "idea, comment, answer, statement ou meeting_note"),
            ("parent_id", "integer", "Contribution à laquelle celle-ci répond"),
            ("title", "string", "Titre"),
            ("text", "string", "Texte (adresses électroniques et téléphones masqués)"),
            ("question", "string", "Question (réponses à un questionnaire)"),
            ("stance", "string", "Position d'un commentaire : for, against, neutral"),
            ("channel", "string", "Canal : online, paper, meeting, assisted…"),
            ("phase", "string", "Phase de la démarche"),
            ("theme", "string", "Thématique"),
            ("neighbourhood", "string", "Quartier"),
            ("participant", "string", "Pseudonyme de l'auteur propre à ce jeu (vide : inconnu)"),
            ("date", "date", "Date de dépôt"),
            ("supports", "integer", "Nombre de soutiens"),
            ("latitude", "number", "Latitude (idées localisées)"),
            ("longitude", "number", "Longitude (idées localisées)"),
        ],
    )
    features = []
    neighbourhoods: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for c in contributions.iterator(chunk_size=2000):
        contribution_table.rows.append(
            {
                "id": c.pk,
                "kind": c.kind,
                "parent_id": c.parent_id,
                "title": mask_personal_data(c.title),
                "text": mask_personal_data(c.body),
                "question": c.question,
                "stance": c.stance,
                "channel": c.channel,
                "phase": c.phase.kind if c.phase else "",
                "theme": c.theme.name if c.theme else "",
                "neighbourhood": c.neighbourhood.name if c.neighbourhood else "",
                "participant": pseudonym(process, c.author_id),
                "date": timezone.localdate(c.created_at).isoformat(),
                "supports": c.n_supports,
                "latitude": c.latitude,
                "longitude": c.longitude,
            }
        )
        neighbourhoods[c.neighbourhood.name if c.neighbourhood else ""] += 1
        types[c.author.participant_type if c.author else ""] += 1
        if c.latitude is not None and c.longitude is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(c.longitude), float(c.latitude)],
                    },
                    "properties": {
                        "id": c.pk,
                        "title": mask_personal_data(c.title),
                        "supports": c.n_supports,
                    },
                }
            )
    public_ids = {row["id"] for row in contribution_table.rows}
    breakdown = Table(
        "participation_breakdown",
        "Contributions par quartier et par type de participant",
        f"Cellules de moins de {THRESHOLD} contributions laissées vides (secret statistique).",
        [
            ("dimension", "string", "neighbourhood ou participant_type"),
            ("value", "string", "Valeur"),
            ("contributions", "integer", f"Nombre (vide si moins de {THRESHOLD})"),
        ],
    )
    for dimension, counts in (("neighbourhood", neighbourhoods), ("participant_type", types)):
        breakdown.rows += [{"dimension": dimension, **row} for row in _suppressed(counts)]

    tree = topic_tree(process=process)
    topic_table = Table(
        "topics",
        "Thèmes de la synthèse",
        "Thèmes et sous-thèmes trouvés par l'analyse et retravaillés par les agents.",
        [
            ("id", "integer", "Numéro du thème"),
            ("label", "string", "Nom"),
            ("parent_id", "integer", "Thème parent"),
            ("merged_into_id", "integer", "Thème dans lequel il a été fusionné"),
            (
                "contributions",
                "integer",
                "Contributions publiques du thème et de ses sous-thèmes, le nombre affiché "
                "partout (0 pour un thème fusionné : elles comptent dans merged_into_id)",
            ),
        ],
        [
            {
                "id": t.pk,
                "label": t.label,
                "parent_id": t.parent_id,
                "merged_into_id": t.merged_into_id,
                "contributions": 0 if t.merged_into_id else tree.total(t.pk),
            }
            for t in tree.topics.values()
        ],
    )
    pinned = set(
        Assignment.objects.filter(process=process, pinned=True).values_list(
            "contribution_id", flat=True
        )
    )
    assignment_table = Table(
        "topic_assignments",
        "Classement des contributions",
        "Ce que chaque contribution est devenue, comme sur la page « Mes contributions » et "
        "dans l'API : son thème (après fusions), sa source (analysis : l'analyse, agent : un "
        "agent) et la réponse qui la concerne (la sienne, sinon celle de son thème ou du "
        "thème parent le plus proche).",
        [
            ("contribution_id", "integer", "Contribution"),
            ("topic_id", "integer", "Thème (vide : non classée)"),
            ("source", "string", "engine ou agent"),
            ("quote", "boolean", "Citation retenue par les agents"),
            ("answer_id", "integer", "Réponse qui la concerne (table answers ; vide : aucune)"),
            ("answer_status", "string", "Statut de cette réponse"),
        ],
        [
            {
                "contribution_id": o.contribution.pk,
                "topic_id": o.topic.pk if o.topic else None,
                "source": o.assignment.source if o.assignment else "",
                "quote": "true" if o.contribution.pk in pinned else "false",
                "answer_id": o.answer.pk if o.answer else None,
                "answer_status": o.answer.status if o.answer else "",
            }
            for o in sorted(
                outcomes_of(base.filter(published), tree=tree), key=lambda o: o.contribution.pk
            )
            if o.assignment or o.answer
        ],
    )
    synthesis = (
        Synthesis.objects.filter(process=process, status=Synthesis.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    statement_table = Table(
        "synthesis_statements",
        "Énoncés de la synthèse",
        "Les énoncés de la dernière version publiée de la synthèse.",
        [
            ("id", "integer", "Numéro de l'énoncé"),
            ("version", "integer", "Version de la synthèse"),
            ("section", "string", "Section"),
            ("section_kind", "string", "topic, minority ou other"),
            ("topic_id", "integer", "Thème de la section"),
            ("text", "string", "Énoncé"),
            ("evidence", "integer", "Nombre de contributions qui l'appuient"),
        ],
    )
    evidence_table = Table(
        "synthesis_evidence",
        "Preuves de la synthèse",
        "Quelle contribution appuie quel énoncé.",
        [("statement_id", "integer", "Énoncé"), ("contribution_id", "integer", "Contribution")],
    )
    if synthesis is not None:
        for statement in (
            Statement.objects.filter(section__synthesis=synthesis)
            .select_related("section")
            .prefetch_related("evidence")
            .order_by("section__position", "position", "pk")
        ):
            ids = [c.pk for c in statement.evidence.all() if c.pk in public_ids]
            statement_table.rows.append(
                {
                    "id": statement.pk,
                    "version": synthesis.version,
                    "section": statement.section.title,
                    "section_kind": statement.section.kind,
                    "topic_id": statement.section.topic_id,
                    "text": statement.text,
                    "evidence": len(ids),
                }
            )
            evidence_table.rows += [
                {"statement_id": statement.pk, "contribution_id": pk} for pk in ids
            ]
    answer_table = Table(
        "answers",
        "Réponses et statuts",
        "Chaque réponse publique, la plus récente faisant foi ; les précédentes sont l'historique.",
        [
            ("id", "integer", "Numéro de la réponse"),
            ("topic_id", "integer", "Thème concerné"),
            ("contribution_id", "integer", "Proposition concernée"),
            ("status", "string", "received, under_study, adopted, partly_adopted, not_adopted…"),
            ("text", "string", "Réponse"),
            ("given_by", "string", "Rôle qui répond"),
            ("progress", "integer", "Avancement en pourcentage"),
            ("date", "date", "Date de la réponse"),
        ],
        [
            {
                "id": a.pk,
                "topic_id": a.topic_id,
                "contribution_id": a.contribution_id,
                "status": a.status,
                "text": a.text,
                "given_by": a.signed_as,
                "progress": a.progress,
                "date": timezone.localdate(a.created_at).isoformat(),
            }
            for a in Answer.objects.filter(process=process).order_by("created_at", "pk")
        ],
    )
    tables = [
        contribution_table,
        breakdown,
        topic_table,
        assignment_table,
        statement_table,
        evidence_table,
        answer_table,
        _participation_table(process),
        *_questionnaire_tables(process),
        *_vote_tables(process),
    ]
    for table in tables:
        table.rows = [{k: _line_ends(v) for k, v in row.items()} for row in table.rows]
    files: dict[str, bytes] = {f"{t.name}.csv": t.csv() for t in tables}
    files["donnees.json"] = json.dumps(
        {t.name: t.rows for t in tables}, ensure_ascii=False, indent=1, default=str
    ).encode()
    files["donnees.xlsx"] = _xlsx(tables)
    files["idees.geojson"] = json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode()
    try:
        record = evaluation_record(process=process)
    except RecordUnavailable:  # the organisation's population is not known yet
        record = None
    if record is not None:
        files["fiche-evaluation.json"] = json.dumps(
            record, ensure_ascii=False, indent=1, default=str
        ).encode()
    now = timezone.localtime()
    manifest = {
        "published_at": now.isoformat(),
        "rows": {t.name: len(t.rows) for t in tables},
        "excluded": excluded,
        "threshold": THRESHOLD,
        "files": sorted([*files, "datapackage.json", "LISEZMOI.md"]),
    }
    package = {
        "name": f"palabre-{process.organization.slug}-{process.slug}",
        "title": f"{process.title} — {process.organization.name}",
        "description": (
            f"Données ouvertes de la démarche « {process.title} » : contributions publiques, "
            "thèmes, synthèse et ses preuves, réponses. Sans donnée personnelle."
        ),
        "licenses": [LICENSE],
        "created": now.isoformat(timespec="seconds"),
        "resources": [t.resource() for t in tables]
        + [
            {
                "name": "ideas_geojson",
                "path": "idees.geojson",
                "format": "geojson",
                "mediatype": "application/geo+json",
                "description": "Idées localisées (points).",
            },
        ]
        + (
            [
                {
                    "name": "evaluation_record",
                    "path": "fiche-evaluation.json",
                    "format": "json",
                    "mediatype": "application/json",
                    "description": "Fiche d'évaluation standard (schéma evaluation-record).",
                }
            ]
            if record is not None
            else []
        ),
    }
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2).encode()
    with translation.override("fr"):
        files["LISEZMOI.md"] = render_to_string(
            "opendata/LISEZMOI.md",
            {
                "process": process,
                "tables": tables,
                "manifest": manifest,
                "license": LICENSE,
                "time_zone": settings.TIME_ZONE,
            },
        ).encode()
    return files, manifest


def _line_ends(value: Any) -> Any:
    """Line ends as line feeds, as XLSX stores them (a browser sends CR LF; a lone CR would
    also break a CSV reader such as Frictionless's)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _participation_table(process: Process) -> Table:
    """Who took part: the figures of the public synthesis's "who took part?" block
    (evaluation.participation), the same numbers as the page and the PDF."""
    return Table(
        "participation",
        "Qui a participé",
        "Les chiffres du bloc « Qui a participé ? » de la synthèse publique : personnes ayant "
        "participé avec un compte, contributions publiques par canal, indice de "
        "représentativité (comparaison des participants qui se sont décrits, avec leur "
        "consentement, à la population de référence), groupes sous-représentés et part des "
        "participants qui ont parlé de chaque thème, brute et redressée. Sans donnée "
        f"personnelle : une part qui repose sur moins de {THRESHOLD} personnes est laissée "
        "vide ; sans population de référence ou avec trop peu de participants décrits, seules "
        "les premières lignes sont données.",
        [
            (
                "measure",
                "string",
                "participants (personnes ayant participé avec un compte), contributions "
                "(toutes, puis par canal), contributions_without_account, described_themselves "
                "(participants qui se sont décrits), representativeness_index (0 à 1), "
                "under_represented, topic_speakers (participants décrits dont les contributions "
                "ont été analysées), topic_share",
            ),
            (
                "category",
                "string",
                "Canal (online, paper, meeting, assisted, imported), critère:catégorie d'un "
                "groupe sous-représenté (age:15-29, sexe:F, quartier:…) ou nom du thème",
            ),
            (
                "value",
                "number",
                "Nombre, indice, ou part (0 à 1) parmi les participants décrits ; vide si "
                f"moins de {THRESHOLD} personnes",
            ),
            ("reweighted", "number", "topic_share : part redressée sur la population (0 à 1)"),
            ("margin", "number", "topic_share : marge d'erreur à 95 % de la part redressée"),
            (
                "population_share",
                "number",
                "under_represented : part du groupe dans la population de référence (0 à 1)",
            ),
        ],
        participation_rows(participation_of(process=process)),
    )


def _questionnaire_tables(process: Process) -> list[Table]:
    from palabre.questionnaires.selectors import questionnaire_results

    results = questionnaire_results(process=process)
    if not results.questions:
        return []
    table = Table(
        "questionnaire_results",
        "Résultats du questionnaire",
        "Réponses aux questions fermées, agrégées (les réponses ouvertes sont des contributions).",
        [
            ("question", "string", "Question"),
            ("choice", "string", "Choix ou valeur de l'échelle"),
            ("count", "integer", "Nombre de répondants ayant choisi"),
            ("answered", "integer", "Nombre de répondants à la question"),
        ],
    )
    for result in results.questions:
        for choice in result.choices:
            table.rows.append(
                {
                    "question": result.question.text,
                    "choice": choice.label,
                    "count": choice.count,
                    "answered": result.answered,
                }
            )
    return [table]


def _vote_tables(process: Process) -> list[Table]:
    from palabre.opinions.models import Vote

    rows = (
        Vote.objects.filter(statement__process=process, statement__is_hidden=False)
        .values("statement_id")
        .annotate(
            agree=Count("pk", filter=Q(value=1)),
            disagree=Count("pk", filter=Q(value=-1)),
            passed=Count("pk", filter=Q(value=0)),
        )
        .order_by("statement_id")
    )
    if not rows:
        return []
    return [
        Table(
            "opinion_votes",
            "Votes sur les énoncés de la carte des opinions",
            "Votes agrégés par énoncé (le texte des énoncés est dans contributions).",
            [
                ("statement_id", "integer", "Énoncé (contribution)"),
                ("agree", "integer", "D'accord"),
                ("disagree", "integer", "Pas d'accord"),
                ("pass", "integer", "Passe / ne sait pas"),
            ],
            [
                {
                    "statement_id": r["statement_id"],
                    "agree": r["agree"],
                    "disagree": r["disagree"],
                    "pass": r["passed"],
                }
                for r in rows
            ],
        )
    ]


def _xlsx(tables: list[Table]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append([f[0] for f in table.fields])
        for row in table.rows:
            sheet.append(xlsx_cells(sheet, [row.get(f[0]) for f in table.fields]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
