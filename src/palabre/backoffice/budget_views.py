"""Back-office of participatory budgets: set-up, analysis and merging of projects, keying in
paper and assisted ballots, counting, publishing results, works updates."""

from __future__ import annotations

import csv
import io
from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palabre.budgets import selectors, services
from palabre.budgets.forms import (
    BudgetForm,
    EnvelopeForm,
    PaperBallotForm,
    ProjectAnalysisForm,
    ProjectCreateForm,
    WorkUpdateForm,
)
from palabre.budgets.models import Budget, PaperEntry
from palabre.contributions.selectors import mediation_session_open
from palabre.core.formats import euros
from palabre.core.forms import apply_validation_error
from palabre.core.http import attachment, require_post
from palabre.core.models import Channel
from palabre.organizations.models import Organization
from palabre.organizations.roles import Action
from palabre.processes.models import Process
from palabre.processes.selectors import ProcessAction, process_get_for_user

from .views import _context, backoffice


def _budget(
    request: HttpRequest, organization: Organization, slug: str, action: ProcessAction
) -> Budget:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=action
    )
    if process.template != Process.Template.PARTICIPATORY_BUDGET:
        raise Http404(_("This participation process is not a participatory budget."))
    return services.budget_of(process)


@backoffice(Action.MANAGE_PROCESSES)
def budget_setup(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    budget = _budget(request, organization, slug, ProcessAction.CHANGE)
    what = request.POST.get("what")
    # the form validates a copy: `budget` keeps its stored values (the service compares them)
    form = BudgetForm(request.POST if what == "settings" else None, instance=copy(budget))
    envelope_form = EnvelopeForm(
        request.POST if what == "envelope" else None, organization=organization, prefix="env"
    )
    if request.method == "POST":
        try:
            if what == "settings" and form.is_valid():
                data = {name: form.cleaned_data[name] for name in form.Meta.fields}
                services.budget_update(budget=budget, **data)
                messages.success(request, _("The settings are saved."))
                return redirect(request.path)
            if what == "envelope" and envelope_form.is_valid():
                services.envelope_save(budget=budget, **envelope_form.cleaned_data)
                messages.success(request, _("The envelope was added."))
                return redirect(request.path)
            if what in {"publish_ballot", "count", "publish_results"}:
                if what == "publish_ballot":
                    services.ballot_publish(budget=budget)
                    messages.success(request, _("The ballot list is published."))
                elif what == "count":
                    services.count_request(budget=budget, actor=request.user)
                    messages.success(
                        request, _("Counting has started; reload this page in a moment.")
                    )
                else:
                    services.results_publish(budget=budget, actor=request.user)
                    messages.success(request, _("The results are published."))
                return redirect(request.path)
        except ValidationError as error:
            if what == "envelope":
                apply_validation_error(envelope_form, error)
            elif what == "settings":
                apply_validation_error(form, error)
            else:
                messages.error(request, " ".join(error.messages))
    codes, codes_used = selectors.codes_counts(budget=budget)
    return render(
        request,
        "backoffice/budget_setup.html",
        _context(
            request,
            organization,
            process=budget.process,
            budget=budget,
            form=form,
            envelope_form=envelope_form,
            envelopes=selectors.envelopes_overview(budget=budget),
            codes=codes,
            codes_used=codes_used,
            stale_count=selectors.count_is_stale(budget=budget),
        ),
    )


@backoffice(Action.MANAGE_PROCESSES)
@require_post
def budget_codes(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    """Generate invitation codes and download them as CSV, for printing."""
    budget = _budget(request, organization, slug, ProcessAction.CHANGE)
    try:
        count = int(request.POST.get("count", "0"))
        codes = services.codes_generate(budget=budget, count=count)
    except (ValueError, ValidationError):
        messages.error(request, _("Between 1 and 100,000 codes at a time."))
        return redirect("backoffice:budget_setup", org=organization.slug, slug=slug)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code"])
    writer.writerows([code] for code in codes)
    return attachment(out.getvalue(), f"{slug}-codes.csv")


@backoffice(Action.MANAGE_PROCESSES)
def budget_projects(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    budget = _budget(request, organization, slug, ProcessAction.CHANGE)
    what = request.POST.get("what")
    create_form = ProjectCreateForm(request.POST if what == "create" else None, budget=budget)
    if request.method == "POST":
        try:
            if what == "create" and create_form.is_valid():
                data = dict(create_form.cleaned_data)
                data["ideas"] = list(data["ideas"])
                project = services.project_create(budget=budget, actor=request.user, **data)
                messages.success(request, _("The project was created."))
                return redirect(
                    "backoffice:budget_project", org=organization.slug, slug=slug, pk=project.pk
                )
            if what == "merge":
                chosen = selectors.projects_to_merge(
                    budget=budget, pks=request.POST.getlist("projects")
                )
                into = next((p for p in chosen if str(p.pk) == request.POST.get("into")), None)
                if into is None:
                    raise ValidationError(
                        _("Tick the projects to merge and choose the one they merge into.")
                    )
                services.project_merge(projects=chosen, into=into, actor=request.user)
                messages.success(request, _("The projects are merged."))
                return redirect(request.path)
        except ValidationError as error:
            if what == "create":
                apply_validation_error(create_form, error)
            else:
                messages.error(request, " ".join(error.messages))
    return render(
        request,
        "backoffice/budget_projects.html",
        _context(
            request,
            organization,
            process=budget.process,
            budget=budget,
            projects=selectors.projects_of(budget=budget, public=False),
            create_form=create_form,
        ),
    )


@backoffice(Action.MANAGE_PROCESSES)
def budget_project(
    request: HttpRequest, organization: Organization, slug: str, pk: int
) -> HttpResponse:
    budget = _budget(request, organization, slug, ProcessAction.CHANGE)
    project = selectors.project_get(budget=budget, pk=pk, public=False)
    what = request.POST.get("what")
    # the form validates a copy: `project` keeps its stored values (the service compares them)
    form = ProjectAnalysisForm(
        request.POST if what == "analysis" else None, instance=copy(project), budget=budget
    )
    works_form = WorkUpdateForm(
        request.POST if what == "works" else None,
        request.FILES if what == "works" else None,
        prefix="works",
    )
    if request.method == "POST":
        try:
            if what == "analysis" and form.is_valid():
                services.project_analyse(project=project, actor=request.user, **form.cleaned_data)
                messages.success(request, _("The analysis is saved; it is public."))
                return redirect(request.path)
            if what == "works" and works_form.is_valid():
                services.works_update_add(
                    project=project, author=request.user, **works_form.cleaned_data
                )
                messages.success(request, _("The works update is published."))
                return redirect(request.path)
        except ValidationError as error:
            apply_validation_error(works_form if what == "works" else form, error)
    return render(
        request,
        "backoffice/budget_project.html",
        _context(
            request,
            organization,
            process=budget.process,
            budget=budget,
            project=project,
            form=form,
            works_form=works_form,
            events=selectors.project_events(project=project),
        ),
    )


@backoffice(Action.ASSISTED_ENTRY)
def budget_ballot_entry(
    request: HttpRequest, organization: Organization, slug: str, envelope_id: int
) -> HttpResponse:
    """Key in paper ballots (twice, by two people) or, during a mediation session, record
    the ballot of a person at the tablet (channel "assisted")."""
    budget = _budget(request, organization, slug, ProcessAction.VIEW)
    envelope = selectors.envelope_get(budget=budget, pk=envelope_id)
    session = mediation_session_open(organization=organization, mediator=request.user)
    assisted = request.GET.get("canal") == Channel.ASSISTED and session is not None
    form = PaperBallotForm(
        request.POST or None,
        envelope=envelope,
        projects=selectors.ballot_projects(envelope=envelope),
        assisted=assisted,
    )
    if request.method == "POST" and form.is_valid():
        try:
            if assisted:
                ballot = services.assisted_ballot_record(
                    envelope=envelope,
                    session=session,
                    mediator=request.user,
                    selections=form.selections(),
                    paper_ref=form.cleaned_data["paper_ref"],
                    confirmed=form.cleaned_data["confirmed"],
                )
                messages.success(
                    request,
                    _("Ballot recorded (number %(ref)s). Thank the person.")
                    % {"ref": ballot.paper_ref or ballot.pk},
                )
            else:
                entry = services.paper_ballot_enter(
                    envelope=envelope,
                    paper_ref=form.cleaned_data["paper_ref"],
                    selections=form.selections(),
                    entered_by=request.user,
                )
                text = {
                    PaperEntry.Status.PENDING: _(
                        "Ballot %(ref)s keyed once; another person keys it again to count it."
                    ),
                    PaperEntry.Status.CONFIRMED: _(
                        "Ballot %(ref)s: both keyings agree, it is counted."
                    ),
                    PaperEntry.Status.CONFLICT: _(
                        "Ballot %(ref)s: the keyings differ. Get the paper ballot out and have "
                        "a third person key it."
                    ),
                }[PaperEntry.Status(entry.status)]
                level = messages.WARNING if entry.status == "conflict" else messages.SUCCESS
                messages.add_message(request, level, text % {"ref": entry.paper_ref})
            return redirect(request.get_full_path())
        except ValidationError as error:
            apply_validation_error(form, error)
    paper = selectors.paper_entries_open(envelope=envelope)
    total = form.selected_total()
    return render(
        request,
        "backoffice/budget_ballot_entry.html",
        _context(
            request,
            organization,
            process=budget.process,
            budget=budget,
            envelope=envelope,
            envelopes=selectors.envelopes_of(budget=budget),
            form=form,
            assisted=assisted,
            session=session,
            conflicts=paper["conflicts"],
            pending=paper["pending"],
            counts=selectors.vote_counts(envelope=envelope),
            kiosk=assisted,
            # the running total of a knapsack ballot, as on the public ballot page
            total=euros(total),
            left=euros(max(envelope.amount - total, 0)),
            over=total > envelope.amount,
            amount=euros(envelope.amount),
        ),
    )
