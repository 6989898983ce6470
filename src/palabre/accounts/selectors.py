"""Reads about accounts."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from palabre.organizations.roles import Role

# Roles that must sign in with a second factor before they reach the agents' space: they
# publish, count, answer, moderate and read personal data. Mediators (often volunteers at a
# market stall) and participants are not asked; superusers always are.
MFA_ROLES = frozenset({Role.ADMIN, Role.AGENT, Role.ANALYST, Role.MODERATOR, Role.ELECTED})


def user_has_mfa(*, user: Any) -> bool:
    """Whether `user` has set up two-factor authentication (TOTP)."""
    from allauth.mfa.models import Authenticator

    return bool(
        user.is_authenticated
        and Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )


def mfa_missing(*, user: Any, organization: Any = None) -> bool:
    """Whether `user` must set up two-factor authentication before going further: a
    superuser, or a member of `organization` with one of MFA_ROLES, who has none yet
    (PALABRE_STAFF_MFA_REQUIRED, on by default)."""
    from palabre.organizations.permissions import user_roles

    if not settings.PALABRE_STAFF_MFA_REQUIRED or not user.is_authenticated:
        return False
    required = user.is_superuser or (
        organization is not None and bool(user_roles(user, organization) & MFA_ROLES)
    )
    return required and not user_has_mfa(user=user)


def user_active_by_email(*, email: str) -> Any:
    """The active account using this e-mail address (any case), or None."""
    from .models import User

    return User.objects.filter(email__iexact=email, is_active=True).first()


def users_by_pk(*, pks: list[Any]) -> dict[int, Any]:
    """These accounts, by id (the ids that name none are left out)."""
    from .models import User

    return {user.pk: user for user in User.objects.filter(pk__in=pks)}
