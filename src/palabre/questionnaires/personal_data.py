"""This app's part of a person's data: their questionnaire responses (see accounts.signals).

On deletion the responses stay, like contributions, attributed to nobody."""

from __future__ import annotations

from typing import Any

from .models import Response


def export(sender: Any, user: Any, **kwargs: Any) -> tuple[str, list[dict[str, Any]]]:
    responses = Response.objects.filter(respondent=user).prefetch_related(
        "answers__question", "answers__selections__choice"
    )
    out = []
    for response in responses.select_related("process"):
        answers = []
        for answer in response.answers.all():
            picked = [
                s.choice.label for s in sorted(answer.selections.all(), key=lambda s: s.rank or 0)
            ]
            answers.append(
                {
                    "question": answer.question.text,
                    "choices": picked,
                    "value": answer.value,
                    "text": answer.text,
                }
            )
        out.append(
            {
                "process": response.process.title,
                "answered_at": response.created_at.isoformat(),
                "answers": answers,
            }
        )
    return ("questionnaire_responses", out)


def forget(sender: Any, user: Any, **kwargs: Any) -> None:
    Response.objects.filter(respondent=user).update(respondent=None)
