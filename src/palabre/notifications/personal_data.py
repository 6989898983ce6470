"""This app's part of a person's data: what they follow, their notifications and e-mail
choice (see accounts.signals). All of it is deleted with the account."""

from __future__ import annotations

from typing import Any

from .models import Follow, Notification, Preference


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    follows = Follow.objects.filter(user=user).select_related("process", "theme", "idea")
    preference = Preference.objects.filter(user=user).first()
    return (
        "notifications",
        {
            "email_frequency": preference.email_frequency if preference else "immediate",
            "follows": [
                {
                    "process": f.process.title if f.process else None,
                    "theme": f.theme.name if f.theme else None,
                    "idea": f.idea.title if f.idea else None,
                    "since": f.created_at.isoformat(),
                }
                for f in follows
            ],
            "notifications": [
                {"kind": n.kind, "process": n.process.title, "at": n.created_at.isoformat()}
                for n in Notification.objects.filter(user=user).select_related("process")
            ],
        },
    )


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
