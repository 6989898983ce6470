from __future__ import annotations

import pytest

from palabre.processes.models import Process
from palabre.questionnaires import services

from ..factories import make_process


def build_questionnaire(process: Process) -> dict[str, object]:
    section = services.section_create(process=process, title="Vos déplacements")
    q = {
        "mode": services.question_create(
            process=process,
            kind="single",
            text="Comment venez-vous au centre-ville ?",
            choices=["À pied", "À vélo", "En voiture", "En bus"],
            required=True,
            section=section,
        ),
        "needs": services.question_create(
            process=process,
            kind="multiple",
            text="Que manque-t-il ?",
            choices=["Des bancs", "De l'ombre", "Des toilettes"],
            max_choices=2,
        ),
        "satisfaction": services.question_create(
            process=process,
            kind="scale",
            text="Êtes-vous satisfait·e de la place ?",
            scale_min=1,
            scale_max=5,
            scale_min_label="Pas du tout",
            scale_max_label="Tout à fait",
        ),
        "priorities": services.question_create(
            process=process,
            kind="ranking",
            text="Classez ces priorités",
            choices=["Sécurité", "Verdure", "Commerces"],
        ),
        "open": services.question_create(
            process=process, kind="open", text="Que changeriez-vous en priorité ?"
        ),
    }
    return q


@pytest.fixture
def questionnaire_a(org_a):
    process = make_process(
        org_a, title="Questionnaire place du marché", template=Process.Template.QUESTIONNAIRE
    )
    return process, build_questionnaire(process)
