"""Public pages: thin views that call selectors and render templates."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palabre.contributions.rules import IDEA_TEMPLATES
from palabre.contributions.selectors import (
    channel_counts,
    contribution_counts,
    contributions_top_level,
)
from palabre.core.selectors import database_check
from palabre.moderation.selectors import moderation_stats
from palabre.notifications.selectors import follows
from palabre.opendata.selectors import restitution_pages
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action
from palabre.organizations.selectors import (
    legal_page_get,
    organization_get,
    organizations_public,
)
from palabre.processes.models import Process
from palabre.processes.selectors import (
    meetings_of,
    phases_of,
    process_get_for_user,
    process_search,
    processes_listed_for,
    processes_open_and_past,
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"organizations": organizations_public()})


def organization_home(request: HttpRequest, org: str) -> HttpResponse:
    organization = organization_get(slug=org)
    open_processes, past_processes = processes_open_and_past(
        user=request.user, organization=organization
    )
    return render(
        request,
        "web/organization_home.html",
        {
            "organization": organization,
            "open_processes": open_processes,
            "past_processes": past_processes,
            "can_open_backoffice": organization_user_can(
                request.user, organization, Action.VIEW_BACKOFFICE
            ),
        },
    )


def process_list(request: HttpRequest, org: str) -> HttpResponse:
    organization = organization_get(slug=org)
    status = request.GET.get("statut", "")
    if status not in {"", *Process.Status.values} or status == Process.Status.DRAFT:
        status = ""
    template = request.GET.get("type", "")
    if template not in {"", *Process.Template.values}:
        template = ""
    text = request.GET.get("q", "").strip()[:100]
    qs = process_search(
        processes_listed_for(user=request.user, organization=organization),
        text=text,
        status=status,
        template=template,
    )
    page = Paginator(qs, 12).get_page(request.GET.get("page"))
    return render(
        request,
        "web/process_list.html",
        {
            "organization": organization,
            "page": page,
            "filters": {"q": text, "statut": status, "type": template},
            "statuses": [s for s in Process.Status if s != Process.Status.DRAFT],
            "templates": list(Process.Template),
        },
    )


def process_detail(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    collects_ideas = process.template in IDEA_TEMPLATES
    questionnaire = None
    if process.template == Process.Template.QUESTIONNAIRE:
        from palabre.contributions.rules import Activity, activity_closed_reason
        from palabre.questionnaires.selectors import response_of, results_visible_to

        questionnaire = {
            "closed": activity_closed_reason(process, Activity.ANSWER),
            "response": response_of(user=request.user, process=process),
            "results_visible": results_visible_to(user=request.user, process=process),
        }
    budget = None
    if process.template == Process.Template.PARTICIPATORY_BUDGET:
        from palabre.budgets import selectors as budget_selectors
        from palabre.budgets.services import budget_of

        budget_obj = budget_of(process)
        budget = {
            "budget": budget_obj,
            "envelopes": budget_selectors.envelopes_of(budget=budget_obj),
            "vote_closed": budget_selectors.vote_open(budget=budget_obj),
            "results_visible": budget_selectors.results_visible_to(
                user=request.user, budget=budget_obj
            ),
        }
    from .idea_views import comments_context

    if collects_ideas:
        from .idea_views import idea_list_context

        listing = idea_list_context(request, process)
    else:
        contributions = contributions_top_level(user=request.user, process=process)
        listing = {"page": Paginator(contributions, 20).get_page(request.GET.get("page"))}
    restitution = restitution_pages(process=process)
    return render(
        request,
        "web/process_detail.html",
        {
            **listing,
            "collects_ideas": collects_ideas,
            "questionnaire": questionnaire,
            "budget": budget,
            "feedback_open": _feedback_open(process, restitution["synthesis"]),
            "restitution": restitution,
            "organization": organization,
            "process": process,
            "phases": phases_of(process=process),
            "meetings": meetings_of(process=process),
            "following": follows(user=request.user, process=process),
            **comments_context(request, process),
            "current_phase": process.current_phase(),
            "counts": contribution_counts(process=process),
            "channels": channel_counts(process=process),
            "moderation": moderation_stats(process=process),
            "can_change": organization_user_can(
                request.user, organization, Action.MANAGE_PROCESSES
            ),
        },
    )


def legal_page(request: HttpRequest, org: str, kind: str) -> HttpResponse:
    organization = organization_get(slug=org)
    page = legal_page_get(organization=organization, kind=kind)
    return render(request, "web/legal_page.html", {"organization": organization, "page": page})


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers (no personal data)."""
    database_check()
    return HttpResponse("ok", content_type="text/plain")


def _feedback_open(process: Process, synthesis_published: bool | None = None) -> bool:
    from palabre.evaluation.services import feedback_closed_reason

    return feedback_closed_reason(process, synthesis_published=synthesis_published) is None
