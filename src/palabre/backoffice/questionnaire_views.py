"""Back-office: building a questionnaire and typing in paper, meeting or assisted answers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palabre.contributions.selectors import mediation_session_open
from palabre.core.forms import apply_validation_error
from palabre.core.http import require_post
from palabre.organizations.models import Organization
from palabre.organizations.roles import Action
from palabre.processes.models import Process
from palabre.processes.selectors import ProcessAction, process_get_for_user
from palabre.questionnaires import services
from palabre.questionnaires.forms import QuestionForm, ResponseForm, SectionForm
from palabre.questionnaires.selectors import (
    question_get,
    questionnaire_blocks,
    questions_of,
    responses_entered_count,
    sections_of,
)

from .forms import ResponseEntryForm
from .views import _context, backoffice


def _questionnaire(
    request: HttpRequest,
    organization: Organization,
    slug: str,
    action: ProcessAction = ProcessAction.VIEW,
) -> Process:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=action
    )
    if process.template != Process.Template.QUESTIONNAIRE:
        raise Http404(_("This participation process has no questionnaire."))
    return process


@backoffice(Action.MANAGE_PROCESSES)
def questionnaire_edit(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = _questionnaire(request, organization, slug, ProcessAction.CHANGE)
    what = request.POST.get("what")
    question_form = QuestionForm(
        request.POST if what == "question" else None, process=process, prefix="question"
    )
    section_form = SectionForm(request.POST if what == "section" else None, prefix="section")
    if request.method == "POST":
        try:
            if what == "question" and question_form.is_valid():
                services.question_create(process=process, **question_form.service_kwargs())
                messages.success(request, _("The question was added."))
                return redirect(request.path)
            if what == "section" and section_form.is_valid():
                services.section_create(process=process, **section_form.cleaned_data)
                messages.success(request, _("The section was added."))
                return redirect(request.path)
        except ValidationError as error:
            apply_validation_error(question_form if what == "question" else section_form, error)
    return render(
        request,
        "backoffice/questionnaire_edit.html",
        _context(
            request,
            organization,
            process=process,
            questions=questions_of(process=process),
            sections=sections_of(process=process),
            question_form=question_form,
            section_form=section_form,
        ),
    )


@backoffice(Action.MANAGE_PROCESSES)
def question_edit(
    request: HttpRequest, organization: Organization, slug: str, pk: int
) -> HttpResponse:
    process = _questionnaire(request, organization, slug, ProcessAction.CHANGE)
    question = question_get(process=process, pk=pk)
    form = QuestionForm(request.POST or None, process=process, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, **form.service_kwargs())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect("backoffice:questionnaire_edit", org=organization.slug, slug=slug)
    return render(
        request,
        "backoffice/question_edit.html",
        _context(request, organization, process=process, question=question, form=form),
    )


@require_post
@backoffice(Action.MANAGE_PROCESSES)
def question_change(
    request: HttpRequest, organization: Organization, slug: str, pk: int
) -> HttpResponse:
    """Move a question up or down, or delete it (`action` = up | down | delete)."""
    process = _questionnaire(request, organization, slug, ProcessAction.CHANGE)
    question = question_get(process=process, pk=pk)
    action = request.POST.get("action")
    try:
        if action in {"up", "down"}:
            services.question_move(question=question, offset=-1 if action == "up" else 1)
        elif action == "delete":
            services.question_delete(question=question)
            messages.success(request, _("The question was deleted."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:questionnaire_edit", org=organization.slug, slug=slug)


@backoffice(Action.ASSISTED_ENTRY)
def response_entry(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    """Typing answers in, one respondent after another: after each save the page comes back
    empty, keeping the channel and neighbourhood, with the count entered in this session."""
    process = _questionnaire(request, organization, slug)
    data = request.POST if request.method == "POST" else None
    sticky = request.session.get("entry_defaults", {})
    if request.GET.get("canal") in services.STAFF_CHANNELS:
        sticky = {**sticky, "channel": request.GET["canal"]}
    entry = ResponseEntryForm(data, organization=organization, initial=sticky)
    form = ResponseForm(data, blocks=questionnaire_blocks(process=process))
    if request.method == "POST" and entry.is_valid() and form.is_valid():
        try:
            response = services.response_submit(
                process=process,
                answers=form.answers,
                channel=entry.cleaned_data["channel"],
                entered_by=request.user,
                neighbourhood=entry.cleaned_data["neighbourhood"],
                source_ref=entry.cleaned_data["source_ref"],
                token=form.cleaned_data.get("token"),
                consent=entry.cleaned_data["consent"],
                mediation=mediation_session_open(organization=organization, mediator=request.user),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            for field in ("source_ref", "consent"):
                if hasattr(error, "error_dict") and field in error.error_dict:
                    entry.add_error(field, error.error_dict[field])
        else:
            neighbourhood = entry.cleaned_data["neighbourhood"]
            request.session["entry_defaults"] = {
                "channel": entry.cleaned_data["channel"],
                "neighbourhood": neighbourhood.pk if neighbourhood else None,
            }
            messages.success(
                request, _("Response no. %(n)d was recorded. Next one:") % {"n": response.pk}
            )
            return redirect(request.path)
    return render(
        request,
        "backoffice/response_entry.html",
        _context(
            request,
            organization,
            process=process,
            entry=entry,
            form=form,
            layout=form.layout(),
            entered=responses_entered_count(process=process, user=request.user),
        ),
    )
