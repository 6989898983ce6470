"""Meetings on the public site: details, accessibility, registration, minutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palabre.contributions.selectors import contributions_of_meeting
from palabre.core.http import require_post
from palabre.organizations.selectors import organization_get
from palabre.processes import services
from palabre.processes.selectors import meeting_get, meeting_registered, process_get_for_user


def meeting_detail(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    meeting = meeting_get(process=process, pk=pk)
    registered = meeting_registered(meeting=meeting, user=request.user)
    contributions = contributions_of_meeting(user=request.user, process=process, meeting=meeting)
    seats_left = None
    if meeting.capacity is not None:
        seats_left = max(meeting.capacity - meeting.n_registrations, 0)
    return render(
        request,
        "web/meeting_detail.html",
        {
            "organization": organization,
            "process": process,
            "meeting": meeting,
            "registered": registered,
            "seats_left": seats_left,
            "contributions": contributions,
        },
    )


@login_required
@require_post
def meeting_registration(request: HttpRequest, org: str, slug: str, pk: int) -> HttpResponse:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    meeting = meeting_get(process=process, pk=pk)
    if request.POST.get("action") == "cancel":
        services.meeting_unregister(meeting=meeting, user=request.user)
        messages.success(request, _("Your registration is cancelled."))
    else:
        try:
            services.meeting_register(meeting=meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You are registered. See you there!"))
    return redirect("meeting_detail", org=org, slug=slug, pk=pk)
