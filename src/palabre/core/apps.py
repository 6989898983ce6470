from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "palabre.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib import admin
        from django.http import HttpRequest

        from . import lookups

        lookups.register()

        def superusers_only(request: HttpRequest) -> bool:
            user = request.user
            return bool(user.is_active and user.is_superuser)

        # The Django admin is for superusers only; agents use the back-office ("espace agent").
        admin.site.has_permission = superusers_only  # type: ignore[method-assign]
        admin.site.site_header = "Palabre — administration technique"
