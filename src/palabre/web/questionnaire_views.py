"""Answering a questionnaire, its results and its printable paper form (public site)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.contributions.rules import IDEA_TEMPLATES, Activity, activity_closed_reason
from palabre.core.forms import apply_validation_error
from palabre.core.ratelimit import rate_limit
from palabre.organizations.selectors import organization_get
from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user
from palabre.questionnaires import services
from palabre.questionnaires.forms import ResponseForm
from palabre.questionnaires.paper import idea_box_pdf, questionnaire_pdf
from palabre.questionnaires.selectors import (
    questionnaire_blocks,
    questionnaire_results,
    response_of,
    results_visible_to,
)


def _questionnaire(request: HttpRequest, org: str, slug: str) -> Process:
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    if process.template != Process.Template.QUESTIONNAIRE:
        raise Http404(_("This participation process has no questionnaire."))
    return process


@require_http_methods(["GET", "POST"])
@rate_limit("questionnaire")
def questionnaire_answer(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    process = _questionnaire(request, org, slug)
    closed = activity_closed_reason(process, Activity.ANSWER)
    existing = response_of(user=request.user, process=process)
    blocks = questionnaire_blocks(process=process)
    form = ResponseForm(request.POST or None, blocks=blocks)
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not closed and existing is None and form.is_valid():
            try:
                services.response_submit(
                    process=process,
                    answers=form.answers,
                    respondent=request.user,
                    token=form.cleaned_data.get("token"),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Thank you, your answers are recorded."))
                return redirect("process_detail", org=org, slug=slug)
    status = 403 if request.method == "POST" and (closed or existing is not None) else 200
    return render(
        request,
        "web/questionnaire_form.html",
        {
            "organization": process.organization,
            "process": process,
            "form": form,
            "layout": form.layout(),
            "closed": closed,
            "existing": existing,
            "results_visible": results_visible_to(user=request.user, process=process),
        },
        status=status,
    )


def questionnaire_results_page(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    process = _questionnaire(request, org, slug)
    if not results_visible_to(user=request.user, process=process):
        raise PermissionDenied(_("The results are published when the questionnaire closes."))
    channel = request.GET.get("canal", "")
    from palabre.core.models import Channel

    if channel not in Channel.values:
        channel = ""
    return render(
        request,
        "web/questionnaire_results.html",
        {
            "organization": process.organization,
            "process": process,
            "results": questionnaire_results(process=process, channel=channel),
            "channel": channel,
            "channels": list(Channel),
        },
    )


def paper_form(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """The printable paper form (PDF) of a questionnaire or of an idea box."""
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    if process.template == Process.Template.QUESTIONNAIRE:
        pdf = questionnaire_pdf(process=process, blocks=questionnaire_blocks(process=process))
    elif process.template in IDEA_TEMPLATES:
        pdf = idea_box_pdf(process=process)
    else:
        raise Http404(_("This participation process has no paper form."))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{process.slug}-formulaire.pdf"'
    return response
