"""Accessible form rendering: labels, hints and errors tied with aria attributes."""

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class PalabreFormRenderer(TemplatesSetting):
    form_template_name = "palabre/forms/form.html"
    field_template_name = "palabre/forms/field.html"


def apply_validation_error(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when there is one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
