"""Ideas, comments and supports on the public site (thin views over contributions services)."""

from __future__ import annotations

import random
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.contributions import services
from palabre.contributions.models import Contribution
from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.contributions.selectors import (
    coauthor_invitation,
    coauthors_of,
    comment_get,
    comments_of,
    contribution_get_for_user,
    idea_get_for_user,
    ideas_of,
    supported_by,
)
from palabre.core.forms import apply_validation_error
from palabre.core.http import require_post
from palabre.core.ratelimit import rate_limit
from palabre.notifications.selectors import follows
from palabre.organizations.selectors import organization_get
from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user

from .forms import CommentForm, IdeaEditForm, IdeaFilterForm, IdeaForm, ReportForm
from .maps import map_settings


def _process(request: HttpRequest, org: str, slug: str) -> Process:
    organization = organization_get(slug=org)
    return process_get_for_user(user=request.user, organization=organization, slug=slug)


def idea_list_context(request: HttpRequest, process: Process) -> dict[str, object]:
    """What the process page shows for a process that collects ideas."""
    organization = process.organization
    filters = IdeaFilterForm(request.GET or None, organization=organization)
    data = filters.cleaned_data if filters.is_valid() else {}
    seed = request.session.setdefault("idea_seed", random.randrange(1_000_000))  # noqa: S311
    ideas = ideas_of(
        user=request.user,
        process=process,
        text=data.get("q", ""),
        theme=data.get("theme", ""),
        neighbourhood=data.get("neighbourhood", ""),
        channel=data.get("channel", ""),
        status=data.get("status", ""),
        sort=data.get("sort") or "random",
        seed=seed,
    )
    page = Paginator(ideas, 20).get_page(request.GET.get("page"))
    return {
        "idea_filters": filters,
        "page": page,
        "supported": supported_by(user=request.user, ideas=list(page.object_list)),
        "submit_closed": activity_closed_reason(process, Activity.SUBMIT_IDEA),
        "support_closed": activity_closed_reason(process, Activity.SUPPORT),
        "compare_closed": activity_closed_reason(process, Activity.COMPARE),
    }


def comments_context(
    request: HttpRequest, process: Process, idea: Contribution | None = None
) -> dict[str, object]:
    """The comment thread of an idea, or of the process itself when `idea` is None."""
    activity = Activity.COMMENT if idea is not None else Activity.DEBATE
    page, comments = comments_of(
        user=request.user, idea=idea, process=process, page=request.GET.get("commentaires")
    )
    return {
        "comments": comments,
        "comments_page": page,
        "comment_form": CommentForm(),
        "comment_closed": activity_closed_reason(process, activity),
        "stances": Contribution.Stance.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("idea")
def idea_create(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    process = _process(request, org, slug)
    closed = activity_closed_reason(process, Activity.SUBMIT_IDEA)
    is_project = process.template == Process.Template.PARTICIPATORY_BUDGET
    form = IdeaForm(
        request.POST or None,
        request.FILES or None,
        organization=process.organization,
        project=is_project,
    )
    if request.method == "POST" and not closed and form.is_valid():
        data = form.cleaned_data
        submit: Any = services.idea_submit
        if is_project:
            from palabre.budgets.selectors import proposal_idea
            from palabre.budgets.services import project_propose

            submit = partial(project_propose, proposed_cost=data["estimated_cost"])
        try:
            created = submit(
                process=process,
                author=request.user,
                title=data["title"],
                body=data["body"],
                theme=data["theme"],
                neighbourhood=data["neighbourhood"],
                token=data["token"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                image=data["image"],
                image_alt=data["image_alt"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            idea = proposal_idea(project=created) if is_project else created
            if idea.held_at:
                messages.info(
                    request,
                    _("Thank you. Your idea will be published once a moderator has read it."),
                )
            else:
                messages.success(request, _("Thank you, your idea is published."))
            return redirect("idea_detail", org=org, slug=slug, pk=idea.pk)
    status = 403 if closed and request.method == "POST" else 200
    return render(
        request,
        "web/idea_form.html",
        {
            "organization": process.organization,
            "process": process,
            "form": form,
            "closed": closed,
            "map": map_settings(process.organization),
        },
        status=status,
    )


def _outcome_context(request: HttpRequest, process: Process, idea: Any) -> dict[str, Any]:
    """What became of the idea: its public answers (status history), the synthesis statements
    that cite it; and, for those who answer, a link to answer it."""
    from palabre.organizations.permissions import organization_user_can
    from palabre.organizations.roles import Action
    from palabre.synthesis.selectors import answers_to, outcome_of

    return {
        "answers": answers_to(contribution=idea),
        "cited_in": outcome_of(contribution=idea).statements,
        "can_answer": organization_user_can(request.user, process.organization, Action.ANSWER),
    }


def idea_detail(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    process = _process(request, org, slug)
    idea = idea_get_for_user(user=request.user, process=process, pk=pk)
    services.idea_viewed(
        idea=idea,
        user=request.user,
        address=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    return render(
        request,
        "web/idea_detail.html",
        {
            "organization": process.organization,
            "process": process,
            "idea": idea,
            **comments_context(request, process, idea),
            "following": follows(user=request.user, idea=idea),
            "map": map_settings(process.organization),
            "coauthors": coauthors_of(idea=idea),
            "invitation": coauthor_invitation(idea=idea, user=request.user),
            "supported": bool(supported_by(user=request.user, ideas=[idea])),
            "can_edit": services.idea_can_edit(idea=idea, user=request.user),
            "support_closed": activity_closed_reason(process, Activity.SUPPORT),
            **_outcome_context(request, process, idea),
        },
    )


@login_required
@require_post
@rate_limit("coauthor")
def idea_coauthors(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    """The author invites an association; the invited association accepts or declines."""
    process = _process(request, org, slug)
    idea = idea_get_for_user(user=request.user, process=process, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "invite":
            services.coauthor_invite(
                idea=idea, inviter=request.user, email=request.POST.get("email", "")
            )
            messages.success(request, _("The association is invited; it appears once it accepts."))
        elif action in {"accept", "decline"}:
            services.coauthor_respond(idea=idea, user=request.user, accept=action == "accept")
            messages.success(request, _("Your answer is recorded."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("idea_detail", org=org, slug=slug, pk=pk)


@login_required
@require_post
@rate_limit("support")
def idea_support(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    process = _process(request, org, slug)
    idea = idea_get_for_user(user=request.user, process=process, pk=pk)
    supported = request.POST.get("supported", "1") == "1"
    try:
        services.support_set(idea=idea, user=request.user, supported=supported)
    except services.ActivityClosed as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your support is recorded.") if supported else _("Your support is withdrawn."),
        )
    target = request.POST.get("next", "")
    if target.startswith(f"/{org}/"):
        return redirect(target)
    return redirect("idea_detail", org=org, slug=slug, pk=idea.pk)


@login_required
@require_post
@rate_limit("comment")
def idea_comment(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    process = _process(request, org, slug)
    idea = idea_get_for_user(user=request.user, process=process, pk=pk)
    return _comment(request, process, idea)


@login_required
@require_post
@rate_limit("comment")
def process_comment(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    return _comment(request, _process(request, org, slug), None)


def _comment(request: HttpRequest, process: Process, idea: Contribution | None) -> HttpResponse:
    if idea is not None:
        back = redirect("idea_detail", org=process.organization.slug, slug=process.slug, pk=idea.pk)
    else:
        back = redirect("process_detail", org=process.organization.slug, slug=process.slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Your comment could not be published: write a text and choose a position.")
        )
        return back
    data = form.cleaned_data
    reply_to = None
    if data.get("reply_to"):
        reply_to = comment_get(process=process, pk=data["reply_to"])
    common = {
        "author": request.user,
        "body": data["body"],
        "stance": data["stance"],
        "reply_to": reply_to,
        "token": data["token"],
    }
    try:
        if idea is not None:
            comment = services.comment_add(idea=idea, **common)
        else:
            comment = services.process_comment_add(process=process, **common)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    if comment.held_at:
        messages.info(
            request, _("Thank you. Your comment will be published once a moderator has read it.")
        )
    else:
        messages.success(request, _("Your comment is published."))
    return back


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    process = _process(request, org, slug)
    idea = idea_get_for_user(user=request.user, process=process, pk=pk)
    if not services.idea_can_edit(idea=idea, user=request.user):
        raise PermissionDenied(
            _("An idea can only be edited by its author, within 30 minutes of publication.")
        )
    form = IdeaEditForm(request.POST or None, initial={"title": idea.title, "body": idea.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_edit(idea=idea, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your idea was updated."))
            return redirect("idea_detail", org=org, slug=slug, pk=idea.pk)
    return render(
        request,
        "web/idea_edit.html",
        {"organization": process.organization, "process": process, "idea": idea, "form": form},
    )


@login_required
@require_post
def idea_withdraw(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    process = _process(request, org, slug)
    idea = idea_get_for_user(user=request.user, process=process, pk=pk)
    try:
        services.idea_withdraw(idea=idea, user=request.user)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    messages.success(request, _("Your idea was withdrawn; it stays visible as withdrawn."))
    return redirect("idea_detail", org=org, slug=slug, pk=idea.pk)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("report")
def contribution_report(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    """Anyone signed in reports an idea or a comment (reason list)."""
    from palabre.moderation.services import report_create

    process = _process(request, org, slug)
    contribution = contribution_get_for_user(user=request.user, process=process, pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report_create(
            contribution=contribution,
            reporter=request.user,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
        )
        messages.success(request, _("Thank you: the moderators will look at your report."))
        idea = contribution.idea  # back to the idea a comment (or a reply) belongs to
        if idea is not None:
            return redirect("idea_detail", org=org, slug=slug, pk=idea.pk)
        return redirect("process_detail", org=org, slug=slug)
    return render(
        request,
        "web/report_form.html",
        {
            "organization": process.organization,
            "process": process,
            "contribution": contribution,
            "form": form,
        },
    )
