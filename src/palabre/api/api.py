"""REST API (django-ninja). OpenAPI description at /api/openapi.json, docs at /api/docs.

Endpoints go through the same selectors (permission chokepoints) as the pages.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import NinjaAPI, Schema

import palabre
from palabre.organizations.selectors import organization_get, organizations_public
from palabre.processes.selectors import process_get_for_user, processes_listed_for

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
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    return {
        **{f: getattr(process, f) for f in ProcessDetailOut.model_fields if f != "phases"},
        "phases": list(process.phases.all()),
    }
