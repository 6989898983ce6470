"""Reads for following and notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Follow, Notification


def follows(*, user: Any, process: Any = None, idea: Any = None) -> dict[str, Any]:
    """What `user` follows among a process, its themes and an idea (for the buttons)."""
    if not user.is_authenticated:
        return {"process": False, "idea": False, "themes": set()}
    rows = Follow.objects.filter(user=user)
    process_id = getattr(process, "pk", None)
    idea_id = getattr(idea, "pk", None)
    found = list(rows.values_list("process_id", "theme_id", "idea_id"))
    return {
        "process": any(p == process_id for p, _t, _i in found if p),
        "idea": any(i == idea_id for _p, _t, i in found if i),
        "themes": {t for _p, t, _i in found if t},
    }


def notifications_of(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related(
        "process__organization", "contribution__author", "contribution__parent__parent", "phase"
    )
