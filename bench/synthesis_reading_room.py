"""The analyst's reading room at scale, run by `make bench`; results in
bench/results/synthesis-reading-room.json.

A closed process with 100,000 answers (BENCH_READING_SIZE) in the synthesis workspace: 20
topics, one of them with two sub-topics and a merged topic, six neighbourhoods, four channels,
engine scores. Pages are fetched through Django's test client as a signed-in analyst: the
whole workspace's contributions, the largest topic (its sub-topics and merged topic included),
a full-text search, a search with two filters, a page deep in the list, the side panel, and
the workspace page. Server time (the view with its queries and template), median of
BENCH_REPEAT fetches, with the SQL query count.

On PostgreSQL (the target: under 1 s with search), in a throw-away database on
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); on SQLite when no
PostgreSQL answers (the result says which). Answers are synthetic, made from the real Grand
Débat answers when ../shared is present, from a fixed vocabulary otherwise. Compare runs as
ratios: the machines are shared and noisy.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_django, machine, measure

RESULTS = Path(__file__).resolve().parent / "results"
SIZE = int(os.environ.get("BENCH_READING_SIZE", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

WORDS = (
    "démarche dossier papier justificatif internet guichet délai rendez-vous formulaire carte "
    "grise permis impôts retraite allocation site attente téléphone agent mairie simplifier "
    "numérique accompagner personnes âgées fracture zone rurale courrier"
)


def texts(n: int) -> list[str]:
    try:
        from synthetic import SOURCE, synthetic_answers

        if SOURCE.is_file():
            return synthetic_answers(n, seed=3)
    except ImportError:
        pass
    rng = random.Random(3)
    words = WORDS.split(" ")
    return [" ".join(rng.choices(words, k=rng.randint(8, 60))) for _ in range(n)]


def load() -> dict[str, object]:
    from django.utils import timezone

    from palabre.accounts.models import User
    from palabre.contributions.models import Contribution
    from palabre.organizations.roles import Role
    from palabre.organizations.services import membership_grant, organization_create
    from palabre.processes.models import Process
    from palabre.processes.services import process_create, process_set_status
    from palabre.synthesis.models import Assignment, Topic

    rng = random.Random(1)
    org = organization_create(
        name="Ville de Banc",
        slug="ville-de-banc",
        kind="commune",
        neighbourhoods=["Nord", "Sud", "Est", "Ouest", "Centre", "Gare"],
    )
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
    neighbourhoods = list(org.neighbourhoods.all())
    now = timezone.now()
    Contribution.objects.bulk_create(
        [
            Contribution(
                process=process,
                kind="answer",
                body=text,
                question="Quelles démarches sont trop complexes ?",
                channel=rng.choice(("online", "online", "online", "paper", "meeting", "assisted")),
                neighbourhood=rng.choice(neighbourhoods),
                created_at=now,
            )
            for text in texts(SIZE)
        ],
        batch_size=5000,
    )
    topics = [
        Topic.objects.create(process=process, label=f"Sujet {n}", engine_key=f"t{n}")
        for n in range(1, 21)
    ]
    big = topics[0]
    subs = [
        Topic.objects.create(process=process, label=f"Sous-sujet {n}", parent=big) for n in (1, 2)
    ]
    merged = Topic.objects.create(process=process, label="Fusionné", merged_into=big)
    # the largest topic (with its sub-topics and merged topic) holds about half the answers
    weights = [10, 4, 3, 3] + [1] * 19
    destinations = [big, *subs, merged, *topics[1:]]
    ids = list(Contribution.objects.filter(process=process).values_list("pk", flat=True))
    Assignment.objects.bulk_create(
        [
            Assignment(
                process=process,
                contribution_id=pk,
                topic=rng.choices(destinations, weights)[0],
                score=round(rng.random(), 3),
                pinned=rng.random() < 0.001,
            )
            for pk in ids
        ],
        batch_size=5000,
    )
    return {"process": process, "analyst": analyst, "big": big, "ids": ids}


def main() -> None:
    os.environ["PALABRE_STAFF_MFA_REQUIRED"] = "false"  # the analyst signs in without a code
    engine = fresh_django(database_url=DATABASE_URL)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from palabre.synthesis.selectors import topic_tree

    t0 = time.perf_counter()
    data = load()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load_s = time.perf_counter() - t0
    process, big = data["process"], data["big"]
    client = Client()
    client.force_login(data["analyst"])
    kwargs = {"org": "ville-de-banc", "slug": process.slug}  # type: ignore[attr-defined]
    everything = reverse("backoffice:synthesis_contributions", kwargs=kwargs)
    topic = reverse("backoffice:synthesis_topic", kwargs={**kwargs, "pk": big.pk})  # type: ignore[attr-defined]
    neighbourhood = process.organization.neighbourhoods.first().pk  # type: ignore[attr-defined]
    pages = [
        ("all contributions", client, everything),
        ("largest topic", client, topic),
        ("search (all)", client, f"{everything}?q=carte+grise"),
        (
            "search + 2 filters (topic)",
            client,
            f"{topic}?q=dossier&canal=paper&quartier={neighbourhood}",
        ),
        ("page 1,000 (all)", client, f"{everything}?page=1000"),
        ("side panel", client, f"{topic}?voir={data['ids'][SIZE // 2]}"),
        ("workspace", client, reverse("backoffice:synthesis_workspace", kwargs=kwargs)),
    ]
    timings = measure(pages, REPEAT, digits=1)
    tree = topic_tree(process=process)  # type: ignore[arg-type]
    result = {
        "machine": machine(),
        "database": engine,
        "contributions": SIZE,
        "largest_topic_contributions": tree.total(big.pk),  # type: ignore[attr-defined]
        "load_s": round(load_s, 1),
        "target": "every page under 1,000 ms server time on PostgreSQL",
        "pages": timings,
        "slowest_median_ms": max(row["median_ms"] for row in timings.values()),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "synthesis-reading-room.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "pages"}, indent=2))


if __name__ == "__main__":
    main()
