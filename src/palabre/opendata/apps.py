from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "palabre.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from palabre.processes.signals import process_closed

        from .services import on_process_closed

        process_closed.connect(on_process_closed, dispatch_uid="opendata.process_closed")
