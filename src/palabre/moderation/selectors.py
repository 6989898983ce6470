from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from palabre.contributions.models import Contribution
from palabre.organizations.models import Organization
from palabre.processes.models import Process

from .models import ModerationAction


def moderation_queue(*, organization: Organization) -> QuerySet[Contribution]:
    """Contributions of the organisation with open reports, most reported first."""
    return (
        Contribution.objects.filter(process__organization=organization)
        .annotate(n_open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .filter(n_open_reports__gt=0)
        .select_related("process", "author")
        .order_by("-n_open_reports", "pk")
    )


def held_queue(*, organization: Organization) -> QuerySet[Contribution]:
    """Contributions waiting for review because they contain a word of the list."""
    return (
        Contribution.objects.filter(process__organization=organization, held_at__isnull=False)
        .select_related("process", "author")
        .order_by("held_at", "pk")
    )


def hidden_of(*, organization: Organization) -> QuerySet[Contribution]:
    """Contributions of the organisation hidden by a moderator, latest first."""
    return (
        Contribution.objects.filter(process__organization=organization, is_hidden=True)
        .select_related("process")
        .order_by("-pk")
    )


def moderation_log(*, organization: Organization) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(
        contribution__process__organization=organization
    ).select_related("moderator", "contribution__process")


def moderation_stats(*, process: Process) -> dict[str, int]:
    """Public figures of a process's moderation (no names, no texts)."""
    from .models import Report

    reports = Report.objects.filter(contribution__process=process)
    counts = Contribution.objects.filter(process=process).aggregate(
        hidden=Count("pk", filter=Q(is_hidden=True)),
        held=Count("pk", filter=Q(held_at__isnull=False)),
    )
    return {
        "hidden": counts["hidden"] or 0,
        "held": counts["held"] or 0,
        "reports": reports.count(),
        "reports_open": reports.filter(resolved_at__isnull=True).count(),
    }
