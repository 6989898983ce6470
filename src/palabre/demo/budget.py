"""The demo's participatory budget (2026 edition, now in its results phase): two envelopes,
projects proposed by residents and analysed by the services (kept, rejected with a public
reason, merged), ballots cast online, keyed in twice from paper and recorded by a mediator,
counted with both rules, results published, works started.

The ballots are history (the vote is over), so they are written directly, as the vote and
the keying pages would have written them; counting and publishing go through the services.
Idempotent: nothing is added once the budget has ballots.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from palabre.accounts.models import User
from palabre.budgets import services
from palabre.budgets.models import Ballot, BallotChoice, Budget, Envelope, PaperEntry, Project
from palabre.contributions.models import Contribution, MediationSession, Support
from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood
from palabre.processes.models import Phase, Process

# (title, description, proposed cost, cost by the services, status, reason or merge target)
TOWN = [
    (
        "Aire de jeux inclusive au parc Bellevue",
        "Des jeux accessibles aux enfants en fauteuil et un sol souple, à côté des bancs ombragés.",
        100_000,
        120_000,
        "accepted",
        "",
    ),
    (
        "Pistes cyclables sécurisées rue de la République",
        "Une piste séparée de la chaussée entre la gare et le lycée, avec des arceaux.",
        120_000,
        150_000,
        "accepted",
        "",
    ),
    (
        "Cour d'école végétalisée à Jules-Ferry",
        "Remplacer le bitume par des arbres, de la "
        "terre et des jeux de bois : une cour oasis ouverte le week-end.",
        80_000,
        90_000,
        "accepted",
        "",
    ),
    (
        "Bancs et fontaines à eau dans le centre",
        "Des bancs tous les 200 mètres et trois "
        "fontaines à eau potable sur le parcours des marchés.",
        30_000,
        40_000,
        "accepted",
        "",
    ),
    (
        "Composteurs collectifs dans chaque quartier",
        "Un site de compostage par quartier, animé par des référents bénévoles.",
        20_000,
        25_000,
        "accepted",
        "",
    ),
    (
        "Terrain de street workout aux Prés",
        "Des agrès de sport en accès libre près du city stade.",
        50_000,
        60_000,
        "accepted",
        "",
    ),
    (
        "Boîtes à livres",
        "Six boîtes à livres fabriquées par le lycée professionnel.",
        5_000,
        8_000,
        "accepted",
        "",
    ),
    (
        "Piscine couverte",
        "Une deuxième piscine pour la ville.",
        3_000_000,
        None,
        "rejected",
        "Son coût (environ 4 millions d'euros) dépasse de loin l'enveloppe ; le projet est "
        "transmis à l'étude du plan pluriannuel d'investissement.",
    ),
    (
        "Caméras de vidéoprotection au parc",
        "Des caméras pour la sécurité du parc.",
        60_000,
        None,
        "rejected",
        "Le règlement du budget participatif exclut les dépenses de sécurité "
        "publique, qui relèvent du contrat local de sécurité.",
    ),
    (
        "Plus de bancs place du Marché",
        "Des bancs pour s'asseoir pendant le marché.",
        10_000,
        None,
        "merged",
        "Bancs et fontaines à eau dans le centre",
    ),
]
GARE = [
    (
        "Éclairage du passage souterrain de la gare",
        "Un éclairage plus fort et une fresque pour que le passage ne fasse plus peur le soir.",
        40_000,
        45_000,
        "accepted",
        "",
    ),
    (
        "Jardin partagé derrière la gare",
        "Des bacs de culture et un cabanon sur la friche.",
        25_000,
        30_000,
        "accepted",
        "",
    ),
    (
        "Fresque participative rue Pierre-Sémard",
        "Une fresque peinte avec les écoles du quartier.",
        10_000,
        15_000,
        "accepted",
        "",
    ),
    (
        "Parking vélos sécurisé",
        "Un abri fermé de 40 places à côté de la gare.",
        30_000,
        35_000,
        "accepted",
        "",
    ),
]
# Voter groups in the town envelope: (share, projects they tick, chance of one extra pick)
TOWN_GROUPS = [
    (
        0.50,
        [
            "Aire de jeux inclusive au parc Bellevue",
            "Cour d'école végétalisée à Jules-Ferry",
            "Bancs et fontaines à eau dans le centre",
        ],
    ),
    (
        0.30,
        [
            "Pistes cyclables sécurisées rue de la République",
            "Bancs et fontaines à eau dans le centre",
        ],
    ),
    (
        0.20,
        [
            "Composteurs collectifs dans chaque quartier",
            "Terrain de street workout aux Prés",
            "Boîtes à livres",
        ],
    ),
]
GARE_GROUPS = [
    (0.6, ["Éclairage du passage souterrain de la gare", "Jardin partagé derrière la gare"]),
    (
        0.4,
        [
            "Parking vélos sécurisé",
            "Fresque participative rue Pierre-Sémard",
            "Jardin partagé derrière la gare",
        ],
    ),
]
# ballots per envelope and channel
COUNTS = {"town": (420, 70, 30), "gare": (110, 20, 10)}


def _projects(
    budget: Budget,
    envelope: Envelope,
    spec: Sequence[tuple[str, str, int, int | None, str, str]],
    residents: Sequence[User],
    agent: User,
    phase: Phase | None,
    neighbourhood: Neighbourhood | None,
) -> dict[str, Project]:
    projects: dict[str, Project] = {}
    start = timezone.now() - dt.timedelta(days=120)
    for i, (title, body, proposed, _cost, _status, _note) in enumerate(spec):
        author = residents[(i * 5) % len(residents)]
        idea = Contribution.objects.create(
            process=budget.process,
            phase=phase,
            kind=Contribution.Kind.IDEA,
            title=title,
            body=body,
            author=author,
            neighbourhood=neighbourhood,
            created_at=start + dt.timedelta(days=i),
        )
        for resident in residents[: (i * 3) % 11 + 2]:
            Support.objects.get_or_create(contribution=idea, user=resident)
        project = Project.objects.create(
            budget=budget, title=title, description=body, proposed_cost=proposed
        )
        project.ideas.add(idea)
        projects[title] = project
    for title, _body, _proposed, cost, status, note in spec:
        project = projects[title]
        if status == Project.Status.MERGED:
            services.project_merge(projects=[project], into=projects[note], actor=agent)
            continue
        services.project_analyse(
            project=project,
            actor=agent,
            status=status,
            envelope=envelope if status == Project.Status.ACCEPTED else None,
            cost=cost,
            within_competence=status == Project.Status.ACCEPTED or None,
            feasibility=(
                "Vérifié sur place par les services techniques ; chiffrage sur devis."
                if status == Project.Status.ACCEPTED
                else ""
            ),
            rejection_reason=note,
        )
    return {title: Project.objects.get(pk=p.pk) for title, p in projects.items()}


def _ballots(
    envelope: Envelope,
    projects: dict[str, Project],
    groups: Sequence[tuple[float, list[str]]],
    counts: tuple[int, int, int],
    voters: Sequence[User],
    staff: tuple[User, User],
    session: MediationSession,
    rng: random.Random,
) -> None:
    online, paper, assisted = counts
    on_ballot = [p for p in projects.values() if p.status == Project.Status.ACCEPTED]

    def choose() -> list[Project]:
        draw, acc, titles = rng.random(), 0.0, groups[-1][1]
        for share, group in groups:
            acc += share
            if draw <= acc:
                titles = group
                break
        chosen = [projects[t] for t in titles if rng.random() < 0.9]
        extra = rng.choice(on_ballot)
        if rng.random() < 0.25 and extra not in chosen:
            chosen.append(extra)
        while sum(p.cost or 0 for p in chosen) > envelope.amount:
            chosen.pop()
        return chosen or [rng.choice(on_ballot)]

    ballots, choices = [], []
    for i in range(online + paper + assisted):
        if i < online:
            ballot = Ballot(envelope=envelope, voter=voters[i], channel=Channel.ONLINE)
        elif i < online + paper:
            ballot = Ballot(
                envelope=envelope,
                channel=Channel.PAPER,
                paper_ref=f"P-{i - online + 1:04d}",
                entered_by=staff[1],
            )
        else:
            ballot = Ballot(
                envelope=envelope,
                channel=Channel.ASSISTED,
                paper_ref=f"R-{i - online - paper + 1:03d}",
                entered_by=session.mediator,
                mediation=session,
            )
        ballots.append((ballot, choose()))
    Ballot.objects.bulk_create([b for b, _c in ballots])
    for ballot, chosen in ballots:
        choices += [BallotChoice(ballot=ballot, project=p, points=1) for p in chosen]
        if ballot.channel == Channel.PAPER:
            keyed = {str(p.pk): 1 for p in sorted(chosen, key=lambda p: p.pk)}
            PaperEntry.objects.bulk_create(
                PaperEntry(
                    envelope=envelope,
                    paper_ref=ballot.paper_ref,
                    selections=keyed,
                    entered_by=person,
                    status=PaperEntry.Status.CONFIRMED,
                )
                for person in staff
            )
    BallotChoice.objects.bulk_create(choices)


@transaction.atomic
def participatory_budget(
    process: Process, residents: Sequence[User], agent: User, mediator: User
) -> Budget:
    budget = services.budget_of(process)
    if Ballot.objects.filter(envelope__budget=budget).exists():
        return budget
    services.budget_update(
        budget=budget,
        method=Budget.Method.KNAPSACK,
        rule=Budget.Rule.GREEDY,
        show_comparison=True,
        min_age=11,
    )
    gare = Neighbourhood.objects.get(organization=process.organization, slug="gare")
    town = services.envelope_save(budget=budget, name="Toute la ville", amount=300_000)
    local = services.envelope_save(
        budget=budget, name="Quartier de la Gare", amount=80_000, neighbourhood=gare
    )
    phase = process.phases.filter(kind=Phase.Kind.CONTRIBUTION).first()
    town_projects = _projects(budget, town, TOWN, residents, agent, phase, None)
    gare_projects = _projects(budget, local, GARE, residents, agent, phase, gare)
    budget.ballot_published_at = timezone.now() - dt.timedelta(days=25)
    budget.save(update_fields=["ballot_published_at"])

    voters = [
        User(email=f"votant-{i:04d}@demo.invalid", pseudonym=f"Votant {i}")
        for i in range(COUNTS["town"][0])
    ]
    for voter in voters:
        voter.set_unusable_password()
    voters = User.objects.bulk_create(voters)
    session = MediationSession.objects.create(
        organization=process.organization, mediator=mediator, place="Forum des associations"
    )
    session.ended_at = session.started_at + dt.timedelta(hours=4)
    session.save(update_fields=["ended_at"])
    rng = random.Random(2026)  # noqa: S311 (reproducible demo data)
    _ballots(
        town, town_projects, TOWN_GROUPS, COUNTS["town"], voters, (agent, mediator), session, rng
    )
    _ballots(
        local,
        gare_projects,
        GARE_GROUPS,
        COUNTS["gare"],
        voters[::3],
        (agent, mediator),
        session,
        rng,
    )

    services.tallies_compute(budget_id=budget.pk)
    budget.refresh_from_db()
    services.results_publish(budget=budget)
    funded = Project.objects.filter(
        pk__in=budget.envelopes.get(pk=town.pk).tallies.get(rule=budget.rule).selected
    ).order_by("pk")
    for project, (status, text) in zip(
        funded,
        [
            (
                "studies",
                "Les services techniques ont rencontré les porteurs du projet ; "
                "l'appel d'offres est lancé.",
            ),
            ("works", "Le chantier a commencé ; fin prévue au printemps."),
        ],
        strict=False,
    ):
        services.works_update_add(
            project=project,
            author=agent,
            status=status,
            date=timezone.localdate() - dt.timedelta(days=3),
            text=text,
        )
    return budget
