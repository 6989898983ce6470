"""This app's part of a person's data: meeting registrations (see accounts.signals)."""

from __future__ import annotations

from typing import Any

from .models import MeetingRegistration


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    rows = MeetingRegistration.objects.filter(user=user).select_related("meeting__process")
    return (
        "meeting_registrations",
        [
            {
                "meeting": r.meeting.title,
                "process": r.meeting.process.title,
                "starts_at": r.meeting.starts_at.isoformat(),
                "registered_at": r.created_at.isoformat(),
            }
            for r in rows
        ],
    )


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    MeetingRegistration.objects.filter(user=user).delete()
