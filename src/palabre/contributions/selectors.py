"""Reads for contributions. `contributions_visible_to` is the chokepoint: pages, API, open
data and analysis input all take contributions through it."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from palabre.processes.models import Process
from palabre.processes.selectors import process_get_for_user

from .models import Contribution


def contributions_visible_to(*, user: Any, process: Process) -> QuerySet[Contribution]:
    # Re-check the process itself through its own chokepoint (404 if the user may not see it).
    process_get_for_user(user=user, organization=process.organization, slug=process.slug)
    # Hidden contributions stay listed (templates show their public reason, never their text).
    return Contribution.objects.filter(process=process).select_related(
        "author", "theme", "neighbourhood"
    )


def contribution_counts(*, process: Process) -> dict[str, int]:
    rows = Contribution.objects.filter(process=process).aggregate(
        total=Count("pk"),
        ideas=Count("pk", filter=Q(kind=Contribution.Kind.IDEA)),
        comments=Count("pk", filter=Q(kind=Contribution.Kind.COMMENT)),
        answers=Count("pk", filter=Q(kind=Contribution.Kind.ANSWER)),
        participants=Count("author", distinct=True),
    )
    return {k: v or 0 for k, v in rows.items()}


def channel_counts(*, process: Process) -> list[dict[str, Any]]:
    rows = (
        Contribution.objects.filter(process=process)
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [dict(row) for row in rows]
