"""Consultation pages at scale, run by `make bench`; results in bench/results/.

On a fresh SQLite database: an idea box with 10,000 ideas (and 40,000 supports), one idea
with 2,000 comments (a quarter of them replies), and a questionnaire with 5,000 responses.
Each page is fetched through Django's test client (no network) as a signed-in resident;
medians in milliseconds on this machine (CPU count noted) and SQL query counts, which must not
grow with the data. Compare runs as ratios: the machines are shared and noisy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_django, machine, measure

RESULTS = Path(__file__).resolve().parent / "results"
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
IDEAS = int(os.environ.get("BENCH_IDEAS", "10000"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "2000"))
RESPONSES = int(os.environ.get("BENCH_RESPONSES", "5000"))


def load() -> dict[str, object]:
    from django.utils import timezone

    from palabre.accounts.models import User
    from palabre.contributions.models import Contribution, Support
    from palabre.organizations.services import organization_create
    from palabre.processes.models import Process
    from palabre.processes.services import process_create, process_set_status
    from palabre.questionnaires import services as q_services
    from palabre.questionnaires.models import AnswerChoice, QuestionAnswer, Response

    rng = random.Random(1)
    org = organization_create(
        name="Ville de Banc",
        slug="ville-de-banc",
        kind="commune",
        neighbourhoods=["Nord", "Sud", "Est"],
    )
    start = timezone.localdate() - dt.timedelta(days=20)
    box = process_create(
        organization=org,
        template=Process.Template.IDEA_BOX,
        title="Dix mille idées",
        question="Que proposez-vous ?",
        start_date=start,
    )
    box = process_set_status(process=box, status="published")
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.invalid", pseudonym=f"Personne {i}") for i in range(400)]
    )
    now = timezone.now()
    phase = box.current_phase()
    words = [
        "banc",
        "arbre",
        "piste",
        "cyclable",
        "école",
        "parc",
        "marché",
        "fontaine",
        "éclairage",
        "bus",
        "abri",
    ]
    Contribution.objects.bulk_create(
        [
            Contribution(
                process=box,
                kind="idea",
                title=f"Idée {i} : {' '.join(rng.sample(words, 3))}",
                body=" ".join(rng.choices(words, k=40)),
                author=users[i % len(users)],
                phase=phase,
                created_at=now - dt.timedelta(minutes=i),
            )
            for i in range(IDEAS)
        ],
        batch_size=1000,
    )
    ideas = list(Contribution.objects.filter(process=box, kind="idea").values_list("pk", flat=True))
    Support.objects.bulk_create(
        [
            Support(contribution_id=pk, user=users[j])
            for n, pk in enumerate(ideas)
            for j in rng.sample(range(len(users)), 4 + (n % 3 == 0) * 8)
        ][: IDEAS * 4],
        batch_size=2000,
        ignore_conflicts=True,
    )
    debated = Contribution.objects.get(pk=ideas[0])
    top = Contribution.objects.bulk_create(
        [
            Contribution(
                process=box,
                kind="comment",
                body=f"Commentaire {i} " + " ".join(rng.choices(words, k=25)),
                stance=rng.choice(["for", "against", "neutral"]),
                parent=debated,
                author=users[i % len(users)],
                phase=phase,
                created_at=now - dt.timedelta(seconds=COMMENTS - i),
            )
            for i in range(COMMENTS * 3 // 4)
        ],
        batch_size=1000,
    )
    Contribution.objects.bulk_create(
        [
            Contribution(
                process=box,
                kind="comment",
                body=f"Réponse {i}",
                stance="neutral",
                parent=top[i % len(top)],
                author=users[(i * 7) % len(users)],
                phase=phase,
                created_at=now,
            )
            for i in range(COMMENTS - len(top))
        ],
        batch_size=1000,
    )
    survey = process_create(
        organization=org,
        template=Process.Template.QUESTIONNAIRE,
        title="Grande enquête",
        question="Votre avis ?",
        start_date=start,
    )
    survey = process_set_status(process=survey, status="published")
    single = q_services.question_create(
        process=survey, kind="single", text="Mode ?", choices=["A pied", "Vélo", "Bus", "Auto"]
    )
    scale = q_services.question_create(process=survey, kind="scale", text="Satisfaction ?")
    multiple = q_services.question_create(
        process=survey, kind="multiple", text="Besoins ?", choices=["Bancs", "Ombre", "WC"]
    )
    responses = Response.objects.bulk_create(
        [Response(process=survey, channel="online") for _ in range(RESPONSES)], batch_size=1000
    )
    answers = QuestionAnswer.objects.bulk_create(
        [QuestionAnswer(response=r, question=single) for r in responses]
        + [QuestionAnswer(response=r, question=scale, value=rng.randint(1, 5)) for r in responses]
        + [QuestionAnswer(response=r, question=multiple) for r in responses],
        batch_size=2000,
    )
    single_choices = list(single.choices.values_list("pk", flat=True))
    multiple_choices = list(multiple.choices.values_list("pk", flat=True))
    AnswerChoice.objects.bulk_create(
        [AnswerChoice(answer=a, choice_id=rng.choice(single_choices)) for a in answers[:RESPONSES]]
        + [
            AnswerChoice(answer=a, choice_id=c)
            for a in answers[2 * RESPONSES :]
            for c in rng.sample(multiple_choices, 2)
        ],
        batch_size=2000,
    )
    return {"box": box, "survey": survey, "debated": debated, "resident": users[0]}


def main() -> int:
    fresh_django()
    from django.test import Client

    started = time.perf_counter()
    data = load()
    load_seconds = time.perf_counter() - started
    box, survey, debated = data["box"], data["survey"], data["debated"]
    base = f"/ville-de-banc/demarches/{box.slug}/"  # type: ignore[attr-defined]
    from palabre.accounts.models import User
    from palabre.organizations.models import Membership

    client = Client()
    client.force_login(data["resident"])  # type: ignore[arg-type]
    agent = User.objects.create(email="agent@bench.invalid", pseudonym="Agent")
    Membership.objects.create(organization=box.organization, user=agent, role="agent")  # type: ignore[attr-defined]
    staff = Client()
    staff.force_login(agent)
    pages = [
        ("ideas_random_order", client, base),
        ("ideas_page_200", client, base + "?page=200"),
        ("ideas_most_supported", client, base + "?sort=supported"),
        ("ideas_text_search", client, base + "?q=fontaine&sort=recent"),
        ("idea_with_2000_comments", client, f"{base}idees/{debated.pk}/"),  # type: ignore[attr-defined]
        (
            "questionnaire_results_5000",
            staff,
            f"/ville-de-banc/demarches/{survey.slug}/resultats/",  # type: ignore[attr-defined]
        ),
    ]
    results = measure(pages, REPEAT, digits=1)
    output = {
        "benchmark": "consultation-pages",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "database": "sqlite",
        "data": {
            "ideas": IDEAS,
            "comments_on_one_idea": COMMENTS,
            "questionnaire_responses": RESPONSES,
            "load_seconds": round(load_seconds, 1),
        },
        "repeat": REPEAT,
        "pages": results,
        "target": "each page well under 1 s; query counts constant (no N+1)",
        "note": "Medians on the machine above; compare runs as ratios.",
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "consultation-pages.json"
    path.write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
