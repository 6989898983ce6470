"""Root URLs. Organisation pages live under /<org-slug>/ (see organizations.RESERVED_SLUGS)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.i18n import set_language

from palabre.accounts.selectors import user_has_mfa
from palabre.api.api import api
from palabre.web import views as web_views

# The Django admin never signs anyone in with its own form: its login page sends to allauth's
# sign-in (its limits, its second factor), and it opens only to superusers and staff who have
# set up a second factor.
_admin_has_permission = admin.site.has_permission


def _admin_permission(request: HttpRequest) -> bool:
    return _admin_has_permission(request) and (
        not settings.PALABRE_STAFF_MFA_REQUIRED or user_has_mfa(user=request.user)
    )


def _admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    user = request.user
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if not user.is_authenticated:
        return redirect_to_login(next_url)
    if _admin_permission(request):
        return redirect(next_url)
    if user.is_active and user.is_staff:  # staff, but no second factor yet
        return redirect("mfa_activate_totp")
    raise PermissionDenied


admin.site.has_permission = _admin_permission  # type: ignore[method-assign]
admin.site.login = _admin_login  # type: ignore[method-assign]

handler400 = "palabre.core.views.bad_request"
handler403 = "palabre.core.views.permission_denied"
handler404 = "palabre.core.views.page_not_found"
handler500 = "palabre.core.views.server_error"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("mon-compte/notifications/", include("palabre.web.notification_urls")),
    path("mon-compte/", include("palabre.web.account_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("healthz", web_views.healthz, name="healthz"),
    path("<slug:org>/espace/", include("palabre.backoffice.urls")),
    path("<slug:org>/", include("palabre.web.urls")),
]

if not settings.PRODUCTION:
    # In production the reverse proxy (or the storage backend) serves uploads.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns.insert(
        0,
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    )
