"""Opinion maps on the public site: vote on statements one at a time, propose one, see the
map (computed in the background), download the conversation in Pol.is's layout."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.core.forms import apply_validation_error
from palabre.core.http import attachment, require_post
from palabre.core.ratelimit import rate_limit
from palabre.opinions import selectors, services
from palabre.opinions.forms import StatementForm
from palabre.opinions.models import OpinionMap, Vote
from palabre.organizations.selectors import organization_get
from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user


def _opinion_map(request: HttpRequest, org: str, slug: str) -> OpinionMap:
    return services.opinion_map_of(_process(request, org, slug))


def _context(opinion_map: OpinionMap, **extra: object) -> dict[str, object]:
    return {
        "organization": opinion_map.process.organization,
        "process": opinion_map.process,
        "opinion_map": opinion_map,
        **extra,
    }


def _process(request: HttpRequest, org: str, slug: str) -> Process:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    if process.template != Process.Template.OPINION_MAP:
        raise Http404(_("This participation process has no opinion map."))
    return process


@require_http_methods(["GET", "POST"])
@transaction.non_atomic_requests  # a vote is one atomic statement on PostgreSQL (ADR 0008)
@rate_limit("opinion_vote")
def opinion_vote(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    status = 200
    if request.method == "POST":  # the hot path: no more queries than a vote needs
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        voted_on = selectors.statement_for_vote(
            user=request.user,
            organization_slug=org,
            process_slug=slug,
            statement_id=request.POST.get("statement", ""),
        )
        try:
            value = int(request.POST.get("value", ""))
            services.vote_cast(statement=voted_on, voter=request.user, value=value)
        except (ValueError, ValidationError) as error:
            messages.error(
                request,
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else _("A vote is agree, disagree or pass."),
            )
            status = 400
        else:
            return redirect(request.path)
    opinion_map = _opinion_map(request, org, slug)
    process = opinion_map.process
    closed = activity_closed_reason(process, Activity.OPINION)
    statement = (
        None if closed else selectors.next_statement(opinion_map=opinion_map, voter=request.user)
    )
    total, voted = selectors.vote_progress(process=process, voter=request.user)
    return render(
        request,
        "opinions/vote.html",
        _context(
            opinion_map,
            statement=statement,
            closed=closed,
            total=total,
            voted=voted,
            values=Vote.Value,
            propose_form=StatementForm() if opinion_map.participants_may_propose else None,
            propose_closed=activity_closed_reason(process, Activity.SUBMIT_STATEMENT),
        ),
        status=status,
    )


@require_post
@rate_limit("statement")
def opinion_propose(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    opinion_map = _opinion_map(request, org, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.statement_propose(
                process=opinion_map.process,
                author=request.user,
                text=form.cleaned_data["body"],
                token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you. Your statement will be shown once a moderator has read it."),
            )
            return redirect("opinion_vote", org=org, slug=slug)
    return render(
        request,
        "opinions/propose.html",
        _context(opinion_map, form=form),
        status=400,
    )


def opinion_results(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    opinion_map = _opinion_map(request, org, slug)
    return render(
        request,
        "opinions/results.html",
        _context(
            opinion_map,
            view=selectors.map_view(opinion_map=opinion_map, viewer=request.user),
        ),
    )


def opinion_export(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    opinion_map = _opinion_map(request, org, slug)
    return attachment(
        selectors.polis_export(opinion_map=opinion_map), f"{opinion_map.process.slug}-polis.zip"
    )
