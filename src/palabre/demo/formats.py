"""Demo content for every format of a consultation: questionnaire results (online, paper,
assisted), meetings with registrations, minutes and contributions typed in after the
meeting, a mediator's session at the market, and a contribution held by the word list.

Idempotent like the rest of the loader: each block checks whether it already ran.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from palabre.accounts.models import User
from palabre.contributions.models import Contribution, MediationSession
from palabre.contributions.services import (
    ActivityClosed,
    assisted_idea_record,
    contributions_enter,
    mediation_start,
)
from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood, Organization
from palabre.processes.models import MeetingRegistration, Process
from palabre.processes.services import meeting_publish_minutes, meeting_save
from palabre.questionnaires import services as questionnaire_services
from palabre.questionnaires.models import AnswerChoice, Question, QuestionAnswer, Response

NAMESPACE = uuid.UUID("6f1d8a52-4a1e-4c55-9b53-8e0f2a2b7c11")


def _token(name: str) -> uuid.UUID:
    """A fixed form token per demo entry: loading twice saves nothing more."""
    return uuid.uuid5(NAMESPACE, name)


def _questions(process: Process, spec: Sequence[dict[str, Any]]) -> list[Question]:
    if process.questions.exists():
        return list(process.questions.prefetch_related("choices"))
    sections: dict[str, Any] = {}
    for item in spec:
        item = dict(item)
        section_title = item.pop("section", None)
        if section_title and section_title not in sections:
            sections[section_title] = questionnaire_services.section_create(
                process=process, title=section_title
            )
        questionnaire_services.question_create(
            process=process, section=sections.get(section_title), **item
        )
    return list(process.questions.prefetch_related("choices"))


def _closed_answers(question: Question, rng: random.Random) -> Any:
    """A plausible closed answer: choices skewed towards the first ones."""
    choices = [c.pk for c in question.choices.all()]
    weights = [len(choices) - i + 1 for i in range(len(choices))]
    if question.kind == Question.Kind.SINGLE:
        return rng.choices(choices, weights)[0]
    if question.kind == Question.Kind.MULTIPLE:
        k = rng.randint(1, min(question.max_choices or 3, len(choices)))
        return list(dict.fromkeys(rng.choices(choices, weights, k=k)))
    if question.kind == Question.Kind.RANKING:
        order = choices[:]
        rng.shuffle(order)
        return sorted(order, key=lambda pk: rng.random() * (choices.index(pk) + 2))[:3]
    if question.kind == Question.Kind.SCALE:
        values = list(range(question.scale_min, question.scale_max + 1))
        return rng.choices(values, [1, 2, 3, 4, 3][: len(values)] or None)[0]
    return None


DEMARCHES_QUESTIONS: list[dict[str, Any]] = [
    {
        "section": "Vos habitudes",
        "kind": "single",
        "text": "Comment faites-vous le plus souvent vos démarches ?",
        "choices": [
            "En ligne, seul·e",
            "Au guichet de la mairie",
            "Par téléphone",
            "Avec l'aide d'un proche ou d'une association",
        ],
        "required": True,
    },
    {
        "section": "Vos habitudes",
        "kind": "scale",
        "text": "Êtes-vous satisfait·e de l'accueil en mairie ?",
        "scale_min": 1,
        "scale_max": 5,
        "scale_min_label": "Pas du tout",
        "scale_max_label": "Tout à fait",
    },
    {
        "section": "Vos priorités",
        "kind": "multiple",
        "text": "Quelles démarches voudriez-vous faire en ligne ?",
        "choices": [
            "État civil",
            "Inscriptions scolaires",
            "Urbanisme",
            "Signalements sur la voirie",
            "Réservation de salles",
        ],
        "max_choices": 3,
    },
    {
        "section": "Vos priorités",
        "kind": "ranking",
        "text": "Classez ces améliorations par ordre de priorité",
        "choices": [
            "Horaires d'ouverture élargis",
            "Rendez-vous en ligne",
            "Accompagnement au numérique",
            "Moins de pièces justificatives",
        ],
    },
]


def demarches_questionnaire(process: Process, mediator: User) -> int:
    """Give the closed Grand Débat questionnaire its questions, and one response per imported
    answer (the open question is the Grand Débat's), so its results page has something to
    show. Returns the number of responses created."""
    spec = [
        *DEMARCHES_QUESTIONS,
        {"section": "Vos priorités", "kind": "open", "text": process.question},
    ]
    questions = _questions(process, spec)
    open_question = next(q for q in questions if q.kind == Question.Kind.OPEN)
    pending = list(
        Contribution.objects.filter(
            process=process, kind=Contribution.Kind.ANSWER, questionnaire_answer__isnull=True
        ).order_by("pk")
    )
    if not pending:
        return 0
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    staff_channels = {Channel.PAPER, Channel.MEETING, Channel.ASSISTED}
    responses = Response.objects.bulk_create(
        [
            Response(
                process=process,
                channel=c.channel,
                phase=c.phase,
                neighbourhood=c.neighbourhood,
                entered_by=mediator if c.channel in staff_channels else None,
                consent_at=c.created_at if c.channel == Channel.ASSISTED else None,
            )
            for c in pending
        ]
    )
    answers: list[QuestionAnswer] = []
    planned: list[tuple[int, Question, Any]] = []
    for response, contribution in zip(responses, pending, strict=True):
        answers.append(
            QuestionAnswer(
                response=response,
                question=open_question,
                text=contribution.body,
                contribution=contribution,
            )
        )
        for question in questions:
            if question.kind == Question.Kind.OPEN:
                continue
            value = _closed_answers(question, rng)
            if value in (None, []) or (not question.required and rng.random() < 0.1):
                continue
            answer = QuestionAnswer(response=response, question=question)
            if question.kind == Question.Kind.SCALE:
                answer.value = value
            answers.append(answer)
            planned.append((len(answers) - 1, question, value))
    created = QuestionAnswer.objects.bulk_create(answers, batch_size=1000)
    selections: list[AnswerChoice] = []
    for position, question, value in planned:
        selections += questionnaire_services.answer_selections(created[position], question, value)
    AnswerChoice.objects.bulk_create(selections, batch_size=1000)
    return len(responses)


TRANSPORT_QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "single",
        "text": "Utiliseriez-vous un transport à la demande ?",
        "choices": ["Oui, chaque semaine", "Oui, de temps en temps", "Non"],
        "required": True,
    },
    {
        "kind": "multiple",
        "text": "Pour aller où ?",
        "choices": ["Au marché", "Chez le médecin", "À la gare", "Au travail", "Voir des proches"],
    },
    {
        "kind": "open",
        "text": "Qu'est-ce qui vous empêche aujourd'hui de vous déplacer ?",
    },
]

TRANSPORT_OPEN = [
    "Je n'ai plus le permis et le car ne passe que deux fois par jour.",
    "Il faudrait pouvoir réserver la veille par téléphone, pas seulement sur internet.",
    "Pour aller à la gare le matin, il n'y a rien avant 8 heures.",
    "Mon fils m'emmène, mais je voudrais être plus autonome.",
    "Les horaires ne correspondent pas à ceux du marché du jeudi.",
    "Un arrêt près de la maison de santé serait très utile.",
]


def transport_questionnaire(process: Process, residents: Sequence[User], mediator: User) -> int:
    """An open questionnaire answered online by residents and on paper through a mediator."""
    questions = _questions(process, TRANSPORT_QUESTIONS)
    if process.responses.exists():
        return 0
    rng = random.Random(7)  # noqa: S311 - demo data
    nbh = list(Neighbourhood.objects.filter(organization=process.organization))
    count = 0
    for i, resident in enumerate(list(residents[:24]) + [None] * 8):
        answers = {q.pk: _closed_answers(q, rng) for q in questions if q.kind != "open"}
        if i % 4 == 0:
            open_q = next(q for q in questions if q.kind == "open")
            answers[open_q.pk] = TRANSPORT_OPEN[(i // 4) % len(TRANSPORT_OPEN)]
        try:
            questionnaire_services.response_submit(
                process=process,
                answers=answers,
                respondent=resident,
                channel=Channel.ONLINE if resident else Channel.PAPER,
                entered_by=None if resident else mediator,
                neighbourhood=nbh[i % len(nbh)] if nbh else None,
                source_ref="" if resident else f"P-{i:03d}",
                token=_token(f"transport-{i}"),
            )
        except ActivityClosed:
            return count
        count += 1
    return count


MEETING_NOTES = """Des bancs le long du mail
Les personnes âgées ne peuvent pas traverser tout le quartier sans s'asseoir.

Éclairer le passage sous la voie ferrée
Plusieurs habitantes disent l'éviter le soir.

Un composteur collectif au pied des immeubles
Le bailleur est d'accord si l'association s'en occupe.

Une fête des voisins organisée avec la maison de quartier
"""


def meetings(
    process: Process, organization: Organization, agent: User, residents: Sequence[User]
) -> None:
    """A workshop that took place (minutes, contributions typed in from the post-its and
    paper forms) and an upcoming public meeting open for registration."""
    if process.meetings.exists():
        return
    now = timezone.now()
    bellevue = Neighbourhood.objects.filter(organization=organization, name="Bellevue").first()
    past_start = (now - dt.timedelta(days=4)).replace(hour=18, minute=30, second=0, microsecond=0)
    workshop = meeting_save(
        process=process,
        title="Atelier de quartier à Bellevue",
        description="Atelier en petits groupes autour de la carte du quartier.",
        starts_at=past_start,
        ends_at=past_start + dt.timedelta(hours=2),
        place="Maison de quartier de Bellevue",
        address="12 rue des Tilleuls",
        neighbourhood=bellevue,
        accessibility="Salle de plain-pied, boucle magnétique, garde d'enfants sur inscription.",
        capacity=40,
        registration_open=False,
    )
    for resident in residents[:18]:
        MeetingRegistration.objects.get_or_create(meeting=workshop, user=resident)
    meeting_publish_minutes(
        meeting=workshop,
        minutes=(
            "32 personnes présentes, dont 6 jeunes du club de prévention.\n\n"
            "Trois sujets ont dominé : l'éclairage du passage sous la voie ferrée, les bancs "
            "le long du mail et le compostage. Les contributions écrites sur les post-it et "
            "les fiches papier ont été saisies telles quelles sur la plateforme.\n\n"
            "Prochaine étape : les services étudient les idées les plus soutenues et "
            "reviennent vers les habitants lors de la restitution."
        ),
    )
    contributions_enter(
        process=process,
        entered_by=agent,
        text=MEETING_NOTES,
        channel=Channel.MEETING,
        meeting=workshop,
        token=_token("bellevue-workshop"),
    )
    contributions_enter(
        process=process,
        entered_by=agent,
        text="Remettre en service la fontaine de la place\n\nUn marché de producteurs le soir",
        channel=Channel.PAPER,
        meeting=workshop,
        token=_token("bellevue-paper"),
    )
    next_start = (now + dt.timedelta(days=9)).replace(hour=18, minute=0, second=0, microsecond=0)
    upcoming = meeting_save(
        process=process,
        title="Réunion publique : où en sont vos idées ?",
        description="Présentation des idées reçues et échange avec les élus.",
        starts_at=next_start,
        ends_at=next_start + dt.timedelta(hours=2),
        place="Salle des fêtes",
        address="Place de la Mairie",
        accessibility="Accès de plain-pied ; interprète en langue des signes sur demande.",
        capacity=120,
    )
    for resident in residents[20:27]:
        MeetingRegistration.objects.get_or_create(meeting=upcoming, user=resident)


ASSISTED_IDEAS = [
    ("Des toilettes publiques au marché", "Le samedi matin il n'y en a aucune à proximité."),
    ("Un abri à l'arrêt de bus du Port", "On attend sous la pluie, surtout les personnes âgées."),
    ("Des cours d'informatique à la médiathèque", "Pour apprendre à faire ses démarches seul."),
]


def mediation(process: Process, organization: Organization, mediator: User) -> None:
    """Nadia's Saturday at the market: ideas recorded on residents' behalf, with consent."""
    if MediationSession.objects.filter(organization=organization).exists():
        return
    session = mediation_start(
        organization=organization, mediator=mediator, place="Marché du samedi"
    )
    for i, (title, body) in enumerate(ASSISTED_IDEAS):
        try:
            assisted_idea_record(
                session=session,
                mediator=mediator,
                process=process,
                title=title,
                body=body,
                consent=True,
                contact_email="voisine.du.port@demo.invalid" if i == 1 else "",
                token=_token(f"market-{i}"),
            )
        except ActivityClosed:
            break
    session.ended_at = timezone.now()
    session.save(update_fields=["ended_at"])


def word_list(organization: Organization, process: Process, author: User) -> None:
    """A word list, and one idea waiting for a moderator because of it."""
    if not organization.held_words:
        organization.held_words = "arnaque\nescroc\nvendu"
        organization.save(update_fields=["held_words"])
    Contribution.objects.get_or_create(
        process=process,
        source_ref="held-demo",
        defaults={
            "kind": Contribution.Kind.IDEA,
            "title": "Stationnement devant l'école",
            "body": "Le stationnement payant devant l'école est une arnaque pour les parents.",
            "author": author,
            "channel": Channel.ONLINE,
            "phase": process.current_phase(),
            "created_at": timezone.now() - dt.timedelta(hours=3),
            "held_at": timezone.now() - dt.timedelta(hours=3),
            "held_terms": "arnaque",
        },
    )
