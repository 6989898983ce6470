from __future__ import annotations

import json
from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.accounts.forms import AccountDeleteForm, ProfileForm
from palabre.accounts.models import User
from palabre.accounts.services import (
    user_delete_account,
    user_export_data,
    user_profile_update,
)
from palabre.core.http import attachment
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action
from palabre.organizations.selectors import organizations_for_staff


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_profile_update(user=cast(User, request.user), **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    staff_organizations = [
        o
        for o in organizations_for_staff(user=request.user)
        if organization_user_can(request.user, o, Action.VIEW_BACKOFFICE)
    ]
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "staff_organizations": staff_organizations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data = user_export_data(user=cast(User, request.user))
        payload = json.dumps(data, ensure_ascii=False, indent=2)
        stamp = timezone.now().strftime("%Y-%m-%d")
        return attachment(payload, f"palabre-mes-donnees-{stamp}.json")
    return render(request, "accounts/data_export.html")


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_delete_account(user=cast(User, request.user))
        logout(request)
        messages.success(
            request,
            _("Your account has been deleted. Your contributions stay online without your name."),
        )
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
