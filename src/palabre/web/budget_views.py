"""Participatory budgets on the public site: projects, the ballot, results, open data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.budgets import selectors, services
from palabre.budgets.forms import BallotForm
from palabre.budgets.models import Budget, Project
from palabre.core.formats import euros
from palabre.core.forms import apply_validation_error
from palabre.core.http import attachment
from palabre.core.ratelimit import rate_limit
from palabre.organizations.selectors import organization_get
from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user


def _budget(request: HttpRequest, org: str, slug: str) -> Budget:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    if process.template != Process.Template.PARTICIPATORY_BUDGET:
        raise Http404(_("This participation process is not a participatory budget."))
    return services.budget_of(process)


def _context(budget: Budget, **extra: object) -> dict[str, object]:
    return {
        "organization": budget.process.organization,
        "process": budget.process,
        "budget": budget,
        **extra,
    }


def budget_projects(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    budget = _budget(request, org, slug)
    projects = list(selectors.projects_of(budget=budget))
    envelopes = selectors.envelopes_of(budget=budget)
    groups = [
        (envelope, [p for p in projects if p.envelope_id == envelope.pk]) for envelope in envelopes
    ]
    unplaced = [p for p in projects if p.envelope_id is None]
    return render(
        request,
        "budgets/projects.html",
        _context(budget, groups=groups, unplaced=unplaced, statuses=Project.Status),
    )


def budget_project(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    budget = _budget(request, org, slug)
    project = selectors.project_get(budget=budget, pk=pk)
    return render(
        request,
        "budgets/project_detail.html",
        _context(
            budget,
            project=project,
            cost=euros(project.cost) if project.cost else "",
            proposed_cost=euros(project.proposed_cost) if project.proposed_cost else "",
            **selectors.project_page(project=project),
        ),
    )


def budget_vote(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    budget = _budget(request, org, slug)
    ballots = selectors.ballots_of_voter(budget=budget, voter=request.user)
    envelopes = [
        (envelope, ballots.get(envelope.pk)) for envelope in selectors.envelopes_of(budget=budget)
    ]
    return render(
        request,
        "budgets/vote.html",
        _context(
            budget,
            envelopes=envelopes,
            closed=selectors.vote_open(budget=budget),
            amount=euros,
        ),
    )


@require_http_methods(["GET", "POST"])
@rate_limit("ballot")
def budget_ballot(request: HttpRequest, org: str, slug: str, envelope_id: int) -> HttpResponse:
    budget = _budget(request, org, slug)
    envelope = selectors.envelope_get(budget=budget, pk=envelope_id)
    closed = selectors.vote_open(budget=budget)
    projects = selectors.ballot_projects(envelope=envelope)
    ballot = selectors.ballot_of(envelope=envelope, voter=request.user)
    chosen = selectors.ballot_points(ballot=ballot)
    needs_code = budget.codes_required and not selectors.code_used(
        budget=budget, voter=request.user
    )
    action = request.POST.get("action", "cast")
    form = BallotForm(
        request.POST if request.method == "POST" and action != "withdraw" else None,
        envelope=envelope,
        projects=projects,
        eligibility=ballot is None,
        needs_code=needs_code,
        chosen=chosen,
    )
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if closed:
            status = 403
        elif action == "withdraw":
            services.ballot_withdraw(envelope=envelope, voter=request.user)
            messages.success(request, _("Your ballot is withdrawn."))
            return redirect("budget_vote", org=org, slug=slug)
        elif form.is_valid() and action == "cast":
            try:
                services.ballot_cast(
                    envelope=envelope,
                    voter=request.user,
                    selections=form.selections(),
                    **form.eligibility(),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("Your ballot is recorded. You can change it until the vote closes."),
                )
                return redirect("budget_vote", org=org, slug=slug)
        elif form.is_valid():  # "recalculate": show the totals, save nothing
            try:
                services.selections_check(envelope, form.selections())
            except ValidationError as error:
                apply_validation_error(form, error)
        else:
            status = 400
    total = form.selected_total()
    return render(
        request,
        "budgets/ballot.html",
        _context(
            budget,
            envelope=envelope,
            form=form,
            ballot=ballot,
            closed=closed,
            total=euros(total),
            left=euros(max(envelope.amount - total, 0)),
            over=total > envelope.amount,
            amount=euros(envelope.amount),
        ),
        status=status,
    )


def budget_results(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    budget = _budget(request, org, slug)
    if not selectors.results_visible_to(user=request.user, budget=budget):
        raise PermissionDenied(_("The results are published after the vote is counted."))
    return render(
        request,
        "budgets/results.html",
        _context(
            budget,
            results=selectors.results_of(budget=budget),
            works=selectors.works_of(budget=budget),
        ),
    )


def budget_export(request: HttpRequest, org: str, slug: str, envelope_id: int) -> HttpResponse:
    """An envelope's anonymised ballots and result in Pabulib's `.pb` format."""
    budget = _budget(request, org, slug)
    if not selectors.results_visible_to(user=request.user, budget=budget):
        raise PermissionDenied(_("The results are published after the vote is counted."))
    envelope = selectors.envelope_get(budget=budget, pk=envelope_id)
    return attachment(
        selectors.pb_export(envelope=envelope), f"{budget.process.slug}-{envelope.pk}.pb"
    )


def budget_results_csv(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    budget = _budget(request, org, slug)
    if not selectors.results_visible_to(user=request.user, budget=budget):
        raise PermissionDenied(_("The results are published after the vote is counted."))
    return attachment(selectors.csv_export(budget=budget), f"{budget.process.slug}-resultats.csv")


def budget_ballots_csv(request: HttpRequest, org: str, slug: str, envelope_id: int) -> HttpResponse:
    budget = _budget(request, org, slug)
    if not selectors.results_visible_to(user=request.user, budget=budget):
        raise PermissionDenied(_("The results are published after the vote is counted."))
    envelope = selectors.envelope_get(budget=budget, pk=envelope_id)
    return attachment(
        selectors.ballots_csv(envelope=envelope),
        f"{budget.process.slug}-{envelope.pk}-bulletins.csv",
    )
