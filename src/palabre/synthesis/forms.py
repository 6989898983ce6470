"""Forms of the workspace, the synthesis and the answers (parsing only; services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer, CodebookCategory, Section, Synthesis


def _choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class RunForm(forms.Form):
    n_topics = forms.IntegerField(
        label=_("Number of topics"),
        required=False,
        min_value=2,
        max_value=40,
        help_text=_("Leave empty to let the analysis choose."),
    )
    random_state = forms.IntegerField(
        label=_("Seed"),
        initial=0,
        min_value=0,
        help_text=_("The same corpus with the same seed gives the same result."),
    )
    codebook = forms.BooleanField(
        label=_("Classify into the organisation's codebook"),
        required=False,
        help_text=_(
            "Instead of finding topics, file each contribution under one of your categories "
            "(with a confidence), beside its topic; the analysis suggests categories for what "
            "fits none. Nothing changes before you apply its proposal."
        ),
    )


class RenameForm(forms.Form):
    label = forms.CharField(label=_("Name of the topic"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ContributionsActionForm(forms.Form):
    ACTIONS = [
        ("move", _("Move to the topic chosen below")),
        ("split", _("Make a new topic with them (name below)")),
        ("pin", _("Pin as quotes")),
        ("unpin", _("Unpin")),
        ("duplicate", _("Mark as duplicates of the contribution number below")),
        ("not_duplicate", _("No longer duplicates")),
        ("campaign", _("Mark as a campaign")),
        ("not_campaign", _("Not a campaign")),
        ("cite", _("Cite as evidence of the statement chosen below")),
        ("category", _("File under the codebook category chosen below (reviewed)")),
        ("reviewed", _("Mark as reviewed (keep their category)")),
    ]
    # the fieldset's legend asks the question ("What to do with the ticked contributions")
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    target = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    label = forms.CharField(label=_("Name of the new topic"), required=False, max_length=200)
    original = forms.IntegerField(label=_("Number of the original contribution"), required=False)
    statement = forms.TypedChoiceField(
        label=_("Statement of the draft synthesis"), required=False, coerce=int, empty_value=None
    )
    category = forms.TypedChoiceField(
        label=_("Codebook category"), required=False, coerce=int, empty_value=None
    )
    ids = forms.TypedMultipleChoiceField(
        label=_("Contributions"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        topics: list[tuple[int, str]],
        ids: list[int],
        statements: list[tuple[int, str]] | None = None,
        categories: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "target").choices = [("", _("Unclassified")), *topics]
        _choices(self, "ids").choices = [(pk, str(pk)) for pk in ids]
        absent = set()
        if statements:
            _choices(self, "statement").choices = [("", "—"), *statements]
        else:
            del self.fields["statement"]
            absent.add("cite")
        if categories:
            _choices(self, "category").choices = [("", _("No category")), *categories]
        else:  # no codebook category: nothing to file under
            del self.fields["category"]
            absent |= {"category", "reviewed"}
        _choices(self, "action").choices = [c for c in self.ACTIONS if c[0] not in absent]


class ReadingFilterForm(forms.Form):
    """The reading room's filters, in the address (GET: a filtered list can be shared)."""

    q = forms.CharField(label=_("Words in the text"), required=False, max_length=200)
    canal = forms.ChoiceField(label=_("Channel"), required=False)
    position = forms.ChoiceField(label=_("Stance"), required=False)
    quartier = forms.TypedChoiceField(
        label=_("Neighbourhood"), required=False, coerce=int, empty_value=None
    )
    question = forms.ChoiceField(label=_("Question"), required=False)
    categorie = forms.TypedChoiceField(
        label=_("Codebook category"), required=False, coerce=int, empty_value=None
    )
    revoir = forms.BooleanField(label=_("To review (the codebook run was unsure)"), required=False)
    agent = forms.BooleanField(label=_("Placed by an agent"), required=False)
    campagne = forms.BooleanField(label=_("Campaigns"), required=False)
    doublon = forms.BooleanField(label=_("Duplicates"), required=False)

    # field, facet, and the empty choice: "All channels" reads well after the label, in every
    # language ("All" alone would need the gender of each label)
    FACETS = (
        ("canal", "channel", _("All channels")),
        ("position", "stance", _("All stances")),
        ("quartier", "neighbourhood", _("All neighbourhoods")),
        ("question", "question", _("All questions")),
        ("categorie", "category", _("All categories")),
    )

    def __init__(self, *args: Any, facets: dict[str, list[tuple[Any, str]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, key, every in self.FACETS:
            if facets[key]:
                _choices(self, name).choices = [("", every), *facets[key]]
            else:  # a filter with nothing to choose is not offered
                del self.fields[name]

    def filters(self) -> Any:
        from .selectors import ReadingFilters

        self.is_valid()  # a value no longer offered (a category since removed) is left out
        data = self.cleaned_data
        return ReadingFilters(
            text=data.get("q") or "",
            channel=data.get("canal") or "",
            stance=data.get("position") or "",
            neighbourhood=data.get("quartier"),
            question=data.get("question") or "",
            category=data.get("categorie"),
            to_review=bool(data.get("revoir")),
            by_agent=bool(data.get("agent")),
            campaign=bool(data.get("campagne")),
            duplicate=bool(data.get("doublon")),
        )


class MergeForm(forms.Form):
    topics = forms.TypedMultipleChoiceField(
        label=_("Topics to merge"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    target = forms.TypedChoiceField(label=_("Merge them into"), coerce=int)

    def __init__(self, *args: Any, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "topics").choices = topics
        _choices(self, "target").choices = topics


class SynthesisForm(forms.ModelForm):
    class Meta:
        model = Synthesis
        fields = ["title", "introduction", "method", "comments_until"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "method": forms.Textarea(attrs={"rows": 5}),
            "comments_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class SectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Section.Kind.choices)
    topic = forms.TypedChoiceField(label=_("Topic"), required=False, coerce=int, empty_value=None)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Empty: the topic's name."),
    )
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "topic").choices = [("", "—"), *topics]


class StatementForm(forms.Form):
    text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.TypedMultipleChoiceField(
        label=_("Contributions that back it"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    other_evidence = forms.CharField(
        label=_("Other contributions (numbers separated by commas)"), required=False
    )

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "evidence").choices = candidates

    def clean_other_evidence(self) -> list[int]:
        raw = self.cleaned_data.get("other_evidence") or ""
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError as error:
            raise forms.ValidationError(_("Write contribution numbers, e.g. 12, 48.")) from error

    def evidence_ids(self) -> list[int]:
        return sorted(set(self.cleaned_data["evidence"]) | set(self.cleaned_data["other_evidence"]))


class AnswerForm(forms.ModelForm):
    subject = forms.ChoiceField(label=_("About"))

    class Meta:
        model = Answer
        fields = ["status", "text", "signed_as", "progress"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "subject").choices = subjects
        self.order_fields(["subject", "status", "text", "signed_as", "progress"])


class DraftCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment on this statement"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SampleForm(forms.Form):
    coder_a = forms.TypedChoiceField(label=_("First coder"), coerce=int)
    coder_b = forms.TypedChoiceField(label=_("Second coder"), coerce=int)
    size = forms.IntegerField(label=_("Contributions in the sample"), initial=50)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # no one chosen at first: two different people must be picked
        _choices(self, "coder_a").choices = [("", "—"), *people]
        _choices(self, "coder_b").choices = [("", "—"), *people]


class CodebookCategoryForm(forms.ModelForm):
    class Meta:
        model = CodebookCategory
        fields = ["name", "description", "keywords", "examples"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "examples": forms.Textarea(attrs={"rows": 3}),
        }


class CodebookImportForm(forms.Form):
    file = forms.FileField(
        label=_("Codebook file (CSV or YAML)"),
        help_text=_(
            "Columns name, description, keywords (separated by ; or ,), examples (separated "
            "by |); categories with the same name are updated."
        ),
    )
