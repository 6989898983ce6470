"""The agents' back-office ("espace agent"): thin views over the domain services.

Every view starts from `organization_get_for_user` (403 for a user without the right role,
login redirect for anonymous visitors); nothing here reads roles itself.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from palabre.accounts.selectors import mfa_missing, user_active_by_email, user_has_mfa
from palabre.core.forms import apply_validation_error
from palabre.core.http import require_post
from palabre.organizations import services as org_services
from palabre.organizations.models import Organization
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action
from palabre.organizations.selectors import (
    legal_page_get,
    legal_pages_of,
    members_of,
    membership_get,
    neighbourhood_get,
    neighbourhoods_of,
    organization_get_for_user,
)
from palabre.processes import services as process_services
from palabre.processes.blueprints import BLUEPRINTS
from palabre.processes.models import Process
from palabre.processes.selectors import (
    ProcessAction,
    phase_get,
    phases_of,
    process_get_for_user,
    processes_with_counts,
    themes_of,
)

from . import forms

View = Callable[..., Any]


def backoffice(action: Action) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(
            request: HttpRequest, org: str, *args: Any, **kwargs: Any
        ) -> HttpResponse | StreamingHttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organization = organization_get_for_user(user=request.user, slug=org, action=action)
            if mfa_missing(user=request.user, organization=organization):
                messages.warning(
                    request,
                    _(
                        "Your role opens the agents' space of %(name)s: first protect your "
                        "account with an authenticator app (two-factor authentication)."
                    )
                    % {"name": organization.name},
                )
                return redirect("mfa_activate_totp")
            return view(request, organization, *args, **kwargs)

        return wrapper

    return decorator


def _context(request: HttpRequest, organization: Organization, **extra: Any) -> dict[str, Any]:
    can = {a.value: organization_user_can(request.user, organization, a) for a in Action}
    return {"organization": organization, "can": can, "backoffice": True, **extra}


@backoffice(Action.VIEW_BACKOFFICE)
def dashboard(request: HttpRequest, organization: Organization) -> HttpResponse:
    processes = processes_with_counts(user=request.user, organization=organization)
    by_status = {s: [p for p in processes if p.status == s] for s in Process.Status}
    return render(
        request,
        "backoffice/dashboard.html",
        _context(
            request,
            organization,
            processes=processes,
            by_status=by_status,
            suggest_mfa=not user_has_mfa(user=request.user),
        ),
    )


@backoffice(Action.MANAGE_PROCESSES)
def process_create(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = forms.ProcessCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = process_services.process_create(
                organization=organization, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The process was created as a draft."))
            return redirect("backoffice:process_edit", org=organization.slug, slug=process.slug)
    return render(
        request,
        "backoffice/process_create.html",
        _context(request, organization, form=form, blueprints=BLUEPRINTS),
    )


@backoffice(Action.MANAGE_PROCESSES)
def process_edit(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    form = forms.ProcessFramingForm(
        request.POST or None, instance=process, organization=organization
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        themes = list(data.pop("themes"))
        try:
            process_services.process_update(process=process, themes=themes, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The process was saved."))
            return redirect("backoffice:process_edit", org=organization.slug, slug=process.slug)
    transitions = sorted(process_services.ALLOWED_TRANSITIONS[process.status])
    return render(
        request,
        "backoffice/process_edit.html",
        _context(
            request,
            organization,
            process=process,
            form=form,
            phases=phases_of(process=process),
            transitions=[Process.Status(t) for t in transitions],
        ),
    )


@require_post
@backoffice(Action.MANAGE_PROCESSES)
def process_status(request: HttpRequest, organization: Organization, slug: str) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
    else:
        try:
            process = process_services.process_set_status(
                process=process, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Status changed to “%(status)s”.") % {"status": process.get_status_display()},
            )
    return redirect("backoffice:process_edit", org=organization.slug, slug=process.slug)


@backoffice(Action.MANAGE_PROCESSES)
def phase_edit(
    request: HttpRequest, organization: Organization, slug: str, phase_id: int | None = None
) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    phase = phase_get(process=process, pk=phase_id) if phase_id else None
    form = forms.PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if phase is None:
                process_services.phase_add(process=process, **data)
            else:
                process_services.phase_update(phase=phase, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The phase was saved."))
            return redirect("backoffice:process_edit", org=organization.slug, slug=process.slug)
    return render(
        request,
        "backoffice/phase_edit.html",
        _context(request, organization, process=process, phase=phase, form=form),
    )


@require_post
@backoffice(Action.MANAGE_PROCESSES)
def phase_delete(
    request: HttpRequest, organization: Organization, slug: str, phase_id: int
) -> HttpResponse:
    process = process_get_for_user(
        user=request.user, organization=organization, slug=slug, action=ProcessAction.CHANGE
    )
    phase = phase_get(process=process, pk=phase_id)
    process_services.phase_delete(phase=phase)
    messages.success(request, _("The phase was deleted."))
    return redirect("backoffice:process_edit", org=organization.slug, slug=process.slug)


@backoffice(Action.EDIT_LEGAL_PAGES)
def legal_pages(request: HttpRequest, organization: Organization) -> HttpResponse:
    pages = legal_pages_of(organization=organization)
    return render(
        request, "backoffice/legal_pages.html", _context(request, organization, pages=pages)
    )


@backoffice(Action.EDIT_LEGAL_PAGES)
def legal_page_edit(request: HttpRequest, organization: Organization, kind: str) -> HttpResponse:
    page = legal_page_get(organization=organization, kind=kind)
    form = forms.LegalPageForm(request.POST or None, instance=page)
    if request.method == "POST" and form.is_valid():
        org_services.legal_page_update(page=page, updated_by=request.user, **form.cleaned_data)
        messages.success(request, _("The page was saved."))
        return redirect("backoffice:legal_pages", org=organization.slug)
    return render(
        request,
        "backoffice/legal_page_edit.html",
        _context(request, organization, page=page, form=form),
    )


@backoffice(Action.MANAGE_ORGANIZATION)
def organization_settings(request: HttpRequest, organization: Organization) -> HttpResponse:
    # the form validates a copy: the page shows the stored settings until they are saved
    form = forms.OrganizationForm(
        request.POST or None, request.FILES or None, instance=copy(organization)
    )
    neighbourhood_form = forms.NeighbourhoodForm(prefix="n")
    theme_form = forms.ThemeForm(prefix="t")
    if request.method == "POST":
        action = request.POST.get("action", "settings")
        if action == "neighbourhood":
            neighbourhood_form = forms.NeighbourhoodForm(request.POST, prefix="n")
            if neighbourhood_form.is_valid():
                org_services.neighbourhood_create(
                    organization=organization, actor=request.user, **neighbourhood_form.cleaned_data
                )
                messages.success(request, _("The neighbourhood was added."))
                return redirect("backoffice:organization_settings", org=organization.slug)
        elif action == "theme":
            theme_form = forms.ThemeForm(request.POST, prefix="t")
            if theme_form.is_valid():
                process_services.theme_get_or_create(
                    organization=organization, **theme_form.cleaned_data
                )
                messages.success(request, _("The theme was added."))
                return redirect("backoffice:organization_settings", org=organization.slug)
        elif form.is_valid():
            org_services.organization_update(
                organization=organization, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("The settings were saved."))
            return redirect("backoffice:organization_settings", org=organization.slug)
    return render(
        request,
        "backoffice/organization_settings.html",
        _context(
            request,
            organization,
            form=form,
            neighbourhood_form=neighbourhood_form,
            theme_form=theme_form,
            neighbourhoods=neighbourhoods_of(organization=organization),
            themes=themes_of(organization=organization),
        ),
    )


@require_post
@backoffice(Action.MANAGE_ORGANIZATION)
def neighbourhood_delete(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    neighbourhood = neighbourhood_get(organization=organization, pk=pk)
    try:
        org_services.neighbourhood_delete(neighbourhood=neighbourhood, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The neighbourhood was deleted."))
    return redirect("backoffice:organization_settings", org=organization.slug)


@backoffice(Action.MANAGE_MEMBERS)
def members(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = forms.MemberGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_active_by_email(email=form.cleaned_data["email"])
        if user is None:
            form.add_error("email", _("No active account uses this address."))
        else:
            org_services.membership_grant(
                organization=organization,
                user=user,
                role=form.cleaned_data["role"],
                granted_by=request.user,
            )
            messages.success(request, _("The role was granted; the person is told by e-mail."))
            return redirect("backoffice:members", org=organization.slug)
    return render(
        request,
        "backoffice/members.html",
        _context(
            request, organization, form=form, memberships=members_of(organization=organization)
        ),
    )


@require_post
@backoffice(Action.MANAGE_MEMBERS)
def member_revoke(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    membership = membership_get(organization=organization, pk=pk)
    try:
        org_services.membership_revoke(membership=membership, revoked_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("backoffice:members", org=organization.slug)


@backoffice(Action.MANAGE_ORGANIZATION)
def audit_log(request: HttpRequest, organization: Organization) -> HttpResponse:
    """The audit log ("journal d'audit"), for administrators: newest first, 50 a page."""
    from django.core.paginator import Paginator

    from palabre.organizations.audit import audit_rows
    from palabre.organizations.selectors import audit_events_of

    page = Paginator(audit_events_of(organization=organization), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "backoffice/audit_log.html",
        _context(request, organization, page=page, rows=audit_rows(page)),
    )


@backoffice(Action.ANALYSE)
def corpus_export(
    request: HttpRequest, organization: Organization, slug: str
) -> HttpResponse | StreamingHttpResponse:
    """Download the whole corpus of a process (all channels) as CSV or XLSX, for the engine
    (`palabre synthesize`) or a spreadsheet. In CSV, a text that a spreadsheet would run as a
    formula gets a leading apostrophe; the XLSX keeps every text exact (ADR 0009)."""
    import io

    from palabre.contributions.selectors import CORPUS_COLUMNS, corpus_rows
    from palabre.core.spreadsheet import csv_dict_writer, xlsx_cells

    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    rows = corpus_rows(user=request.user, process=process)
    name = f"corpus-{organization.slug}-{process.slug}"
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("corpus")
        sheet.append(list(CORPUS_COLUMNS))
        for row in rows:
            sheet.append(xlsx_cells(sheet, [row[c] for c in CORPUS_COLUMNS]))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv_dict_writer(Echo(), fieldnames=CORPUS_COLUMNS)

    def lines() -> Any:
        yield "\ufeff" + writer.writeheader()
        for row in rows:
            yield writer.writerow(row)

    streaming = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return streaming


@backoffice(Action.MODERATE)
def moderation(request: HttpRequest, organization: Organization) -> HttpResponse:
    from palabre.moderation.selectors import (
        held_queue,
        hidden_of,
        moderation_log,
        moderation_queue,
    )

    return render(
        request,
        "backoffice/moderation.html",
        _context(
            request,
            organization,
            queue=moderation_queue(organization=organization)[:100],
            held=held_queue(organization=organization)[:100],
            hidden=hidden_of(organization=organization)[:50],
            log=moderation_log(organization=organization)[:50],
        ),
    )


@require_post
@backoffice(Action.MODERATE)
def moderation_act(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    from palabre.contributions.selectors import contribution_get
    from palabre.moderation import services as moderation_services

    contribution = contribution_get(organization=organization, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "hide":
            moderation_services.contribution_hide(
                contribution=contribution,
                moderator=request.user,
                public_reason=request.POST.get("public_reason", ""),
            )
            messages.success(
                request, _("The contribution is hidden; its public reason is shown instead.")
            )
        elif action == "restore":
            moderation_services.contribution_restore(
                contribution=contribution, moderator=request.user
            )
            messages.success(request, _("The contribution is visible again."))
        elif action == "release":
            moderation_services.contribution_release(
                contribution=contribution, moderator=request.user
            )
            messages.success(request, _("The contribution is published."))
        elif action == "dismiss":
            moderation_services.reports_dismiss(contribution=contribution, moderator=request.user)
            messages.success(
                request, _("The reports were dismissed; the contribution stays online.")
            )
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # e.g. the statements of an opinion map
    return redirect("backoffice:moderation", org=organization.slug)
