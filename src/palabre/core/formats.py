"""Formatting shared by pages, exports and e-mails."""

from __future__ import annotations


def thousands(amount: int | None) -> str:
    """12 500 — a narrow no-break space between thousands, as French typography wants (and
    screen readers read as one number)."""
    return f"{amount or 0:,}".replace(",", "\u202f")


def euros(amount: int | None) -> str:
    """12 500 €, with a no-break space before the sign."""
    return thousands(amount) + "\u00a0€"


def percent(share: float) -> str:
    """A share (0 to 1) as a whole percentage, French style: 44 % (a no-break space before
    the sign)."""
    return thousands(round(share * 100)) + "\u00a0%"
