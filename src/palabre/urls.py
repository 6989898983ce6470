"""Root URLs. Organisation pages live under /<org-slug>/ (see organizations.RESERVED_SLUGS)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from palabre.api.api import api
from palabre.web import views as web_views

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
