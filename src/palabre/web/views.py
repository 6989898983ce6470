"""Public pages: thin views that call selectors and render templates."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palabre.contributions.models import Contribution
from palabre.contributions.rules import IDEA_TEMPLATES
from palabre.contributions.selectors import (
    channel_counts,
    contribution_counts,
    contributions_visible_to,
)
from palabre.moderation.selectors import moderation_stats
from palabre.notifications.selectors import follows
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
    process_get_for_user,
    process_search,
    processes_listed_for,
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"organizations": organizations_public()})


def organization_home(request: HttpRequest, org: str) -> HttpResponse:
    organization = organization_get(slug=org)
    processes = processes_listed_for(user=request.user, organization=organization)
    return render(
        request,
        "web/organization_home.html",
        {
            "organization": organization,
            "open_processes": processes.filter(status=Process.Status.PUBLISHED)[:6],
            "past_processes": processes.exclude(status=Process.Status.PUBLISHED)[:6],
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


def _restitution(process: Process) -> dict[str, bool]:
    """Which restitution pages the process has: synthesis, answers, open data (one query)."""
    from django.db.models import Exists, OuterRef

    from palabre.opendata.models import Dataset
    from palabre.synthesis.models import Answer, Synthesis

    row = (
        Process.objects.filter(pk=process.pk)
        .annotate(
            has_synthesis=Exists(
                Synthesis.objects.filter(process=OuterRef("pk"), status=Synthesis.Status.PUBLISHED)
            ),
            has_answers=Exists(Answer.objects.filter(process=OuterRef("pk"))),
            has_open_data=Exists(Dataset.objects.filter(process=OuterRef("pk"))),
        )
        .values("has_synthesis", "has_answers", "has_open_data")
        .first()
    )
    return {key.removeprefix("has_"): bool(value) for key, value in (row or {}).items()}


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
        contributions = (
            contributions_visible_to(user=request.user, process=process)
            .filter(parent__isnull=True)
            .exclude(kind=Contribution.Kind.COMMENT)
            .annotate(n_replies=Count("replies"))
            .order_by("-created_at", "-pk")
        )
        listing = {"page": Paginator(contributions, 20).get_page(request.GET.get("page"))}
    restitution = _restitution(process)
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
            "phases": process.phases.all(),
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
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _feedback_open(process: Process, synthesis_published: bool | None = None) -> bool:
    from palabre.evaluation.services import feedback_closed_reason

    return feedback_closed_reason(process, synthesis_published=synthesis_published) is None
