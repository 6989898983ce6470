"""A participant's optional answers about themselves (age, sex, neighbourhood), with
consent, per local government: they help count who takes part, never shown with a name."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.core.forms import apply_validation_error
from palabre.core.ratelimit import rate_limit
from palabre.evaluation import services
from palabre.evaluation.forms import ProfileForm
from palabre.evaluation.selectors import feedback_answer_of, profile_of
from palabre.organizations.selectors import organization_get


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, org: str) -> HttpResponse:
    organization = organization_get(slug=org)
    user: Any = request.user  # signed in (login_required)
    existing = profile_of(organization=organization, user=user)
    initial = (
        {
            "age_band": existing.age_band,
            "sex": existing.sex,
            "neighbourhood": existing.neighbourhood_id,
            "consent": True,
        }
        if existing
        else {}
    )
    form = ProfileForm(request.POST or None, organization=organization, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.profile_delete(organization=organization, user=request.user)
            messages.success(request, _("Your answers are deleted."))
            return redirect(request.path)
        if form.is_valid():
            try:
                services.profile_save(
                    organization=organization, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Thank you: your answers help us see who takes part."))
                return redirect(request.path)
    return render(
        request,
        "evaluation/profile.html",
        {"organization": organization, "form": form, "existing": existing},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("feedback")
def feedback(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    """The standard feedback survey of a process, after its restitution."""
    from palabre.evaluation.forms import FeedbackForm
    from palabre.processes.selectors import process_get_for_user

    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    user: Any = request.user
    existing = feedback_answer_of(process=process, respondent=user)
    form = FeedbackForm(request.POST or None, instance=existing)
    closed = services.feedback_closed_reason(process)
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.feedback_submit(process=process, respondent=user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Thank you for telling us how it went."))
            return redirect("process_detail", org=org, slug=slug)
    return render(
        request,
        "evaluation/feedback.html",
        {"organization": organization, "process": process, "form": form, "closed": closed},
    )
