"""Formatting shared by pages, exports and e-mails."""

from __future__ import annotations


def euros(amount: int | None) -> str:
    """12 500 € — a narrow no-break space between thousands, a no-break space before €,
    as French typography wants (and screen readers read as one number)."""
    return f"{amount or 0:,}".replace(",", "\u202f") + "\u00a0€"
