from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "palabre.budgets"
    label = "budgets"
    verbose_name = _("Participatory budgets")

    def ready(self) -> None:
        from palabre.accounts.signals import account_anonymised, personal_data_export

        from . import personal_data

        personal_data_export.connect(personal_data.export, dispatch_uid="budgets.export")
        account_anonymised.connect(personal_data.forget, dispatch_uid="budgets.forget")
