"""The permission chokepoint for organisation-level actions.

Every page, API endpoint, export and task asks `organization_user_can` (or the selector
`organization_get_for_user`, which calls it). Nothing else reads `Membership.role` to decide.
"""

from __future__ import annotations

from typing import Any

from .models import Membership, Organization
from .roles import ROLE_ACTIONS, Action


def user_roles(user: Any, organization: Organization) -> frozenset[str]:
    """The roles `user` holds in `organization`, memoised on the user object (one request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_palabre_roles", {})
    if organization.pk not in cache:
        cache[organization.pk] = frozenset(
            Membership.objects.filter(user=user, organization=organization).values_list(
                "role", flat=True
            )
        )
    return cache[organization.pk]


def forget_roles(user: Any) -> None:
    user.__dict__.pop("_palabre_roles", None)


def organization_user_can(user: Any, organization: Organization, action: Action | str) -> bool:
    action = Action(action)
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return True
    if not organization.is_active:
        return False
    return any(action in ROLE_ACTIONS[role] for role in user_roles(user, organization))
