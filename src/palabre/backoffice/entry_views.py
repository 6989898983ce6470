"""Back-office: meetings, typing in paper and meeting contributions, and the mediators'
assisted mode (a kiosk-style flow for a tablet)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.contributions import services as contribution_services
from palabre.contributions.models import MediationSession
from palabre.contributions.rules import Activity, activity_closed_reason
from palabre.contributions.selectors import (
    contributions_entered_by,
    mediation_session_open,
    processes_open_for_mediation,
    session_contribution_count,
)
from palabre.core.forms import apply_validation_error
from palabre.core.http import require_post
from palabre.organizations.models import Organization
from palabre.organizations.roles import Action
from palabre.processes import services as process_services
from palabre.processes.selectors import (
    ProcessAction,
    meeting_get,
    meetings_of,
    process_get_for_user,
    registrations_of,
)

from . import forms
from .views import _context, backoffice


@backoffice(Action.MANAGE_PROCESSES)
def meetings(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    return render(
        request,
        "backoffice/meetings.html",
        _context(request, organization, process=process, meetings=meetings_of(process=process)),
    )


@backoffice(Action.MANAGE_PROCESSES)
def meeting_edit(
    request: HttpRequest, organization: Organization, slug: str, pk: int | None = None
) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    meeting = meeting_get(process=process, pk=pk) if pk else None
    what = request.POST.get("what", "meeting")
    form = forms.MeetingForm(
        request.POST if what == "meeting" else None, instance=meeting, organization=organization
    )
    minutes_form = forms.MinutesForm(
        request.POST if what == "minutes" else None,
        initial={"minutes": meeting.minutes if meeting else ""},
    )
    if request.method == "POST":
        try:
            if what == "minutes" and meeting is not None and minutes_form.is_valid():
                process_services.meeting_publish_minutes(
                    meeting=meeting, minutes=minutes_form.cleaned_data["minutes"]
                )
                messages.success(request, _("The minutes are published."))
                return redirect(request.path)
            if what == "meeting" and form.is_valid():
                saved = process_services.meeting_save(
                    process=process, meeting=meeting, **form.cleaned_data
                )
                messages.success(request, _("The meeting was saved."))
                return redirect(
                    "backoffice:meeting_edit", org=organization.slug, slug=slug, pk=saved.pk
                )
        except ValidationError as error:
            apply_validation_error(minutes_form if what == "minutes" else form, error)
    return render(
        request,
        "backoffice/meeting_edit.html",
        _context(
            request,
            organization,
            process=process,
            meeting=meeting,
            form=form,
            minutes_form=minutes_form,
            registrations=registrations_of(meeting=meeting) if meeting else [],
        ),
    )


@backoffice(Action.ASSISTED_ENTRY)
def bulk_entry(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    """Type in what a meeting or a pile of paper forms produced, many contributions at once."""
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    initial = {}
    if request.GET.get("reunion", "").isdigit():
        initial = {"meeting": int(request.GET["reunion"]), "channel": "meeting"}
    form = forms.BulkEntryForm(request.POST or None, process=process, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = contribution_services.contributions_enter(
                process=process, entered_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d contribution was recorded.",
                    "%(n)d contributions were recorded.",
                    len(created),
                )
                % {"n": len(created)},
            )
            return redirect(request.path)
    recent = contributions_entered_by(process=process, user=request.user)[:20]
    return render(
        request,
        "backoffice/bulk_entry.html",
        _context(request, organization, process=process, form=form, recent=recent),
    )


def _active_session(request: HttpRequest, organization: Organization) -> MediationSession | None:
    return mediation_session_open(organization=organization, mediator=request.user)


@backoffice(Action.ASSISTED_ENTRY)
def mediation(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The mediator's home: start a session, then pick the process to contribute to."""
    session = _active_session(request, organization)
    form = forms.MediationStartForm(request.POST or None)
    if request.method == "POST" and session is None and form.is_valid():
        try:
            contribution_services.mediation_start(
                organization=organization, mediator=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("backoffice:mediation", org=organization.slug)
    open_processes = (
        processes_open_for_mediation(user=request.user, organization=organization)
        if session is not None
        else []
    )
    return render(
        request,
        "backoffice/mediation.html",
        _context(
            request,
            organization,
            session=session,
            form=form,
            open_processes=open_processes,
            recorded=session_contribution_count(session=session) if session else 0,
            kiosk=True,
        ),
    )


@require_post
@backoffice(Action.ASSISTED_ENTRY)
def mediation_end(request: HttpRequest, organization: Organization) -> HttpResponse:
    session = _active_session(request, organization)
    if session is not None:
        contribution_services.mediation_end(session=session)
        recorded = session_contribution_count(session=session)
        messages.success(
            request,
            ngettext(
                "Session ended: %(n)d contribution recorded. Thank you!",
                "Session ended: %(n)d contributions recorded. Thank you!",
                recorded,
            )
            % {"n": recorded},
        )
    return redirect("backoffice:mediation", org=organization.slug)


@backoffice(Action.ASSISTED_ENTRY)
def assisted_idea(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    session = _active_session(request, organization)
    if session is None:
        messages.error(request, _("Start a mediation session first."))
        return redirect("backoffice:mediation", org=organization.slug)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    form = forms.AssistedIdeaForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contribution_services.assisted_idea_record(
                session=session, mediator=request.user, process=process, **data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("Recorded. Thank the person; the form is ready for the next one.")
            )
            return redirect(request.path)
    return render(
        request,
        "backoffice/assisted_idea.html",
        _context(
            request,
            organization,
            session=session,
            process=process,
            form=form,
            closed=activity_closed_reason(process, Activity.SUBMIT_IDEA),
            kiosk=True,
        ),
    )
