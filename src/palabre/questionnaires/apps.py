from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "palabre.questionnaires"
    label = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self) -> None:
        from palabre.accounts.signals import account_anonymised, personal_data_export

        from . import personal_data

        personal_data_export.connect(personal_data.export, dispatch_uid="questionnaires.export")
        account_anonymised.connect(personal_data.forget, dispatch_uid="questionnaires.forget")
