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


def moderation_log(*, organization: Organization) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(
        contribution__process__organization=organization
    ).select_related("moderator", "contribution__process")


def moderation_stats(*, process: Process) -> dict[str, int]:
    """Public figures of a process's moderation (no names, no texts)."""
    from .models import Report

    reports = Report.objects.filter(contribution__process=process)
    return {
        "hidden": Contribution.objects.filter(process=process, is_hidden=True).count(),
        "reports": reports.count(),
        "reports_open": reports.filter(resolved_at__isnull=True).count(),
    }
