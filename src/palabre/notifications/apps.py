from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "palabre.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from palabre.contributions.signals import contribution_published
        from palabre.synthesis.signals import answer_given, synthesis_published

        from .services import on_answer_given, on_contribution_published, on_synthesis_published

        contribution_published.connect(
            on_contribution_published, dispatch_uid="notifications.contribution_published"
        )
        synthesis_published.connect(
            on_synthesis_published, dispatch_uid="notifications.synthesis_published"
        )
        answer_given.connect(on_answer_given, dispatch_uid="notifications.answer_given")

        from palabre.accounts.signals import account_anonymised, personal_data_export

        from . import personal_data

        personal_data_export.connect(personal_data.export, dispatch_uid="notifications.export")
        account_anonymised.connect(personal_data.forget, dispatch_uid="notifications.forget")
