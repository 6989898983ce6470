from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from palabre.contributions.models import Contribution
from palabre.organizations.models import Organization

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
