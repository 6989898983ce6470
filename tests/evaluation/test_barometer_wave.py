from __future__ import annotations

import json

from django.urls import reverse

from palabre.evaluation.selectors import barometer_answers
from palabre.evaluation.services import barometer_wave_create
from palabre.processes.models import Phase, Process
from palabre.processes.services import process_set_status
from palabre.questionnaires.services import response_submit
from palabre_analysis.barometer import pool

from ..budgets.conftest import move_to_phase
from ..conftest import login
from ..factories import UserFactory


def answer(wave, kind, band, tools, partners):
    by_text = {q.text: q for q in wave.questions.prefetch_related("choices")}

    def pick(text, labels):
        question = by_text[text]
        ids = [c.pk for c in question.choices.all() if c.label in labels]
        return ids[0] if question.kind == "single" else ids

    return {
        by_text["Votre collectivité est"].pk: pick("Votre collectivité est", [kind]),
        by_text["Sa population"].pk: pick("Sa population", [band]),
        by_text["À quels objectifs les outils numériques contribuent-ils, selon vous ?"].pk: pick(
            "À quels objectifs les outils numériques contribuent-ils, selon vous ?", tools
        ),
        by_text["Avec qui avez-vous travaillé ?"].pk: pick(
            "Avec qui avez-vous travaillé ?", partners
        ),
    }


def test_a_wave_is_answered_then_pooled_by_the_barometer(client, org_a, agent_a):
    login(client, agent_a)
    url = reverse("backoffice:organization_evaluation", kwargs={"org": org_a.slug})
    assert client.post(url, {"year": "2026"}).status_code == 302
    wave = Process.objects.get(slug="barometre-2026")
    assert wave.questions.count() == 5
    wave = process_set_status(process=wave, status="published")
    move_to_phase(wave, Phase.Kind.CONTRIBUTION)
    for i in range(6):
        response_submit(
            process=wave,
            respondent=UserFactory(),
            answers=answer(
                wave,
                "Une commune",
                "De 2 000 à 10 000",
                ["Informer", "Recueillir des avis"] if i % 2 else ["Informer"],
                ["Associations"],
            ),
        )
    records = barometer_answers(process=wave)
    assert len(records) == 6 and records[0]["year"] == 2026
    assert records[0]["organisation"] == {"type": "commune", "population_band": "2k-10k"}
    report = pool(records)
    assert report["answers"]["overall"]["tools_contribute"]["inform"] == 1.0
    assert report["answers"]["overall"]["tools_contribute"]["collect_opinions"] == 0.5
    assert report["answers"]["by_type"]["commune"]["n"] == 6
    exported = client.get(
        reverse("backoffice:process_evaluation", kwargs={"org": org_a.slug, "slug": wave.slug})
        + "?format=barometer"
    )
    assert len(json.loads(exported.content)) == 6
    # a second wave of the same year is refused
    response = client.post(url, {"year": "2026"}, follow=True)
    assert "existe déjà" in response.content.decode()


def test_barometer_creation_is_for_agents(client, org_a, citizen):
    from palabre.organizations.roles import Role

    from ..factories import make_member

    analyst = make_member(org_a, Role.ANALYST)
    login(client, analyst)
    url = reverse("backoffice:organization_evaluation", kwargs={"org": org_a.slug})
    assert client.post(url, {"year": "2026"}).status_code == 403
    assert barometer_wave_create  # (used above through the page)
