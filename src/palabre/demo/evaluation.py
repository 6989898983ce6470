"""The demo's evaluation data: Ville de Démo's reference population (census-like shares,
labelled as demonstration values) and optional self-descriptions of 150 online
respondents of the Grand Débat questionnaire — older and more often men than the town, as
in real consultations — so that the representativeness page shows who is missing and the
reweighted results. Idempotent."""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.db import transaction

from palabre.accounts.models import User
from palabre.core.models import Channel
from palabre.evaluation import services
from palabre.evaluation.models import Profile
from palabre.organizations.models import Organization
from palabre.processes.models import Process
from palabre.questionnaires.models import Response

REFERENCE = {
    # people aged 15 and over, those who can take part (shares of the census, rounded)
    "age": {"15-29": 22, "30-44": 22, "45-59": 23, "60-74": 20, "75+": 13},
    "sexe": {"H": 48, "F": 52},
}
# who answers online, in practice: few young people, many people over 45
AGE_WEIGHTS = {"15-29": 8, "30-44": 20, "45-59": 30, "60-74": 30, "75+": 12}


@transaction.atomic
def evaluation_demo(organization: Organization, process: Process, voters: Sequence[User]) -> None:
    services.reference_save(
        organization=organization,
        margins=REFERENCE,
        source="Recensement 2021, 15 ans et plus — valeurs de démonstration",
    )
    services.sheet_save(
        process=process,
        objectives=[
            {"objective": "collect_opinions", "target": "1 000 réponses", "met": True},
            {"objective": "reach_new_publics", "target": "20 % de moins de 30 ans", "met": False},
            {"objective": "improve_decisions", "target": "3 démarches simplifiées", "met": None},
        ],
        cost_tool=4_800,
        cost_vendor_support=None,
        cost_communication=2_500,
        cost_events=1_200,
        staff_fte=0.6,
        partners=["associations"],
        decisions=2,
        answers_given=12,
    )
    if Profile.objects.filter(organization=organization).exists():
        return
    from palabre.evaluation.models import FeedbackAnswer

    feedback_rng = random.Random(2029)  # noqa: S311 (reproducible demo data)
    FeedbackAnswer.objects.bulk_create(  # history: written as the survey page would have
        FeedbackAnswer(
            process=process,
            respondent=voter,
            felt_heard=feedback_rng.choices([1, 2, 3], [5, 3, 2])[0],
            learned=feedback_rng.choices([1, 2, 3], [4, 4, 2])[0],
            will_change=feedback_rng.choices([1, 2, 3], [2, 4, 4])[0],
            satisfaction=feedback_rng.choices([1, 2, 3, 4, 5], [1, 2, 3, 4, 2])[0],
        )
        for voter in voters[:60]
    )
    rng = random.Random(2028)  # noqa: S311 (reproducible demo data)
    free = list(
        Response.objects.filter(process=process, channel=Channel.ONLINE, respondent=None)
        .order_by("pk")
        .values_list("pk", flat=True)[: len(voters)]
    )
    neighbourhoods = list(organization.neighbourhoods.all())
    for response_id, voter in zip(free, voters, strict=False):
        Response.objects.filter(pk=response_id).update(respondent=voter)
        ages, weights = zip(*AGE_WEIGHTS.items(), strict=True)
        services.profile_save(
            organization=organization,
            user=voter,
            consent=True,
            age_band="" if rng.random() < 0.12 else rng.choices(ages, weights)[0],
            sex="" if rng.random() < 0.1 else ("H" if rng.random() < 0.6 else "F"),
            neighbourhood=None if rng.random() < 0.2 else rng.choice(neighbourhoods),
        )
