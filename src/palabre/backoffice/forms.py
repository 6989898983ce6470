from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.organizations.models import LegalPage, Organization
from palabre.organizations.roles import Role
from palabre.processes.models import Phase, Process, Theme

MAX_LOGO_BYTES = 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProcessCreateForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Template"), choices=Process.Template.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question asked"),
        max_length=300,
        help_text=_("The question participants answer, in one sentence."),
    )
    start_date = forms.DateField(
        label=_("First day"),
        widget=DateInput(),
        help_text=_("Phases are scheduled from this date."),
    )


class ProcessFramingForm(forms.ModelForm):
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Process
        fields = [
            "title",
            "question",
            "objective",
            "open_to_discussion",
            "decision_maker",
            "decision_date",
            "visibility",
        ]
        widgets = {"decision_date": DateInput(), "visibility": forms.RadioSelect}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        themes.queryset = Theme.objects.filter(organization=organization)
        if self.instance.pk:
            self.fields["themes"].initial = list(self.instance.themes.all())


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["title", "kind", "start_date", "end_date", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end must come after the start."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Process.Status.choices)


class LegalPageForm(forms.ModelForm):
    class Meta:
        model = LegalPage
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "population",
            "insee_code",
            "primary_colour",
            "contact_email",
            "website",
            "description",
            "logo",
        ]
        widgets = {"primary_colour": forms.TextInput(attrs={"type": "color"})}

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must weigh 1 MB at most."))
        return logo


class NeighbourhoodForm(forms.Form):
    name = forms.CharField(label=_("New neighbourhood"), max_length=120)
    population = forms.IntegerField(label=_("Population"), required=False, min_value=0)


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("New theme"), max_length=100)


class MemberGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("The person must already have an account on this site."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r != Role.CITIZEN]
    )
