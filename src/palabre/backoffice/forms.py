from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution
from palabre.core.images import clean_image
from palabre.core.models import Channel
from palabre.organizations.models import LegalPage, Neighbourhood, Organization
from palabre.organizations.roles import Role
from palabre.processes.models import Meeting, Phase, Process, Theme
from palabre.questionnaires.services import STAFF_CHANNELS

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
            "map_latitude",
            "map_longitude",
            "map_zoom",
            "held_words",
        ]
        # a plain file field: clean_logo checks and re-encodes the image (Django's image field
        # would open it first and answer a decompression bomb with "not a valid image")
        field_classes = {"logo": forms.FileField}
        widgets = {
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["map_zoom"].required = False

    def clean_map_zoom(self) -> int:
        return self.cleaned_data.get("map_zoom") or 13

    def clean_logo(self) -> Any:
        """A new logo is re-encoded, as every uploaded image: only its pixels are kept (no
        EXIF, nothing appended after the image), and only JPEG, PNG or WebP (no SVG)."""
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):  # the stored logo, none, or "clear"
            return logo
        if logo.size and logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must weigh 1 MB at most."))
        try:
            return clean_image(logo, field="logo")
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


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


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "address",
            "neighbourhood",
            "accessibility",
            "capacity",
            "registration_open",
        ]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organization.neighbourhoods.all()


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Published on the meeting's page: who came, what was said, what comes next."),
    )


def _organization_choices(field: forms.Field, queryset: Any) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class BulkEntryForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(
        label=_("Where do these contributions come from?"),
        choices=[
            (Channel.MEETING.value, Channel.MEETING.label),
            (Channel.PAPER.value, Channel.PAPER.label),
        ],
        widget=forms.RadioSelect,
        initial=Channel.MEETING,
    )
    kind = forms.ChoiceField(
        label=_("They are"),
        choices=[
            (Contribution.Kind.IDEA.value, _("Ideas (the first line of each is its title)")),
            (Contribution.Kind.MEETING_NOTE.value, _("Notes (post-its, remarks, workshop notes)")),
        ],
        widget=forms.RadioSelect,
        initial=Contribution.Kind.IDEA,
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), required=False
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("Contributions"),
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=200_000,
        help_text=_(
            "One contribution per paragraph: leave an empty line between two. Type what was "
            "written, without names or contact details."
        ),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()
        _organization_choices(self.fields["meeting"], process.meetings.all())
        _organization_choices(self.fields["theme"], process.organization.themes.all())
        _organization_choices(
            self.fields["neighbourhood"], process.organization.neighbourhoods.all()
        )


class ResponseEntryForm(forms.Form):
    """How a typed-in questionnaire response was given (back-office entry)."""

    channel = forms.ChoiceField(
        label=_("How was this answered?"),
        choices=[(c.value, c.label) for c in Channel if c in STAFF_CHANNELS],
        initial=Channel.PAPER,
        widget=forms.RadioSelect,
    )
    source_ref = forms.CharField(
        label=_("Paper form number"),
        max_length=60,
        required=False,
        help_text=_("The number written in the box at the top of the paper form."),
    )
    consent = forms.BooleanField(
        label=_(
            "Assisted: the person agrees that their answers are recorded and published "
            "without their name."
        ),
        required=False,
    )
    neighbourhood: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False
    )

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["neighbourhood"].queryset = organization.neighbourhoods.all()  # type: ignore[attr-defined]


class MediationStartForm(forms.Form):
    place = forms.CharField(
        label=_("Where are you?"),
        max_length=200,
        help_text=_(
            "For example: Saturday market, Jean-Moulin library, door-to-door in Les Cèdres."
        ),
    )


class AssistedIdeaForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_(
            "The person agrees that their contribution is recorded and published without "
            "their name."
        ),
        required=True,
    )
    title = forms.CharField(label=_("Title of the idea"), max_length=150)
    body = forms.CharField(
        label=_("The idea, in the person's words"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False
    )
    contact_email = forms.EmailField(
        label=_("E-mail address to tell the person what became of their idea"),
        required=False,
        help_text=_("Only if the person asks for it. Never published."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()
        _organization_choices(self.fields["theme"], organization.themes.all())
        _organization_choices(self.fields["neighbourhood"], organization.neighbourhoods.all())
