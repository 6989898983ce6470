"""The analysis as agents run it in the web app, run by `make bench`; results in
bench/results/synthesis-webapp.json.

On a fresh SQLite database: every answer of the Grand Débat question on administrative
procedures (../shared/data/granddebat, ~19,000 answers) in one closed process. Timed end to end
(reading the corpus from the database, the engine, bringing the result into the workspace): a
first run, a second run after agents' edits (a rename, a merge, 50 contributions moved — all
kept), then the open data package and the synthesis PDF. Skipped when ../shared is absent.
Seconds on this machine (CPU count noted); compare runs as ratios."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_django, machine

RESULTS = Path(__file__).resolve().parent / "results"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    if not (SHARED / "granddebat" / "organisation_etat_demarches.csv").is_file():
        print("../shared/data/granddebat is absent: synthesis_webapp skipped")
        return
    fresh_django()
    from django.test import Client, override_settings
    from django.utils import timezone

    from palabre.accounts.models import User
    from palabre.contributions.models import Contribution
    from palabre.demo.sources import grand_debat_answers
    from palabre.opendata.services import dataset_publish
    from palabre.organizations.roles import Role
    from palabre.organizations.services import membership_grant, organization_create
    from palabre.processes.models import Process
    from palabre.processes.services import process_create, process_set_status
    from palabre.synthesis import restitution, services
    from palabre.synthesis.models import AnalysisRun, Assignment, Topic
    from palabre.synthesis.selectors import topics_of

    org = organization_create(name="Ville de Banc", slug="ville-de-banc", kind="commune")
    process = process_create(
        organization=org,
        template=Process.Template.QUESTIONNAIRE,
        title="Démarches",
        question="Quelles démarches sont trop complexes ?",
        start_date=timezone.localdate(),
    )
    process = process_set_status(process=process, status="published")
    analyst = User.objects.create(email="analyste@bench.invalid", pseudonym="Analyste")
    membership_grant(organization=org, user=analyst, role=Role.ANALYST)
    _source, answers = grand_debat_answers(SHARED, 10**9)
    now = timezone.now()
    Contribution.objects.bulk_create(
        [
            Contribution(process=process, kind="answer", body=text, source_ref=ref, created_at=now)
            for ref, text in answers
        ],
        batch_size=2000,
    )

    def run() -> tuple[float, AnalysisRun]:
        started = AnalysisRun.objects.create(process=process, started_by=analyst)
        t0 = time.perf_counter()
        services.run_execute(run_id=started.pk)
        elapsed = time.perf_counter() - t0
        started.refresh_from_db()
        assert started.status == "done", started.error
        return elapsed, started

    first_s, _first = run()
    roots = topics_of(process=process)
    services.topic_rename(topic=roots[0], label="Renommé", version=roots[0].version, user=analyst)
    services.topics_merge(topics=[roots[-1]], target=roots[1], user=analyst)
    moved = list(
        Assignment.objects.filter(topic__isnull=True).values_list("contribution_id", flat=True)[:50]
    )
    services.contributions_move(
        process=process, contribution_ids=moved, target=roots[2], user=analyst
    )
    second_s, second = run()
    kept = Assignment.objects.filter(contribution__in=moved, topic=roots[2]).count()
    draft = restitution.draft_get_or_create(process=process)
    for topic in topics_of(process=process)[:8]:
        section = restitution.section_add(synthesis=draft, title=topic.label, topic=topic)
        ids = list(
            Assignment.objects.filter(topic=topic).values_list("contribution_id", flat=True)[:200]
        )
        restitution.statement_save(section=section, text="Un énoncé.", evidence_ids=ids)
    restitution.synthesis_publish(synthesis=draft, user=analyst)
    t0 = time.perf_counter()
    dataset = dataset_publish(process=process)
    opendata_s = time.perf_counter() - t0
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        t0 = time.perf_counter()
        response = Client().get(f"/ville-de-banc/demarches/{process.slug}/synthese/pdf/")
        pdf_s = time.perf_counter() - t0
        assert response.status_code == 200
    result = {
        "machine": machine(),
        "contributions": len(answers),
        "first_run_s": round(first_s, 1),
        "second_run_after_edits_s": round(second_s, 1),
        "topics": Topic.objects.filter(process=process, merged_into__isnull=True).count(),
        "moved_by_agents_kept": f"{kept}/{len(moved)}",
        "renamed_kept": Topic.objects.filter(pk=roots[0].pk, label="Renommé").exists(),
        "comparison": {k: second.comparison[k] for k in ("n_common", "n_new", "n_moved")},
        "open_data_s": round(opendata_s, 1),
        "open_data_rows": dataset.manifest["rows"]["contributions"],
        "pdf_s": round(pdf_s, 2),
        "pdf_bytes": len(response.content),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synthesis-webapp.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
