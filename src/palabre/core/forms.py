"""Accessible form rendering: labels, hints and errors tied with aria attributes."""

from django.forms.renderers import TemplatesSetting


class PalabreFormRenderer(TemplatesSetting):
    form_template_name = "palabre/forms/form.html"
    field_template_name = "palabre/forms/field.html"
