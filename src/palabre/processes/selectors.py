"""Reads for processes. `process_get_for_user` / `processes_visible_to` (and
`process_check_view`, their rule for a process already loaded) are THE permission
chokepoint for a process: pages, API, exports and analysis input all go through them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from palabre.core.orm import get_or_404
from palabre.organizations.models import Organization
from palabre.organizations.permissions import organization_user_can
from palabre.organizations.roles import Action

from .models import Phase, Process, Theme


class ProcessAction(StrEnum):
    VIEW = "view"
    CHANGE = "change"


PUBLIC_STATUSES = (Process.Status.PUBLISHED, Process.Status.CLOSED, Process.Status.ARCHIVED)


def processes_visible_to(*, user: Any, organization: Organization) -> QuerySet[Process]:
    """Every process of `organization` that `user` may open (listed or not)."""
    qs = Process.objects.filter(organization=organization)
    if not organization_user_can(user, organization, Action.VIEW_DRAFTS):
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    if not organization_user_can(user, organization, Action.VIEW_RESTRICTED):
        qs = qs.exclude(visibility=Process.Visibility.RESTRICTED)
    return qs


def processes_listed_for(*, user: Any, organization: Organization) -> QuerySet[Process]:
    """What the public list shows: published-or-later, not unlisted."""
    return (
        processes_visible_to(user=user, organization=organization)
        .filter(status__in=PUBLIC_STATUSES)
        .exclude(visibility=Process.Visibility.UNLISTED)
        .prefetch_related("phases", "themes")
    )


def processes_open_and_past(
    *, user: Any, organization: Organization, limit: int = 6
) -> tuple[QuerySet[Process], QuerySet[Process]]:
    """The organisation's home page: the first `limit` listed processes open now (published)
    and the first `limit` past ones (closed or archived)."""
    listed = processes_listed_for(user=user, organization=organization)
    return (
        listed.filter(status=Process.Status.PUBLISHED)[:limit],
        listed.exclude(status=Process.Status.PUBLISHED)[:limit],
    )


def processes_with_counts(*, user: Any, organization: Organization) -> QuerySet[Process]:
    """The agents' dashboard: every process `user` may open, with its phases and
    `n_contributions`."""
    from django.db.models import Count

    return (
        processes_visible_to(user=user, organization=organization)
        .annotate(n_contributions=Count("contributions"))
        .prefetch_related("phases")
    )


def processes_with_template(
    *, user: Any, organization: Organization, templates: Any
) -> QuerySet[Process]:
    """The processes `user` may open whose template is one of `templates`."""
    return processes_visible_to(user=user, organization=organization).filter(template__in=templates)


def process_get_for_user(
    *,
    user: Any,
    organization: Organization,
    slug: str,
    action: ProcessAction = ProcessAction.VIEW,
) -> Process:
    """The process at `slug` if `user` may do `action` on it, with its phases, themes and
    neighbourhoods.

    404 when the user may not even see it (its existence is not revealed), 403 when they see
    it but may not change it.
    """
    process = (
        Process.objects.filter(organization=organization, slug=slug)
        .select_related("organization")
        .prefetch_related("phases", "themes", "neighbourhoods")
        .first()
    )
    process_check_view(user=user, process=process)
    assert process is not None  # for mypy: checked just above
    if action == ProcessAction.CHANGE and not organization_user_can(
        user, organization, Action.MANAGE_PROCESSES
    ):
        raise PermissionDenied(_("You may not change this participation process."))
    return process


def process_check_view(*, user: Any, process: Process | None) -> None:
    """404 unless `user` may see `process` (loaded with its organisation by the caller,
    e.g. with a contribution on a hot path such as a vote). The same rule as
    processes_visible_to, decided without asking for the user's roles when the process is
    public: no query for participants."""
    if process is None:
        raise Http404(_("This participation process does not exist or is not public."))
    organization = process.organization
    if not (
        (
            process.status in PUBLIC_STATUSES
            or organization_user_can(user, organization, Action.VIEW_DRAFTS)
        )
        and (
            process.visibility != Process.Visibility.RESTRICTED
            or organization_user_can(user, organization, Action.VIEW_RESTRICTED)
        )
    ):
        raise Http404(_("This participation process does not exist or is not public."))


def process_search(
    qs: QuerySet[Process], *, text: str = "", status: str = "", template: str = ""
) -> QuerySet[Process]:
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(question__icontains=text))
    if status:
        qs = qs.filter(status=status)
    if template:
        qs = qs.filter(template=template)
    return qs


def phases_of(*, process: Process) -> QuerySet[Phase]:
    """The process's phases in order (no query when process_get_for_user loaded it)."""
    return process.phases.all()


def phase_get(*, process: Process, pk: int) -> Phase:
    return get_or_404(Phase.objects.filter(process=process), pk=pk)


def themes_of(*, organization: Organization) -> QuerySet[Theme]:
    return Theme.objects.filter(organization=organization)


def theme_get(*, organization: Organization, slug: str) -> Theme:
    return get_or_404(themes_of(organization=organization), slug=slug)


def meetings_of(*, process: Process) -> QuerySet[Any]:
    from django.db.models import Count

    return process.meetings.select_related("neighbourhood").annotate(
        n_registrations=Count("registrations")
    )


def meeting_get(*, process: Process, pk: int) -> Any:
    from .models import Meeting

    meeting = meetings_of(process=process).filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("This meeting does not exist."))
    assert isinstance(meeting, Meeting)
    return meeting


def meeting_registered(*, meeting: Any, user: Any) -> bool:
    """Whether `user` (signed in or not) is registered for the meeting."""
    return bool(user.is_authenticated) and meeting.registrations.filter(user=user.pk).exists()


def registrations_of(*, meeting: Any) -> QuerySet[Any]:
    """The meeting's registrations with their people (for the agents)."""
    return meeting.registrations.select_related("user")
