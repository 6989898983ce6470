"""Forms of participatory budgets: the ballot (online, paper, assisted), set-up, analysis,
works updates. The ballot form works without JavaScript: the knapsack total is computed by
the server on "recalculate", and by a small script as boxes are ticked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution
from palabre.core.formats import euros

from .models import Budget, Envelope, Project, WorkUpdate


class BallotForm(forms.Form):
    def __init__(
        self,
        data: Any = None,
        *,
        envelope: Envelope,
        projects: list[Project],
        eligibility: bool = False,
        needs_code: bool = False,
        chosen: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.envelope, self.projects = envelope, projects
        budget = self.budget = envelope.budget
        chosen = chosen or {}
        for project in projects:
            name, label = f"p{project.pk}", f"{project.title} — {euros(project.cost)}"
            field: forms.Field
            if budget.method in {Budget.Method.APPROVAL, Budget.Method.KNAPSACK}:
                field = forms.BooleanField(label=label, required=False)
                field.widget.attrs["data-cost"] = str(project.cost or 0)
                initial: Any = project.pk in chosen
            elif budget.method == Budget.Method.CUMULATIVE:
                field = forms.IntegerField(
                    label=label, required=False, min_value=0, max_value=budget.points
                )
                field.widget.attrs.update({"inputmode": "numeric", "data-points": "1"})
                initial = chosen.get(project.pk)
            else:
                field = forms.TypedChoiceField(
                    label=label,
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", _("not ranked"))]
                    + [(i, str(i)) for i in range(1, len(projects) + 1)],
                )
                initial = chosen.get(project.pk)
            self.fields[name] = field
            self.initial[name] = initial
        if eligibility:
            if budget.min_age:
                self.fields["age_confirmed"] = forms.BooleanField(
                    label=_("I am at least %(age)d years old.") % {"age": budget.min_age},
                    required=False,
                )
            if budget.postcode_list():
                self.fields["postcode"] = forms.CharField(
                    label=_("Postcode of your home"),
                    max_length=10,
                    required=False,
                    help_text=_("Checked and not kept."),
                    widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
                )
            if budget.codes_required and needs_code:
                self.fields["code"] = forms.CharField(
                    label=_("Invitation code"),
                    max_length=20,
                    required=False,
                    help_text=_("Printed on the letter or card you received."),
                )

    def project_fields(self) -> list[tuple[Project, forms.BoundField]]:
        return [(p, self[f"p{p.pk}"]) for p in self.projects]

    def selections(self) -> dict[int, int]:
        """Project pk → 1, points or rank; only what the voter chose."""
        chosen: dict[int, int] = {}
        for project in self.projects:
            value = self.cleaned_data.get(f"p{project.pk}")
            if value is True:
                chosen[project.pk] = 1
            elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
                chosen[project.pk] = value
        return chosen

    def selected_total(self) -> int:
        """What the ticked projects cost (knapsack), from valid data or the initial ballot."""
        if (self.is_bound and self.is_valid()) or hasattr(self, "cleaned_data"):
            chosen = self.selections()
        else:
            chosen = {p.pk: 1 for p in self.projects if self.initial.get(f"p{p.pk}") is True}
        return sum(p.cost or 0 for p in self.projects if p.pk in chosen)

    def eligibility(self) -> dict[str, Any]:
        return {
            "age_confirmed": bool(self.cleaned_data.get("age_confirmed")),
            "postcode": self.cleaned_data.get("postcode") or "",
            "code": self.cleaned_data.get("code") or "",
        }


class PaperBallotForm(BallotForm):
    """A paper ballot keyed in by an agent or a mediator (the number printed on it first)."""

    def __init__(self, *args: Any, assisted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper_ref"] = forms.CharField(
            label=_("Receipt number") if assisted else _("Number printed on the ballot"),
            max_length=50,
            required=not assisted,
        )
        self.order_fields(["paper_ref"])
        if assisted:
            self.fields["confirmed"] = forms.BooleanField(
                label=_("The person has read their choices back and confirms them."),
                required=False,
            )


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = [
            "method",
            "max_projects",
            "points",
            "rule",
            "show_comparison",
            "min_age",
            "postcodes",
            "codes_required",
        ]


class EnvelopeForm(forms.ModelForm):
    class Meta:
        model = Envelope
        fields = ["name", "amount", "neighbourhood"]

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organization.neighbourhoods.all()


class ProjectAnalysisForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "status",
            "envelope",
            "cost",
            "within_competence",
            "feasibility",
            "rejection_reason",
        ]
        widgets = {
            "feasibility": forms.Textarea(attrs={"rows": 4}),
            "rejection_reason": forms.Textarea(attrs={"rows": 3}),
            "within_competence": forms.NullBooleanSelect,
        }

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["envelope"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = budget.envelopes.all()
        status = self.fields["status"]
        assert isinstance(status, forms.TypedChoiceField)
        status.choices = [c for c in Project.Status.choices if c[0] != Project.Status.MERGED]


def _idea_label(idea: Contribution) -> str:
    return f"{idea.title or idea.body[:80]} ({idea.get_channel_display()})"


class ProjectCreateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["title", "description", "envelope", "cost", "ideas"]
        widgets = {"ideas": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["envelope"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = budget.envelopes.all()
        ideas = self.fields["ideas"]
        assert isinstance(ideas, forms.ModelMultipleChoiceField)
        # ideas of the process not yet behind a project (paper, meeting, assisted ones…)
        ideas.queryset = Contribution.objects.filter(
            process=budget.process, kind=Contribution.Kind.IDEA, budget_projects=None
        ).order_by("-created_at")
        ideas.label_from_instance = _idea_label  # type: ignore[method-assign,assignment]
        ideas.help_text = _(
            "The ideas this project comes from: their authors and supports follow it."
        )


class WorkUpdateForm(forms.ModelForm):
    class Meta:
        model = WorkUpdate
        fields = ["status", "date", "text", "photo", "photo_alt"]
        # a plain file field: the service checks and re-encodes the photo (Django's image
        # field would open it first and answer a decompression bomb with "not a valid image")
        field_classes = {"photo": forms.FileField}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "text": forms.Textarea(attrs={"rows": 4}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.TypedChoiceField)
        status.choices = [c for c in Project.Works.choices if c[0]]
        status.required = True
