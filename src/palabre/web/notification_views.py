"""Following processes, themes and ideas; the notifications page; one-click unsubscribe."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from palabre.contributions.selectors import idea_get_for_user
from palabre.core.http import require_post
from palabre.notifications import services
from palabre.notifications.models import Preference
from palabre.notifications.selectors import notifications_of
from palabre.notifications.tasks import notification_url
from palabre.organizations.selectors import organization_get
from palabre.processes.selectors import process_get_for_user, theme_get


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_post
def follow(request: HttpRequest, org: str, slug: str, pk: int | None = None) -> HttpResponse:
    """Follow (or stop following) a process, or one of its ideas when `pk` is given, or one
    of its themes when the form sends `theme`."""
    organization = organization_get(slug=org)
    process = process_get_for_user(user=request.user, organization=organization, slug=slug)
    following = request.POST.get("follow") == "1"
    target: object = process
    if pk is not None:
        target = idea_get_for_user(user=request.user, process=process, pk=pk)
    elif request.POST.get("theme"):
        target = theme_get(organization=organization, slug=request.POST["theme"])
    services.follow_set(user=request.user, target=target, following=following)
    if following:
        messages.success(request, _("You will be notified of what happens here."))
    else:
        messages.success(request, _("You no longer follow this."))
    return _back(request, request.path.rsplit("suivre/", 1)[0])


class PreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=gettext_lazy("Notification e-mails"),
        choices=Preference.Frequency.choices,
        widget=forms.RadioSelect,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(
        request.POST if request.POST.get("what") == "preference" else None,
        initial={"email_frequency": services.frequency_of(request.user)},
    )
    if request.method == "POST":
        if request.POST.get("what") == "read":
            services.notifications_mark_read(user=request.user)
            messages.success(request, _("All notifications are marked as read."))
            return redirect("notifications:list")
        if form.is_valid():
            services.preference_set(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your choice is saved."))
            return redirect("notifications:list")
    page = Paginator(notifications_of(user=request.user), 30).get_page(request.GET.get("page"))
    items = [{"n": n, "url": notification_url(n)} for n in page.object_list]
    # reading the page writes nothing (a GET is a read): "Mark all as read" does it
    return render(request, "notifications/list.html", {"page": page, "items": items, "form": form})


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            services.unsubscribe(token=token)
        except ValidationError as error:
            return render(
                request, "notifications/unsubscribe.html", {"error": error.messages[0]}, status=400
            )
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"token": token})
