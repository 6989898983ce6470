from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "palabre.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from palabre.contributions.signals import contribution_published

        from .services import on_contribution_published

        contribution_published.connect(
            on_contribution_published, dispatch_uid="notifications.contribution_published"
        )
