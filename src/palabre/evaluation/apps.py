from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "palabre.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from palabre.accounts.signals import account_anonymised, personal_data_export

        from . import personal_data

        personal_data_export.connect(personal_data.export, dispatch_uid="evaluation.export")
        personal_data_export.connect(
            personal_data.export_feedback, dispatch_uid="evaluation.export_feedback"
        )
        account_anonymised.connect(personal_data.forget, dispatch_uid="evaluation.forget")

        from palabre.opinions.signals import voter_segments

        from .selectors import profile_segments

        voter_segments.connect(profile_segments, dispatch_uid="evaluation.voter_segments")
