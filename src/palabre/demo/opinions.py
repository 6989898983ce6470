"""The demo's opinion map ("Quelle place pour la voiture en centre-ville ?"), open to votes:
statements seeded by the participation team, one proposed by a resident and waiting for a
moderator, and about 180 residents' votes in three broad camps, the map computed.

Votes are history, written directly; the map is computed as the background task would.
Idempotent: nothing is added once the map has votes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Count

from palabre.accounts.models import User
from palabre.opinions import services
from palabre.opinions.models import Vote
from palabre.processes.models import Process

# statement, and the chance of agreeing in each camp: (cars, walking and cycling, buses)
STATEMENTS = [
    ("La place du Marché devrait être piétonne le samedi.", (0.2, 0.9, 0.7)),
    ("Il faut plus de places de stationnement en centre-ville.", (0.9, 0.1, 0.3)),
    ("Le stationnement devrait rester gratuit entre midi et deux.", (0.9, 0.3, 0.5)),
    ("La vitesse devrait être limitée à 30 km/h dans tout le centre.", (0.2, 0.9, 0.7)),
    ("Les commerces du centre ont besoin que l'on puisse venir en voiture.", (0.9, 0.3, 0.4)),
    ("Il faut des pistes cyclables séparées de la circulation.", (0.3, 0.95, 0.7)),
    ("Les bus devraient passer toutes les dix minutes aux heures de pointe.", (0.5, 0.7, 0.95)),
    ("Un parking relais à l'entrée de la ville, avec une navette, serait utile.", (0.6, 0.6, 0.9)),
    ("Les trottoirs sont trop encombrés pour les poussettes et les fauteuils.", (0.6, 0.9, 0.8)),
    ("Les livraisons devraient se faire avant 10 heures.", (0.4, 0.8, 0.7)),
    ("La rue de la République devrait rester ouverte aux voitures.", (0.95, 0.1, 0.4)),
    ("Il faudrait plus d'arbres et d'ombre dans les rues du centre.", (0.7, 0.95, 0.85)),
    ("Les personnes âgées doivent pouvoir se garer près des services.", (0.9, 0.6, 0.8)),
    ("Le bus devrait être gratuit le week-end.", (0.5, 0.7, 0.95)),
    ("Les trottinettes ne devraient pas rouler sur les trottoirs.", (0.85, 0.8, 0.85)),
    ("La municipalité devrait consulter les commerçants avant tout changement.", (0.9, 0.6, 0.7)),
]
CAMPS = (0.35, 0.45, 0.20)


@transaction.atomic
def opinion_map(
    process: Process,
    agent: User,
    voters: Sequence[User],
    proposer: User | None = None,
    spec: Sequence[tuple[str, Sequence[float]]] = STATEMENTS,
    camps: Sequence[float] = CAMPS,
) -> None:
    """Seed `spec` (statement, chance of agreeing per camp) and vote: each voter belongs to
    a camp drawn with the `camps` shares, skips a quarter of the statements, passes on some."""
    opinion_map = services.opinion_map_of(process)
    if Vote.objects.filter(statement__process=process).exists():
        return
    statements = services.statements_seed(
        process=process, author=agent, texts=[text for text, _p in spec]
    )
    rng = random.Random(2026)  # noqa: S311 (reproducible demo data)
    votes = []
    for voter in voters:
        draw, camp = rng.random(), 0
        while camp < len(camps) - 1 and draw > sum(camps[: camp + 1]):
            camp += 1
        for statement, (_text, chances) in zip(statements, spec, strict=True):
            if rng.random() < 0.25:
                continue  # nobody votes on everything
            roll = rng.random()
            value = 0 if roll > 0.92 else (1 if rng.random() < chances[camp] else -1)
            votes.append(Vote(statement=statement, voter=voter, value=value))
    Vote.objects.bulk_create(votes)
    if proposer is not None:
        services.statement_propose(
            process=process,
            author=proposer,
            text="Il faudrait une zone de rencontre devant l'école Jules-Ferry.",
        )
    services.opinion_map_compute(opinion_map_id=opinion_map.pk)


def real_statements(proposals: Sequence[dict[str, float | str]]) -> list[tuple[str, list[float]]]:
    """Statements from real proposals with their agree / disagree / mixed counts: a first
    camp votes like the real voters did; a second one reverses where the real vote was
    contested (a tenth or more against), so that the map shows both agreement and division."""
    spec = []
    for proposal in proposals:
        ok, nok, mixed = (float(proposal[k]) for k in ("ok", "nok", "mixed"))
        total = ok + nok + mixed or 1.0
        agree = ok / total
        contested = nok / total >= 0.1
        spec.append((str(proposal["title"]), [agree, 1 - agree if contested else agree]))
    return spec


@transaction.atomic
def pairwise_comparisons(process: Process, voters: Sequence[User]) -> None:
    """Residents compare the idea box's ideas two by two (about 20 answers each, a few
    "can't decide"); their preferences follow the ideas' supports, with noise. Ranking
    computed as the task would."""
    import uuid

    from palabre.contributions.models import Contribution
    from palabre.opinions import pairwise
    from palabre.opinions.models import PairwiseVote

    survey = pairwise.survey_of(process)
    if survey.votes.exists():
        return
    ideas = list(pairwise.pool(process).annotate(n=Count("supports")))
    if len(ideas) < 2:
        return
    strength = {idea.pk: 1.0 + idea.n for idea in ideas}
    rng = random.Random(2027)  # noqa: S311 (reproducible demo data)
    types = ["resident", "resident", "resident", "association", "business"]
    votes = []
    for i, voter in enumerate(voters):
        segment = types[i % len(types)]
        for _ in range(20):
            left, right = rng.sample(ideas, 2)
            token = uuid.UUID(int=rng.getrandbits(128))
            if rng.random() < 0.06:
                votes.append(
                    PairwiseVote(
                        survey=survey,
                        voter=voter,
                        left=left,
                        right=right,
                        reason="unsure",
                        segment=segment,
                        token=token,
                    )
                )
                continue
            p = strength[left.pk] / (strength[left.pk] + strength[right.pk])
            winner: Contribution = left if rng.random() < p else right
            votes.append(
                PairwiseVote(
                    survey=survey,
                    voter=voter,
                    left=left,
                    right=right,
                    winner=winner,
                    segment=segment,
                    token=token,
                )
            )
    PairwiseVote.objects.bulk_create(votes)
    pairwise.ranking_compute(survey_id=survey.pk)
