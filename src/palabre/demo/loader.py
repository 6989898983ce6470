"""Load the demo: "Ville de Démo" (a commune of ~40,000) and a small intercommunality.

Idempotent: organisations, people and processes are found by slug or e-mail, and
contributions by their `source_ref`, so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from palabre.accounts.models import User
from palabre.accounts.selectors import MFA_ROLES
from palabre.contributions.models import Contribution, Support
from palabre.contributions.services import contributions_import
from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood, Organization
from palabre.organizations.roles import Role
from palabre.organizations.services import membership_grant, organization_create
from palabre.processes.models import Phase, Process
from palabre.processes.services import process_create, process_set_status, theme_get_or_create

from . import formats, sources

DEMO_PASSWORD = "demo-palabre-2026"  # noqa: S105 - documented demo password, demo data only

DEMO_PEOPLE: list[tuple[str, str, str, str]] = [
    # (e-mail, pseudonym, organisation slug, role)
    ("admin@ville-de-demo.fr", "Claire (administratrice)", "ville-de-demo", Role.ADMIN),
    ("agent@ville-de-demo.fr", "Karim (équipe participation)", "ville-de-demo", Role.AGENT),
    ("moderation@ville-de-demo.fr", "Sophie (modératrice)", "ville-de-demo", Role.MODERATOR),
    ("analyste@ville-de-demo.fr", "Hugo (analyste)", "ville-de-demo", Role.ANALYST),
    ("elue@ville-de-demo.fr", "Mme la maire adjointe", "ville-de-demo", Role.ELECTED),
    ("mediatrice@ville-de-demo.fr", "Nadia (médiatrice)", "ville-de-demo", Role.MEDIATOR),
    ("habitante@ville-de-demo.fr", "Louise du quartier de la Gare", "ville-de-demo", Role.CITIZEN),
    ("agent@val-de-demo.fr", "Paul (Val de Démo)", "val-de-demo", Role.AGENT),
    ("mediateur@val-de-demo.fr", "Marc (médiateur du Val)", "val-de-demo", Role.MEDIATOR),
]
SUPERUSER = ("technique@palabre.localhost", "Support technique")

NEIGHBOURHOODS = [
    ("Centre-ville", 9800),
    ("Gare", 6200),
    ("Les Prés", 7400),
    ("Bellevue", 8100),
    ("Le Port", 4300),
    ("Saint-Martin", 5200),
]
CHANNEL_CYCLE = (
    [Channel.ONLINE] * 15 + [Channel.PAPER] * 2 + [Channel.MEETING] * 2 + [Channel.ASSISTED]
)


@dataclass
class DemoReport:
    organizations: int = 0
    processes: int = 0
    contributions_added: int = 0
    source: str = "sample"


def _person(email: str, pseudonym: str, *, can_login: bool = True, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, pseudonym=pseudonym, is_superuser=superuser, is_staff=superuser)
        if can_login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    if can_login:
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _organization(slug: str, **kwargs: Any) -> tuple[Organization, bool]:
    existing = Organization.objects.filter(slug=slug).first()
    if existing:
        return existing, False
    return organization_create(slug=slug, **kwargs), True


def _process(
    organization: Organization, slug: str, *, status: str, start: dt.date, **kwargs: Any
) -> Process:
    existing = Process.objects.filter(organization=organization, slug=slug).first()
    if existing:
        return existing
    process = process_create(organization=organization, slug=slug, start_date=start, **kwargs)
    paths: dict[str, list[str]] = {
        Process.Status.DRAFT: [],
        Process.Status.PUBLISHED: [Process.Status.PUBLISHED],
        Process.Status.CLOSED: [Process.Status.PUBLISHED, Process.Status.CLOSED],
        Process.Status.ARCHIVED: [
            Process.Status.PUBLISHED,
            Process.Status.CLOSED,
            Process.Status.ARCHIVED,
        ],
    }
    for step in paths[status]:
        process = process_set_status(process=process, status=step)
    return process


def _phase_of(process: Process, kind: str) -> Phase | None:
    return process.phases.filter(kind=kind).first()


def _moment(phase: Phase | None, index: int, total: int) -> dt.datetime:
    """Spread contributions over the contribution phase, never in the future."""
    now = timezone.now()
    if phase is None:
        return now - dt.timedelta(minutes=index)
    start = dt.datetime.combine(phase.start_date, dt.time(8), tzinfo=dt.UTC)
    end = min(dt.datetime.combine(phase.end_date, dt.time(22), tzinfo=dt.UTC), now)
    if end <= start:
        return start
    return start + (end - start) * (index / max(total, 1))


@transaction.atomic
def load_demo(
    shared_data: Path | None = None, *, answers_limit: int = 3000, proposals_limit: int = 60
) -> DemoReport:
    shared = shared_data if shared_data and shared_data.is_dir() else None
    report = DemoReport()
    today = timezone.localdate()

    ville, created = _organization(
        "ville-de-demo",
        name="Ville de Démo",
        kind=Organization.Kind.COMMUNE,
        population=40_000,
        primary_colour="#1d4e89",
        contact_email="participation@ville-de-demo.fr",
        description=(
            "Ville de Démo, 40 000 habitantes et habitants, six quartiers. La ville associe "
            "ses habitants à ses projets : boîte à idées, consultations, budget participatif, "
            "rencontres de quartier."
        ),
    )
    if created:
        for name, population in NEIGHBOURHOODS:
            Neighbourhood.objects.create(
                organization=ville,
                name=name,
                slug=name.lower().replace(" ", "-").replace("é", "e"),
                population=population,
            )
    val, _ = _organization(
        "val-de-demo",
        name="Communauté de communes du Val de Démo",
        kind=Organization.Kind.INTERCOMMUNALITY,
        population=23_500,
        primary_colour="#2e5b2e",
        description="Douze communes rurales autour de la vallée de la Démo.",
        neighbourhoods=["Secteur nord", "Secteur sud", "Bourg-centre"],
    )
    report.organizations = Organization.objects.filter(
        slug__in=["ville-de-demo", "val-de-demo"]
    ).count()

    superuser = _person(*SUPERUSER, superuser=True)
    people: dict[str, User] = {}
    for email, pseudonym, org_slug, role in DEMO_PEOPLE:
        user = _person(email, pseudonym)
        membership_grant(
            organization=ville if org_slug == "ville-de-demo" else val,
            user=user,
            role=role,
            granted_by=superuser,
            notify=False,
        )
        people[email] = user
        if role in MFA_ROLES:
            demo_totp_secret(user)
    demo_totp_secret(superuser)
    agent = people["agent@ville-de-demo.fr"]
    residents = [
        _person(f"habitant-{i:02d}@demo.invalid", pseudonym, can_login=False)
        for i, pseudonym in enumerate(
            [
                "Marie",
                "Jean-Luc",
                "Fatou",
                "Thomas",
                "Inès",
                "Bernard",
                "Léa",
                "Youssef",
                "Camille",
                "Gérard",
                "Amina",
                "Nicolas",
                "Chloé",
                "Patrick",
                "Sarah",
                "Michel",
                "Julie",
                "Ahmed",
                "Élise",
                "Robert",
                "Manon",
                "Olivier",
                "Aïcha",
                "Françoise",
                "Lucas",
                "Monique",
                "Kevin",
                "Nathalie",
                "Mamadou",
                "Sylvie",
                "Association Vivre à Bellevue",
                "Comité de quartier de la Gare",
                "Boulangerie du Port",
                "Anonyme 34",
                "Jeanne",
                "Antoine",
                "Hélène",
                "Rachid",
                "Valérie",
                "Mathis",
            ]
        )
    ]
    mobilite = theme_get_or_create(organization=ville, name="Mobilités")
    numerique = theme_get_or_create(organization=ville, name="Numérique et services publics")
    cadre = theme_get_or_create(organization=ville, name="Cadre de vie")
    theme_get_or_create(organization=ville, name="Solidarités")
    nbh = {n.name: n for n in Neighbourhood.objects.filter(organization=ville)}

    # 1. Questionnaire, closed, now in synthesis: real Grand Débat answers.
    demarches = _process(
        ville,
        "simplifier-vos-demarches",
        status=Process.Status.CLOSED,
        start=today - dt.timedelta(days=14 + 30 + 5),
        template=Process.Template.QUESTIONNAIRE,
        created_by=agent,
        title="Simplifier vos démarches administratives",
        question="Quelles sont les démarches administratives que vous trouvez trop complexes ?",
        objective="Identifier les démarches à simplifier en priorité au guichet unique de la mairie.",
        open_to_discussion="L'organisation de l'accueil, les horaires, l'aide aux démarches en ligne. Les démarches nationales (impôts, titres) relèvent de l'État : vos réponses lui seront transmises.",
        decision_maker="Le conseil municipal, sur proposition de l'adjointe aux services publics",
        decision_date=today + dt.timedelta(days=60),
        themes=[numerique],
    )
    source, answers = sources.grand_debat_answers(shared, answers_limit)
    report.source = source
    contribution_phase = _phase_of(demarches, Phase.Kind.CONTRIBUTION)
    rows = [
        Contribution(
            kind=Contribution.Kind.ANSWER,
            body=text,
            question=demarches.question,
            channel=CHANNEL_CYCLE[i % len(CHANNEL_CYCLE)],
            author=residents[i % len(residents)],
            neighbourhood=list(nbh.values())[i % len(nbh)] if nbh else None,
            phase=contribution_phase,
            source_ref=ref,
            theme=numerique,
            created_at=_moment(contribution_phase, i, len(answers)),
        )
        for i, (ref, text) in enumerate(answers)
    ]
    report.contributions_added += contributions_import(process=demarches, rows=rows)

    # 2. Project consultation, open: proposals with for/against arguments (République numérique).
    charte = _process(
        ville,
        "charte-numerique",
        status=Process.Status.PUBLISHED,
        start=today - dt.timedelta(days=30),
        template=Process.Template.PROJECT_CONSULTATION,
        created_by=agent,
        title="Charte numérique de Ville de Démo",
        question="Quels engagements la ville doit-elle prendre pour un numérique ouvert et accessible ?",
        objective="Rédiger la charte numérique adoptée en conseil municipal au printemps.",
        open_to_discussion="Chaque article du projet de charte peut être soutenu, amendé ou contesté.",
        decision_maker="Le conseil municipal",
        decision_date=today + dt.timedelta(days=90),
        themes=[numerique],
    )
    _source, proposals = sources.republique_numerique(shared, proposals_limit, 12)
    phase = _phase_of(charte, Phase.Kind.CONTRIBUTION)
    total = len(proposals)
    ideas = []
    for i, p in enumerate(proposals):
        ideas.append(
            Contribution(
                kind=Contribution.Kind.IDEA,
                title=p["title"],
                body=p["body"],
                channel=Channel.ONLINE,
                author=residents[(i * 7) % len(residents)],
                phase=phase,
                source_ref=p["ref"],
                theme=numerique,
                created_at=_moment(phase, i, total),
            )
        )
    report.contributions_added += contributions_import(process=charte, rows=ideas)
    parents = {
        c.source_ref: c
        for c in Contribution.objects.filter(process=charte, kind=Contribution.Kind.IDEA)
    }
    replies = []
    for i, p in enumerate(proposals):
        parent = parents.get(p["ref"])
        for j, arg in enumerate(p["arguments"]):
            replies.append(
                Contribution(
                    kind=Contribution.Kind.COMMENT,
                    body=arg["body"],
                    stance=arg["stance"],
                    parent=parent,
                    channel=CHANNEL_CYCLE[(i + j) % len(CHANNEL_CYCLE)],
                    author=residents[(i + 3 * j) % len(residents)],
                    phase=phase,
                    source_ref=arg["ref"],
                    created_at=_moment(phase, i + 1, total + 1),
                )
            )
    report.contributions_added += contributions_import(process=charte, rows=replies)

    # 3. Idea box, open: local ideas about the neighbourhoods.
    idees = _process(
        ville,
        "idees-pour-nos-quartiers",
        status=Process.Status.PUBLISHED,
        start=today - dt.timedelta(days=20),
        template=Process.Template.IDEA_BOX,
        created_by=agent,
        title="Vos idées pour nos quartiers",
        question="Qu'est-ce qui améliorerait la vie dans votre quartier ?",
        objective="Recueillir des idées concrètes ; les plus soutenues seront étudiées par les services.",
        open_to_discussion="Aménagements, services, animations dans les quartiers. Le budget d'investissement de 2027 est déjà voté.",
        decision_maker="Le bureau municipal",
        decision_date=today + dt.timedelta(days=120),
        themes=[cadre, mobilite],
    )
    phase = _phase_of(idees, Phase.Kind.CONTRIBUTION)
    local = sources.local_ideas()
    rows = [
        Contribution(
            kind=Contribution.Kind.IDEA,
            title=idea["title"],
            body=idea["body"],
            channel=CHANNEL_CYCLE[(i * 3) % len(CHANNEL_CYCLE)],
            author=residents[(i * 5) % len(residents)],
            neighbourhood=nbh.get(idea["neighbourhood"]),
            phase=phase,
            source_ref=f"idea-{i}",
            theme=cadre,
            created_at=_moment(phase, i, len(local)),
        )
        for i, idea in enumerate(local)
    ]
    report.contributions_added += contributions_import(process=idees, rows=rows)
    parents = {
        c.source_ref: c
        for c in Contribution.objects.filter(process=idees, kind=Contribution.Kind.IDEA)
    }
    rows = []
    for i, idea in enumerate(local):
        for j, (stance, body) in enumerate(idea["comments"]):
            rows.append(
                Contribution(
                    kind=Contribution.Kind.COMMENT,
                    body=body,
                    stance=stance,
                    parent=parents[f"idea-{i}"],
                    channel=Channel.ONLINE,
                    author=residents[(i + j + 11) % len(residents)],
                    phase=phase,
                    source_ref=f"idea-{i}-comment-{j}",
                    created_at=_moment(phase, i + 1, len(local) + 1),
                )
            )
    report.contributions_added += contributions_import(process=idees, rows=rows)
    # Supports: a deterministic share of residents supports each idea (idempotent).
    for i, published in enumerate(
        Contribution.objects.filter(
            process=idees, kind=Contribution.Kind.IDEA, source_ref__startswith="idea-"
        ).order_by("source_ref")
    ):
        for resident in residents[: (i * 7) % 23 + 2]:
            Support.objects.get_or_create(contribution=published, user=resident)

    # 4. Participatory budget, still a draft.
    _process(
        ville,
        "budget-participatif-2027",
        status=Process.Status.DRAFT,
        start=today + dt.timedelta(days=30),
        template=Process.Template.PARTICIPATORY_BUDGET,
        created_by=agent,
        title="Budget participatif 2027",
        question="Comment utiliser 400 000 € d'investissement dans vos quartiers ?",
        objective="Financer des projets proposés et choisis par les habitants.",
        decision_maker="Les habitants votent ; le conseil municipal inscrit les projets au budget",
        themes=[cadre],
    )
    # 4b. Last year's participatory budget: voted, counted with both rules, works started.
    budget_2026 = _process(
        ville,
        "budget-participatif-2026",
        status=Process.Status.PUBLISHED,
        start=today - dt.timedelta(days=131),
        template=Process.Template.PARTICIPATORY_BUDGET,
        created_by=agent,
        title="Budget participatif 2026",
        question="Quels projets financer avec 380 000 € d'investissement ?",
        objective="Financer des projets proposés, étudiés et choisis par les habitants.",
        decision_maker="Les habitants votent ; le conseil municipal inscrit les projets au budget",
        themes=[cadre],
    )
    # 5. Opinion map, published, open to votes on its statements.
    voiture = _process(
        ville,
        "place-de-la-voiture",
        status=Process.Status.PUBLISHED,
        start=today - dt.timedelta(days=16),
        template=Process.Template.OPINION_MAP,
        created_by=agent,
        title="Quelle place pour la voiture en centre-ville ?",
        question="Êtes-vous d'accord avec ces énoncés sur la circulation en centre-ville ?",
        objective="Repérer les points de consensus avant le plan de circulation.",
        decision_maker="La commission mobilités",
        themes=[mobilite],
    )
    # 6. Archived project consultation.
    _process(
        ville,
        "parc-des-berges",
        status=Process.Status.ARCHIVED,
        start=today - dt.timedelta(days=400),
        template=Process.Template.PROJECT_CONSULTATION,
        created_by=agent,
        title="Réaménagement du parc des Berges",
        question="Quels usages pour le futur parc des Berges ?",
        objective="Concevoir le parc avec ses usagers.",
        decision_maker="Le conseil municipal",
        themes=[cadre],
    )
    # The intercommunality: one published process, one draft (private to its agents).
    val_agent = people["agent@val-de-demo.fr"]
    transport = _process(
        val,
        "transport-a-la-demande",
        status=Process.Status.PUBLISHED,
        start=today - dt.timedelta(days=20),
        template=Process.Template.QUESTIONNAIRE,
        created_by=val_agent,
        title="Transport à la demande dans le Val",
        question="Utiliseriez-vous un transport à la demande ?",
    )
    _process(
        val,
        "plan-climat-brouillon",
        status=Process.Status.DRAFT,
        start=today + dt.timedelta(days=40),
        template=Process.Template.PROJECT_CONSULTATION,
        created_by=val_agent,
        title="Plan climat intercommunal (brouillon)",
        question="Quelles priorités pour le plan climat ?",
    )
    # Every format of a consultation (questionnaires, meetings, paper, mediation, word list).
    mediator = people["mediatrice@ville-de-demo.fr"]
    formats.demarches_questionnaire(demarches, mediator)
    formats.meetings(idees, ville, agent, residents)
    formats.mediation(idees, ville, mediator)
    formats.word_list(ville, idees, residents[5])
    formats.transport_questionnaire(transport, residents, people["mediateur@val-de-demo.fr"])
    from .budget import participatory_budget

    participatory_budget(budget_2026, residents, agent, mediator)
    from .opinions import opinion_map

    voters = list(User.objects.filter(email__startswith="votant-").order_by("email")[:180])
    opinion_map(voiture, agent, voters, residents[3])
    from .opinions import pairwise_comparisons

    pairwise_comparisons(idees, voters[:120])
    from .evaluation import evaluation_demo

    evaluation_demo(ville, demarches, voters[:150])
    numerique_public = _process(
        ville,
        "numerique-public",
        status=Process.Status.PUBLISHED,
        start=today - dt.timedelta(days=20),
        template=Process.Template.OPINION_MAP,
        created_by=agent,
        title="Numérique public : qu'en pensez-vous ?",
        question=(
            "Êtes-vous d'accord avec ces propositions venues de la consultation "
            "République numérique (2015) ?"
        ),
        objective="Préparer la stratégie numérique de la ville avec ses habitants.",
        decision_maker="Le conseil municipal",
        themes=[numerique],
    )
    from .opinions import real_statements

    opinion_map(
        numerique_public,
        agent,
        voters[:150],
        spec=real_statements(sources.republique_numerique_statements(shared)),
        camps=(0.6, 0.4),
    )
    from .synthesis import restitution_demo

    restitution_demo(
        demarches,
        idees,
        people["analyste@ville-de-demo.fr"],
        people["elue@ville-de-demo.fr"],
        people["habitante@ville-de-demo.fr"],
    )
    report.processes = Process.objects.filter(organization__in=[ville, val]).count()
    return report


def demo_totp_secret(user: User) -> str:
    """The demo account's authenticator-app secret (base32), enrolled on first use: staff
    must sign in with a second factor, and the demo prints the secrets so that anyone can try
    it (`palabre manage demo_code EMAIL` prints the current code)."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:
        return str(get_adapter().decrypt(existing.data["secret"]))
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(e-mail, role, organisation, authenticator secret or "") of each demo account."""
    secrets_by_email = {
        user.email: demo_totp_secret(user)
        for user in User.objects.filter(
            Q(email__in=[e for e, _p, _o, role in DEMO_PEOPLE if role in MFA_ROLES])
            | Q(email=SUPERUSER[0])
        )
    }
    rows = [
        (email, str(Role(role).label), org, secrets_by_email.get(email, ""))
        for email, _p, org, role in DEMO_PEOPLE
    ]
    rows.append((SUPERUSER[0], "superuser (/admin/)", "—", secrets_by_email.get(SUPERUSER[0], "")))
    return rows


def shared_data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR)
