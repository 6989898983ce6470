"""This app's part of a person's data: their optional demographic answers."""

from __future__ import annotations

from typing import Any

from .models import Profile


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    return (
        "demographic_answers",
        [
            {
                "organisation": p.organization.name,
                "age": p.age_band or None,
                "sex": p.sex or None,
                "neighbourhood": p.neighbourhood.name if p.neighbourhood else None,
                "consent_at": p.consent_at.isoformat(),
            }
            for p in Profile.objects.filter(user=user).select_related(
                "organization", "neighbourhood"
            )
        ],
    )


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    Profile.objects.filter(user=user).delete()


def export_feedback(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    from .models import FeedbackAnswer

    return (
        "feedback_answers",
        [
            {
                "process": a.process.title,
                "felt_heard": a.get_felt_heard_display(),
                "learned": a.get_learned_display(),
                "will_change": a.get_will_change_display(),
                "satisfaction": a.satisfaction,
                "comment": a.comment,
            }
            for a in FeedbackAnswer.objects.filter(respondent=user).select_related("process")
        ],
    )
