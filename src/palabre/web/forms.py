from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.contributions.models import Contribution
from palabre.core.models import Channel
from palabre.organizations.models import Neighbourhood, Organization
from palabre.processes.models import Theme


class SubmissionForm(forms.Form):
    """Every contribution form carries a one-time token: a double submit changes nothing."""

    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()


class IdeaForm(SubmissionForm):
    title = forms.CharField(label=_("Title of your idea"), max_length=150)
    body = forms.CharField(
        label=_("Your idea"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("Describe what you propose and why. 5,000 characters at most."),
    )
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood concerned"), queryset=Neighbourhood.objects.none(), required=False
    )
    address = forms.CharField(
        label=_("Address or place"),
        max_length=200,
        required=False,
        help_text=_(
            "For example: “corner of rue Haute and rue des Écoles”, “the park by the station”."
        ),
    )
    latitude = forms.DecimalField(
        widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "JPEG, PNG or WebP, 5 MB at most. Its metadata (such as GPS position) is removed."
        ),
    )
    image_alt = forms.CharField(
        label=_("What the image shows"),
        max_length=250,
        required=False,
        help_text=_("Required with an image, for people who cannot see it."),
    )

    def __init__(
        self, *args: Any, organization: Organization, project: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if project:  # a participatory budget: ideas are project proposals with a cost
            self.fields["title"].label = _("Title of your project")
            self.fields["body"].label = _("Your project")
            self.fields["estimated_cost"] = forms.IntegerField(
                label=_("Estimated cost (€)"),
                required=False,
                min_value=0,
                max_value=1_000_000_000,
                help_text=_("Your best guess; the services will estimate it precisely."),
            )
            self.order_fields(["title", "body", "estimated_cost"])
        theme = self.fields["theme"]
        neighbourhood = self.fields["neighbourhood"]
        assert isinstance(theme, forms.ModelChoiceField)
        assert isinstance(neighbourhood, forms.ModelChoiceField)
        theme.queryset = Theme.objects.filter(organization=organization)
        neighbourhood.queryset = Neighbourhood.objects.filter(organization=organization)


class CommentForm(SubmissionForm):
    body = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000
    )
    stance = forms.ChoiceField(
        label=_("Your position"),
        choices=Contribution.Stance.choices,
        widget=forms.RadioSelect,
        initial=Contribution.Stance.NEUTRAL,
    )
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Open to supports")),
            ("withdrawn", _("Withdrawn by their author")),
            ("hidden", _("Hidden by moderation")),
        ],
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("random", _("Random order (fair to every idea)")),
            ("recent", _("Most recent")),
            ("supported", _("Most supported (fair to new ideas)")),
            ("commented", _("Most commented")),
        ],
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_label = _("All")
        self.fields["theme"].choices = [("", all_label)] + [  # type: ignore[attr-defined]
            (t.slug, t.name) for t in Theme.objects.filter(organization=organization)
        ]
        self.fields["neighbourhood"].choices = [("", all_label)] + [  # type: ignore[attr-defined]
            (n.slug, n.name) for n in Neighbourhood.objects.filter(organization=organization)
        ]


class IdeaEditForm(forms.Form):
    title = forms.CharField(label=_("Title of your idea"), max_length=150)
    body = forms.CharField(
        label=_("Your idea"), widget=forms.Textarea(attrs={"rows": 8}), max_length=5000
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you report it?"), widget=forms.RadioSelect, choices=[]
    )
    details = forms.CharField(
        label=_("Details"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from palabre.moderation.models import Report

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.Reason.choices  # type: ignore[attr-defined]
