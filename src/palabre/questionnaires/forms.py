"""The answer form, built from a questionnaire's questions (used online, by mediators and
for typing paper forms back in). Works without JavaScript, ranking included: each choice
gets a rank selector."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Question, Section


def _rank_field_name(question: Question, choice_pk: int) -> str:
    return f"{question.field_name}_c{choice_pk}"


class ResponseForm(forms.Form):
    """`blocks` is `questionnaire_blocks(...)`; after `is_valid()`, `answers` maps question
    ids to raw values for `response_submit`."""

    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        blocks: list[tuple[Section | None, list[Question]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()
        self.blocks = blocks
        self.answers: dict[int, Any] = {}
        for _section, questions in blocks:
            for question in questions:
                self._add_fields(question)

    def _add_fields(self, question: Question) -> None:
        common: dict[str, Any] = {
            "label": question.text,
            "help_text": question.help_text,
            "required": question.required,
        }
        choices = [(c.pk, c.label) for c in question.choices.all()]
        if question.kind == Question.Kind.OPEN:
            field: forms.Field = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, **common
            )
        elif question.kind == Question.Kind.SINGLE:
            field = forms.TypedChoiceField(
                choices=choices, coerce=int, widget=forms.RadioSelect, **common
            )
        elif question.kind == Question.Kind.MULTIPLE:
            if question.max_choices:
                common["help_text"] = " ".join(
                    filter(
                        None,
                        [
                            question.help_text,
                            _("At most %(n)d choices.") % {"n": question.max_choices},
                        ],
                    )
                )
            field = forms.TypedMultipleChoiceField(
                choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, **common
            )
        elif question.kind == Question.Kind.SCALE:
            field = forms.TypedChoiceField(
                choices=question.scale_values(), coerce=int, widget=forms.RadioSelect, **common
            )
        else:  # ranking: one rank selector per choice
            ranks = [("", "—")] + [(i, str(i)) for i in range(1, len(choices) + 1)]
            for pk, label in choices:
                self.fields[_rank_field_name(question, pk)] = forms.TypedChoiceField(
                    choices=ranks, coerce=int, required=False, label=label
                )
            return
        self.fields[question.field_name] = field

    def layout(self) -> list[dict[str, Any]]:
        """Sections → questions → bound fields, for the template."""
        out = []
        for section, questions in self.blocks:
            items = []
            for question in questions:
                if question.kind == Question.Kind.RANKING:
                    fields = [
                        self[_rank_field_name(question, c.pk)] for c in question.choices.all()
                    ]
                else:
                    fields = [self[question.field_name]]
                items.append({"question": question, "fields": fields})
            out.append({"section": section, "items": items})
        return out

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for _section, questions in self.blocks:
            for question in questions:
                if question.kind != Question.Kind.RANKING:
                    self.answers[question.pk] = cleaned.get(question.field_name)
                    continue
                ranked = []
                for choice in question.choices.all():
                    rank = cleaned.get(_rank_field_name(question, choice.pk))
                    if rank not in (None, ""):
                        ranked.append((rank, choice.pk))
                ranks = [r for r, _pk in ranked]
                if len(set(ranks)) != len(ranks):
                    self.add_error(
                        None,
                        _("“%(q)s”: give each rank to one choice only.") % {"q": question.text},
                    )
                    continue
                self.answers[question.pk] = [pk for _r, pk in sorted(ranked)]
        return cleaned


QUESTION_FIELDS = [
    "kind",
    "text",
    "help_text",
    "required",
    "section",
    "max_choices",
    "scale_min",
    "scale_max",
    "scale_min_label",
    "scale_max_label",
]


class QuestionForm(forms.Form):
    """A plain form (not a ModelForm) so that a rejected change never touches the question
    the service compares it with."""

    def __init__(
        self, *args: Any, process: Any, instance: Question | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if instance is not None:
            self.initial = forms.model_to_dict(instance, fields=QUESTION_FIELDS)
            self.initial["choices"] = "\n".join(instance.choices.values_list("label", flat=True))
        fields = forms.fields_for_model(Question, fields=QUESTION_FIELDS)
        fields["section"].queryset = process.sections.all()
        self.fields = {}
        for name in QUESTION_FIELDS:
            self.fields[name] = fields[name]
            if name == "help_text":
                self.fields["choices"] = forms.CharField(
                    label=gettext_lazy("Choices"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    help_text=gettext_lazy(
                        "One choice per line (single choice, multiple choice, ranking)."
                    ),
                )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = (data.pop("choices") or "").splitlines()
        return data


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "description"]
