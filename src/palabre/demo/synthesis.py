"""The demo's restitution: the Grand Débat questionnaire ("Simplifier vos démarches", closed)
analysed, its topics reviewed by the analyst, a synthesis published whose statements are what
the analysis found people propose in each topic (with their evidence), answers
given by the elected member, and its open data published; the idea box has a draft synthesis
open for contributors' comments. Louise (the demo resident) finds what became of her answer and
her idea in "Mes contributions". Idempotent: nothing is redone once the synthesis exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.text import Truncator

from palabre.contributions.models import Contribution
from palabre.processes.models import Process
from palabre.synthesis import restitution, services
from palabre.synthesis.models import AnalysisRun, Answer, Assignment, Section, Synthesis, Topic
from palabre.synthesis.selectors import proposals_for_section, topics_of

#: When the engine finds these words in a topic's label, the analyst gives it a clearer name.
RENAMES = {
    "carte grise": "Cartes grises : les démarches en ligne bloquent",
    "permis": "Permis de conduire",
    "identité": "Cartes d'identité et passeports",
    "impôt": "Impôts et déclarations",
    "internet": "Tout en ligne : ceux qui n'ont pas internet",
}


def _analyse(process: Process, analyst: Any) -> AnalysisRun:
    run = AnalysisRun.objects.create(
        process=process, started_by=analyst, parameters={"n_topics": "auto", "random_state": 0}
    )
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def _evidence(topic: Topic, extra: list[int], n: int = 8) -> list[int]:
    ids = list(
        Assignment.objects.filter(topic__in=[topic, *topic.children.all()])
        .order_by("-pinned", "-score", "contribution_id")
        .values_list("contribution_id", flat=True)[:n]
    )
    return ids + [pk for pk in extra if pk not in ids]


def _statements(section: Section, topic: Topic, noun: str, extra: list[int], n: int = 3) -> None:
    """The section's statements: what the analysis found people propose about its topic (the
    `n` most held, word for word, each backed by the contributions that say it). A factual
    statement (how many, and the expressions that come back most or a representative quote)
    when the analysis found no proposal there, or to cite contributions (`extra`) that no
    proposal holds."""
    cited: set[int] = set()
    for proposal in proposals_for_section(section=section)[:n]:
        restitution.statement_from_proposal(section=section, proposal_id=proposal["id"])
        cited.update(proposal["evidence"])
    missing = [pk for pk in extra if pk not in cited]
    if cited and not missing:
        return
    count = topic.n_total  # type: ignore[attr-defined]
    evidence = _evidence(topic, missing, n=5)
    expressions = ", ".join(f"« {k} »" for k in topic.keywords[:3])
    if expressions:
        text = f"{count} {noun} portent sur ce sujet ; ce qui revient le plus : {expressions}."
    else:  # no expression shared: the most representative contribution, quoted
        first = Contribution.objects.get(pk=evidence[0]).body if evidence else ""
        quote = Truncator(" ".join(first.split())).chars(120)
        text = f"{count} {noun} portent sur ce sujet, par exemple : « {quote} »"
    restitution.statement_save(section=section, text=text, evidence_ids=evidence)


def _top_proposal_answer(run: AnalysisRun, topic: Topic) -> Contribution | None:
    """An answer behind the most held proposal of `topic` (None when it has none)."""
    proposals = [
        p for p in (run.result or {}).get("proposals", []) if p["topic"] == topic.engine_key
    ]
    if not proposals:
        return None
    ids = [int(i) for i in proposals[0]["evidence"]]
    return Contribution.objects.filter(pk__in=ids).order_by("pk").first()


# The town hall's own categories, to try "Classer selon la grille de codage" on the demo.
CODEBOOK = (
    ("Carte grise et permis", "carte grise; permis de conduire; ANTS; immatriculation"),
    ("Papiers d'identité", "carte d'identité; passeport; CNI; mairie"),
    ("Justificatifs demandés plusieurs fois", "justificatif; document; fournir; pièces"),
    ("Limitation de vitesse", "80 km/h; vitesse; limitation; routes"),
    ("Impôts et fiscalité", "impôts; déclaration; prélèvement à la source; fiscalité"),
    ("Retraite et sécurité sociale", "retraite; CARSAT; CPAM; sécurité sociale; CAF"),
)


def _codebook(organization: Any) -> None:
    from palabre.synthesis.selectors import codebook_size
    from palabre.synthesis.services import codebook_category_save

    if codebook_size(organization=organization):
        return
    for name, keywords in CODEBOOK:
        codebook_category_save(organization=organization, name=name, keywords=keywords)


def restitution_demo(
    demarches: Process, idees: Process, analyst: Any, elected: Any, louise: Any
) -> None:
    if Synthesis.objects.filter(process=demarches).exists():
        return
    # Demo residents cannot sign in: their notifications stay in the site, no e-mail is sent
    # (the terminal would fill with hundreds of them when the synthesis is published).
    from palabre.accounts.models import User
    from palabre.notifications.models import Preference

    for user_id in User.objects.filter(email__endswith="@demo.invalid").values_list(
        "pk", flat=True
    ):
        Preference.objects.update_or_create(
            user_id=user_id, defaults={"email_frequency": Preference.Frequency.NEVER}
        )
    # The residents who described themselves (evaluation demo) answered online: their answers
    # let the representativeness page reweight the synthesis's topic shares.
    from palabre.core.models import Channel
    from palabre.evaluation.models import Profile

    profiled = list(
        Profile.objects.filter(organization=demarches.organization)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    online = Contribution.objects.filter(
        process=demarches, kind=Contribution.Kind.ANSWER, channel=Channel.ONLINE
    ).order_by("pk")
    for pk, user_id in zip(online.values_list("pk", flat=True), profiled, strict=False):
        Contribution.objects.filter(pk=pk).update(author_id=user_id)

    _codebook(demarches.organization)
    run = _analyse(demarches, analyst)
    if run.status != AnalysisRun.Status.DONE:
        return
    roots = topics_of(process=demarches)
    # Louise answered the questionnaire (an answer behind the most held proposal of the
    # largest topic, else its first answer) and proposed an idea.
    answer = _top_proposal_answer(run, roots[0]) if roots else None
    first = (
        Assignment.objects.filter(topic__in=[roots[0], *roots[0].children.all()])
        .order_by("contribution_id")
        .select_related("contribution")
        .first()
        if roots and answer is None
        else None
    )
    answer = answer or (first.contribution if first else None)
    idea = (
        Contribution.objects.filter(process=idees, kind=Contribution.Kind.IDEA)
        .order_by("source_ref")
        .first()
    )
    Contribution.objects.filter(pk__in=[c.pk for c in (answer, idea) if c]).update(author=louise)
    for topic in roots:
        for words, label in RENAMES.items():
            if words in topic.label.lower():
                services.topic_rename(topic=topic, label=label, version=topic.version, user=analyst)
                break
    for topic in roots[:5]:
        quotes = list(
            Assignment.objects.filter(topic__in=[topic, *topic.children.all()])
            .order_by("-score")
            .values_list("contribution_id", flat=True)[:2]
        )
        services.quotes_pin(process=demarches, contribution_ids=quotes, pinned=True, user=analyst)
    louise_topic = None
    if answer is not None:
        assignment = Assignment.objects.filter(contribution=answer).select_related("topic").first()
        louise_topic = assignment.topic if assignment and assignment.topic else None
        if louise_topic is not None:
            louise_topic = louise_topic.parent or louise_topic
    roots = topics_of(process=demarches)
    draft = restitution.draft_get_or_create(process=demarches)
    restitution.synthesis_update(
        synthesis=draft,
        title="Simplifier vos démarches : ce que vous nous avez dit",
        introduction=(
            "Vous avez été nombreux à répondre, en ligne, sur papier, en réunion et avec nos "
            "médiatrices. Voici ce que nous retenons, thème par thème ; chaque phrase renvoie aux "
            "réponses qui la fondent."
        ),
    )
    chosen = roots[:4]
    if louise_topic is not None and all(t.pk != louise_topic.pk for t in chosen):
        chosen.append(next(t for t in roots if t.pk == louise_topic.pk))
    for topic in chosen:
        section = restitution.section_add(synthesis=draft, title=topic.label, topic=topic)
        extra = [answer.pk] if answer is not None and topic == louise_topic else []
        _statements(section, topic, "réponses", extra)
    small = [t for t in roots if 0 < t.n_total <= 40][-1:]  # type: ignore[attr-defined]
    for topic in small:
        section = restitution.section_add(
            synthesis=draft, title=topic.label, topic=topic, kind="minority"
        )
        restitution.statement_save(
            section=section,
            text="Peu de réponses, mais un point que la ville ne veut pas perdre de vue.",
            evidence_ids=_evidence(topic, [], n=5),
        )
    restitution.synthesis_publish(synthesis=draft, user=analyst)
    statuses = [
        (
            Answer.Status.ADOPTED,
            "Le guichet unique aidera à ces démarches dès janvier, sur rendez-vous.",
            30,
        ),
        (
            Answer.Status.UNDER_STUDY,
            "Les services étudient un accompagnement avec les associations.",
            None,
        ),
        (
            Answer.Status.NOT_ADOPTED,
            "Cette démarche relève de l'État, pas de la commune : vos réponses ont été transmises "
            "à la préfecture.",
            None,
        ),
        (Answer.Status.PARTLY_ADOPTED, "Des horaires élargis le samedi matin, pas en soirée.", 50),
    ]
    for topic, (status, text, progress) in zip(chosen, statuses, strict=False):
        restitution.answer_give(
            process=demarches,
            topic=topic,
            status=status,
            text=text,
            signed_as="L'adjointe aux services publics",
            user=elected,
            progress=progress,
        )
    if idea is not None:
        restitution.answer_give(
            process=idees,
            contribution=idea,
            status=Answer.Status.UNDER_STUDY,
            text="Les services techniques chiffrent votre idée ; réponse au bureau municipal.",
            signed_as="Le bureau municipal",
            user=elected,
        )
    from palabre.opendata.services import dataset_publish

    dataset_publish(process=demarches, user=analyst)

    # The idea box: a draft synthesis open to contributors' comments for ten days.
    if _analyse(idees, analyst).status == AnalysisRun.Status.DONE:
        draft = restitution.draft_get_or_create(process=idees)
        restitution.synthesis_update(
            synthesis=draft,
            title="Vos idées pour nos quartiers : projet de synthèse",
            comments_until=timezone.localdate() + dt.timedelta(days=10),
        )
        for topic in topics_of(process=idees)[:3]:
            section = restitution.section_add(synthesis=draft, title=topic.label, topic=topic)
            _statements(section, topic, "idées", [], n=2)
