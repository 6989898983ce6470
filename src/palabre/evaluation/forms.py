"""Forms of the evaluation: a participant's optional answers, the reference population."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.organizations.models import Neighbourhood

from .models import AGE_BANDS, Profile

NOT_SAID = ("", _("I prefer not to say"))


def _age_label(band: str) -> Any:
    from django.utils.functional import lazy

    def label() -> str:
        from django.utils.translation import gettext

        if band.endswith("+"):
            return gettext("%(low)s years and over") % {"low": band[:-1]}
        low, high = band.split("-")
        return gettext("%(low)s to %(high)s years") % {"low": low, "high": high}

    return lazy(label, str)()


class ProfileForm(forms.Form):
    age_band = forms.ChoiceField(
        label=_("Your age"),
        required=False,
        choices=[
            NOT_SAID,
            *[(b, b.replace("-", " to ") if "+" not in b else b) for b in AGE_BANDS],
        ],
    )
    sex = forms.ChoiceField(
        label=_("You are"), required=False, choices=[NOT_SAID, *Profile.Sex.choices]
    )
    neighbourhood: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Your neighbourhood"),
        required=False,
        queryset=Neighbourhood.objects.none(),
        empty_label=NOT_SAID[1],
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that these answers are kept to count who takes part, apart from what I "
            "write; they are never shown with my name, and I can delete them at any time."
        ),
        required=False,
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organization.neighbourhoods.all()


class ReferenceForm(forms.Form):
    census = forms.FileField(
        label=_("INSEE census table (CSV)"),
        required=False,
        help_text=_(
            "The “base-cc-evol-struct-pop” file of the Dossier complet, or any table with "
            "CODGEO and columns such as P21_POP0014 and P21_POPH."
        ),
    )
    code = forms.CharField(label=_("CODGEO of your territory"), max_length=10, required=False)
    shares = forms.CharField(
        label=_("Or type the shares, one per line: dimension;category;share"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For example: age;15-29;18 — each dimension must add up to 100."),
    )


class FeedbackForm(forms.ModelForm):
    class Meta:
        from .models import FeedbackAnswer

        model = FeedbackAnswer
        fields = ["felt_heard", "learned", "will_change", "satisfaction", "comment"]
        widgets = {
            "felt_heard": forms.RadioSelect,
            "learned": forms.RadioSelect,
            "will_change": forms.RadioSelect,
            "satisfaction": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }
