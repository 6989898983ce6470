"""Reads about accounts."""

from __future__ import annotations

from typing import Any


def user_has_mfa(*, user: Any) -> bool:
    """Whether `user` has set up two-factor authentication (TOTP)."""
    from allauth.mfa.models import Authenticator

    return bool(
        user.is_authenticated
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )
