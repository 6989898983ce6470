from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up stays open; the pseudonym defaults to the start of the e-mail if left empty."""

    def populate_username(self, request: Any, user: Any) -> None:
        if not getattr(user, "pseudonym", ""):
            user.pseudonym = (user.email or "").split("@")[0][:60]
