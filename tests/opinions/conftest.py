from __future__ import annotations

import pytest

from palabre.opinions import services
from palabre.processes.models import Phase, Process

from ..budgets.conftest import move_to_phase
from ..factories import make_process

STATEMENTS = [
    "La place du marché doit devenir piétonne le samedi.",
    "Il faut plus de places de stationnement en centre-ville.",
    "Les bus doivent passer toutes les dix minutes.",
    "Les vélos doivent avoir des pistes séparées.",
    "Le stationnement doit rester gratuit le midi.",
    "Il faut limiter la vitesse à 30 km/h partout.",
]


def build_map(org, agent):
    process = make_process(org, title="La voiture en ville", template=Process.Template.OPINION_MAP)
    move_to_phase(process, Phase.Kind.QUALIFICATION)
    opinion_map = services.opinion_map_of(process)
    services.opinion_map_update(opinion_map=opinion_map, min_votes=3)
    statements = services.statements_seed(process=process, author=agent, texts=STATEMENTS)
    return {"process": process, "map": opinion_map, "statements": statements}


@pytest.fixture
def om(org_a, agent_a):
    return build_map(org_a, agent_a)
