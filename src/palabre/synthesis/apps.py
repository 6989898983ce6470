from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthesisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "palabre.synthesis"
    label = "synthesis"
    verbose_name = _("Analysis and synthesis")

    def ready(self) -> None:
        from palabre.accounts.signals import account_anonymised, personal_data_export

        from . import personal_data

        personal_data_export.connect(personal_data.export, dispatch_uid="synthesis.export")
        account_anonymised.connect(personal_data.forget, dispatch_uid="synthesis.forget")
