"""Template filters shared by every page."""

from __future__ import annotations

from django import template

from palabre_analysis.cleaning import mask_personal_data

register = template.Library()


@register.filter(is_safe=False)
def public_text(value: object) -> str:
    """What participants wrote, as shown in public: e-mail addresses and phone numbers masked
    (the stored text is untouched; moderators and the author's data export see it whole)."""
    return mask_personal_data(str(value or ""))


@register.filter(name="euros")
def euros_filter(value: int | None) -> str:
    """An amount in euros, French style: 12 500 €."""
    from palabre.core.formats import euros

    return euros(value)


@register.filter(name="channel")
def channel_label(value: str) -> str:
    """A channel code ("paper") as its label in the interface's language ("Papier")."""
    from palabre.core.models import Channel

    try:
        return str(Channel(value).label)
    except ValueError:
        return value


@register.filter(name="thousands")
def thousands_filter(value: int | None) -> str:
    """A whole number, French style: 12 500."""
    from palabre.core.formats import thousands

    return thousands(value) if value is not None else ""
