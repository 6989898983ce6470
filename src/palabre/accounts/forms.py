from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.core.text import without_bidi_controls

from .models import User


def _clean_pseudonym(form: forms.BaseForm) -> str:
    """Shown next to every contribution: no bidirectional controls (they could show another
    name than the stored one)."""
    pseudonym = without_bidi_controls(form.cleaned_data["pseudonym"]).strip()
    if not pseudonym:
        raise forms.ValidationError(form.fields["pseudonym"].error_messages["required"])
    return pseudonym


class SignupExtraForm(forms.Form):
    """Fields added to allauth's sign-up form."""

    pseudonym = forms.CharField(
        label=_("Public pseudonym"),
        max_length=60,
        help_text=_("Shown next to your contributions. You do not have to use your real name."),
    )
    participant_type = forms.ChoiceField(
        label=_("You take part as"),
        choices=User.ParticipantType.choices,
        initial=User.ParticipantType.RESIDENT,
    )

    def clean_pseudonym(self) -> str:
        return _clean_pseudonym(self)

    def signup(self, request: Any, user: User) -> None:
        user.pseudonym = self.cleaned_data["pseudonym"].strip()
        user.participant_type = self.cleaned_data["participant_type"]
        user.save(update_fields=["pseudonym", "participant_type"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["pseudonym", "participant_type"]

    def clean_pseudonym(self) -> str:
        return _clean_pseudonym(self)


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account will be closed for good and that my contributions "
            "will stay online without my pseudonym."
        ),
        required=True,
    )
