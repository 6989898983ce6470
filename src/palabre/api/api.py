"""REST API (django-ninja). OpenAPI description at /api/openapi.json, docs at /api/docs.

Endpoints go through the same selectors (permission chokepoints) as the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

import palabre
from palabre.organizations.selectors import organization_get, organizations_public
from palabre.processes.selectors import phases_of, process_get_for_user, processes_listed_for

api = NinjaAPI(
    title="Palabre API",
    version=palabre.__version__,
    description="Public data of the local governments hosted on this Palabre instance.",
    urls_namespace="api",
)


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    population: int | None


class PhaseOut(Schema):
    kind: str
    title: str
    start_date: dt.date
    end_date: dt.date


class ProcessOut(Schema):
    slug: str
    title: str
    question: str
    template: str
    status: str
    published_at: dt.datetime | None


class ProcessDetailOut(ProcessOut):
    objective: str
    open_to_discussion: str
    decision_maker: str
    decision_date: dt.date | None
    phases: list[PhaseOut]


@api.get("/organizations", response=list[OrganizationOut], tags=["organizations"])
def list_organizations(request: HttpRequest):
    return organizations_public()


@api.get("/organizations/{org}/processes", response=list[ProcessOut], tags=["processes"])
def list_processes(request: HttpRequest, org: str):
    organization = organization_get(slug=org)
    return processes_listed_for(user=request.user, organization=organization)


@api.get("/organizations/{org}/processes/{slug}", response=ProcessDetailOut, tags=["processes"])
def get_process(request: HttpRequest, org: str, slug: str):
    process = _visible_process(request, org, slug)
    return {
        **{f: getattr(process, f) for f in ProcessDetailOut.model_fields if f != "phases"},
        "phases": list(phases_of(process=process)),
    }


class StatementOut(Schema):
    text: str
    evidence: list[int]
    channels: dict[str, int]


class SectionOut(Schema):
    title: str
    kind: str
    statements: list[StatementOut]


class SynthesisOut(Schema):
    version: int
    title: str
    introduction: str
    method: str
    published_at: dt.datetime
    sections: list[SectionOut]


class AnswerOut(Schema):
    status: str
    text: str
    given_by: str
    progress: int | None
    date: dt.datetime


class AnswerSubjectOut(Schema):
    topic: str | None
    proposal_id: int | None
    current: AnswerOut
    history: list[AnswerOut]


class OutcomeOut(Schema):
    contribution_id: int
    topic_id: int | None
    topic: str | None
    statements: list[int]
    answer_id: int | None
    answer: AnswerOut | None


class OpenDataFileOut(Schema):
    name: str
    url: str


class OpenDataOut(Schema):
    published_at: dt.datetime
    files: list[OpenDataFileOut]


def _visible_process(request: HttpRequest, org: str, slug: str) -> Any:
    organization = organization_get(slug=org)
    return process_get_for_user(user=request.user, organization=organization, slug=slug)


@api.get(
    "/organizations/{org}/processes/{slug}/synthesis",
    response=SynthesisOut,
    tags=["restitution"],
)
def get_synthesis(request: HttpRequest, org: str, slug: str, version: int | None = None):
    """The published synthesis (latest version, or `version`): every statement with the ids of
    the contributions that back it and their channels."""
    from django.http import Http404

    from palabre.synthesis.selectors import document_of, statements_in, synthesis_public

    process = _visible_process(request, org, slug)
    synthesis = synthesis_public(process=process, version=version)
    if synthesis is None:
        raise Http404("No synthesis published.")
    return {
        "version": synthesis.version,
        "title": synthesis.title,
        "introduction": synthesis.introduction,
        "method": synthesis.method,
        "published_at": synthesis.published_at,
        "sections": [
            {
                "title": section.title,
                "kind": section.kind,
                "statements": [
                    {
                        "text": statement.text,
                        "evidence": [c.pk for c in statement.backing.contributions],  # type: ignore[attr-defined]
                        "channels": statement.backing.by_channel,  # type: ignore[attr-defined]
                    }
                    for statement in statements_in(section=section)
                ],
            }
            for section in document_of(synthesis=synthesis)
        ],
    }


def _answer(answer: Any) -> dict[str, Any]:
    return {
        "status": answer.status,
        "text": answer.text,
        "given_by": answer.signed_as,
        "progress": answer.progress,
        "date": answer.created_at,
    }


@api.get(
    "/organizations/{org}/processes/{slug}/answers",
    response=list[AnswerSubjectOut],
    tags=["restitution"],
)
def list_answers(request: HttpRequest, org: str, slug: str):
    """What the local government decided: each answered topic or proposal, its current status
    and the earlier answers."""
    from palabre.synthesis.selectors import answers_of

    process = _visible_process(request, org, slug)
    return [
        {
            "topic": subject.topic.label if subject.topic else None,
            "proposal_id": subject.contribution.pk if subject.contribution else None,
            "current": _answer(subject.current),
            "history": [_answer(a) for a in subject.answers[1:]],
        }
        for subject in answers_of(process=process)
    ]


def _outcome(outcome: Any) -> dict[str, Any]:
    return {
        "contribution_id": outcome.contribution.pk,
        "topic_id": outcome.topic.pk if outcome.topic else None,
        "topic": outcome.topic.label if outcome.topic else None,
        "statements": [s.pk for s in outcome.statements],
        "answer_id": outcome.answer.pk if outcome.answer else None,
        "answer": _answer(outcome.answer) if outcome.answer else None,
    }


@api.get(
    "/organizations/{org}/processes/{slug}/outcomes",
    response=list[OutcomeOut],
    tags=["restitution"],
)
def list_outcomes(request: HttpRequest, org: str, slug: str, offset: int = 0, limit: int = 500):
    """What became of each public contribution, by contribution number (`limit` at most
    1,000 a page): its topic after merges, the statements of the published synthesis it
    backs, and the answer about it (its own, else its topic's or the nearest parent's). The
    same selector as "Mes contributions" and the open data's topic_assignments."""
    from palabre.synthesis.selectors import outcomes_public

    process = _visible_process(request, org, slug)
    outcomes = outcomes_public(process=process, offset=offset, limit=min(limit, 1000))
    return [_outcome(o) for o in outcomes]


@api.get(
    "/organizations/{org}/processes/{slug}/contributions/{contribution_id}/outcome",
    response=OutcomeOut,
    tags=["restitution"],
)
def get_outcome(request: HttpRequest, org: str, slug: str, contribution_id: int):
    """What became of one public contribution (see the list of outcomes)."""
    from palabre.synthesis.selectors import outcome_public

    process = _visible_process(request, org, slug)
    return _outcome(outcome_public(process=process, pk=contribution_id))


@api.get(
    "/organizations/{org}/processes/{slug}/open-data",
    response=OpenDataOut,
    tags=["restitution"],
)
def get_open_data(request: HttpRequest, org: str, slug: str):
    """The files of the process's latest open dataset, at their stable addresses."""
    from django.http import Http404
    from django.urls import reverse

    from palabre.opendata.selectors import dataset_latest

    process = _visible_process(request, org, slug)
    dataset = dataset_latest(process=process)
    if dataset is None:
        raise Http404("No open data published.")
    names = ["jeu-de-donnees.zip", *dataset.manifest.get("files", [])]
    return {
        "published_at": dataset.published_at,
        "files": [
            {
                "name": name,
                "url": request.build_absolute_uri(
                    reverse("opendata_file", kwargs={"org": org, "slug": slug, "name": name})
                ),
            }
            for name in names
        ],
    }
