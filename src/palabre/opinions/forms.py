"""Forms of opinion maps: proposing a statement, seeding statements, settings."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.processes.models import Process

from .models import OpinionMap
from .services import MAX_LENGTH


class StatementForm(forms.Form):
    """A participant's statement; the one-time token makes a double submit harmless."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Your statement"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One short idea others can agree or disagree with, e.g. “The market square "
            "should be closed to cars on Saturdays.” A moderator reads it before it is shown."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()


class SeedForm(forms.Form):
    texts = forms.CharField(
        label=_("Statements, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Short, one idea each; lines already on the map are skipped."),
    )


class OpinionMapForm(forms.ModelForm):
    class Meta:
        model = OpinionMap
        fields = ["participants_may_propose", "min_votes"]


class SeedFromIdeasForm(forms.Form):
    source: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Ideas of the participation process"),
        queryset=Process.objects.none(),  # set in __init__
        help_text=_("Their titles become statements, the most supported first."),
    )
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=100, initial=15)

    def __init__(self, *args: Any, processes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = processes


class SeedFromSynthesisForm(forms.Form):
    source: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Synthesis of the participation process"),
        queryset=Process.objects.none(),  # set in __init__: processes with a synthesis
        help_text=_(
            "The statements of its latest synthesis (the draft if one is being written) become "
            "statements of the map, in reading order."
        ),
    )

    def __init__(self, *args: Any, processes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = processes
