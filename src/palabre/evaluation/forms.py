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


class EvaluationSheetForm(forms.Form):
    """Objectives (pursued, target, met), costs, staff time, partners, outcomes."""

    def __init__(self, *args: Any, sheet: Any, **kwargs: Any) -> None:
        from decimal import Decimal

        from .models import OBJECTIVES, PARTNERS

        super().__init__(*args, **kwargs)
        stated = {o["objective"]: o for o in (sheet.objectives if sheet else [])}
        self.objective_rows = []
        for key, label in OBJECTIVES:
            row = stated.get(key, {})
            self.fields[f"obj_{key}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"target_{key}"] = forms.CharField(
                label=_("Target"), required=False, max_length=200
            )
            self.fields[f"met_{key}"] = forms.ChoiceField(
                label=_("Met?"),
                required=False,
                choices=[("", _("not yet known")), ("yes", _("yes")), ("no", _("no"))],
            )
            self.initial.update(
                {
                    f"obj_{key}": key in stated,
                    f"target_{key}": row.get("target", ""),
                    f"met_{key}": {True: "yes", False: "no"}.get(row.get("met"), ""),
                }
            )
            self.objective_rows.append(key)
        money = [
            ("cost_tool", _("Tool (€)")),
            ("cost_vendor_support", _("Vendor support (€)")),
            ("cost_communication", _("Communication (€)")),
            ("cost_events", _("Events (€)")),
        ]
        for name, label in money:
            self.fields[name] = forms.IntegerField(label=label, required=False, min_value=0)
            self.initial[name] = getattr(sheet, name, None) if sheet else None
        self.fields["staff_fte"] = forms.DecimalField(
            label=_("Staff time (full-time equivalent)"),
            required=False,
            min_value=Decimal(0),
            max_digits=5,
            decimal_places=2,
        )
        self.fields["partners"] = forms.MultipleChoiceField(
            label=_("Partners involved"),
            required=False,
            choices=PARTNERS,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["decisions"] = forms.IntegerField(
            label=_("Decisions taken"), required=False, min_value=0
        )
        self.fields["answers_given"] = forms.IntegerField(
            label=_("Public answers given"), required=False, min_value=0
        )
        if sheet:
            self.initial.update(
                {
                    "staff_fte": sheet.staff_fte,
                    "partners": sheet.partners,
                    "decisions": sheet.decisions,
                    "answers_given": sheet.answers_given,
                }
            )

    def sheet_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        objectives = [
            {
                "objective": key,
                "target": data.get(f"target_{key}", ""),
                "met": {"yes": True, "no": False}.get(data.get(f"met_{key}", "")),
            }
            for key in self.objective_rows
            if data.get(f"obj_{key}")
        ]
        return {
            "objectives": objectives,
            "cost_tool": data.get("cost_tool"),
            "cost_vendor_support": data.get("cost_vendor_support"),
            "cost_communication": data.get("cost_communication"),
            "cost_events": data.get("cost_events"),
            "staff_fte": data.get("staff_fte"),
            "partners": list(data.get("partners") or []),
            "decisions": data.get("decisions"),
            "answers_given": data.get("answers_given"),
        }
