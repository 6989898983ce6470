from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "palabre.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self) -> None:
        from palabre.processes.signals import process_archived

        from .services import follow_up_contacts_forget

        process_archived.connect(
            follow_up_contacts_forget, dispatch_uid="contributions.follow_up_contacts_forget"
        )
