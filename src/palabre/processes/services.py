"""Writes for processes: create from a template, frame, schedule phases, change status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from palabre.organizations.models import Organization

from .blueprints import BLUEPRINTS
from .models import Phase, Process, Theme

FRAMING_FIELDS = frozenset(
    {
        "title",
        "question",
        "objective",
        "open_to_discussion",
        "decision_maker",
        "decision_date",
        "visibility",
    }
)

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Process.Status.DRAFT: frozenset({Process.Status.PUBLISHED}),
    Process.Status.PUBLISHED: frozenset({Process.Status.CLOSED, Process.Status.DRAFT}),
    Process.Status.CLOSED: frozenset({Process.Status.PUBLISHED, Process.Status.ARCHIVED}),
    Process.Status.ARCHIVED: frozenset({Process.Status.CLOSED}),
}


def _unique_slug(organization: Organization, title: str) -> str:
    base = slugify(title)[:90] or "demarche"
    slug, n = base, 2
    while Process.objects.filter(organization=organization, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def theme_get_or_create(*, organization: Organization, name: str) -> Theme:
    theme, _created = Theme.objects.get_or_create(
        organization=organization, slug=slugify(name)[:80], defaults={"name": name}
    )
    return theme


@transaction.atomic
def process_create(
    *,
    organization: Organization,
    template: str,
    title: str,
    question: str,
    created_by: Any = None,
    start_date: dt.date | None = None,
    slug: str = "",
    themes: list[Theme] | None = None,
    **framing: Any,
) -> Process:
    """Create a draft process from a template, with the template's phases from `start_date`."""
    if template not in BLUEPRINTS:
        raise ValidationError({"template": _("Unknown template.")})
    unknown = set(framing) - FRAMING_FIELDS
    if unknown:
        raise TypeError(f"process_create: unknown fields {sorted(unknown)}")
    process = Process(
        organization=organization,
        template=template,
        title=title,
        question=question,
        slug=slug or _unique_slug(organization, title),
        created_by=created_by,
        **framing,
    )
    process.full_clean()
    process.save()
    if themes:
        process.themes.set(themes)
    start = start_date or timezone.localdate()
    # Stored content is written in the site's language (French), whatever the agent's UI.
    with translation.override(settings.LANGUAGE_CODE):
        titles = [str(plan.title) for plan in BLUEPRINTS[template].phases]
    for position, (plan, phase_title) in enumerate(
        zip(BLUEPRINTS[template].phases, titles, strict=True)
    ):
        end = start + dt.timedelta(days=plan.days - 1)
        Phase.objects.create(
            process=process,
            kind=plan.kind,
            title=phase_title,
            start_date=start,
            end_date=end,
            position=position,
        )
        start = end + dt.timedelta(days=1)
    return process


def process_update(
    *, process: Process, themes: list[Theme] | None = None, **fields: Any
) -> Process:
    unknown = set(fields) - FRAMING_FIELDS
    if unknown:
        raise TypeError(f"process_update: unknown fields {sorted(unknown)}")
    for key, value in fields.items():
        setattr(process, key, value)
    process.full_clean()
    process.save()
    if themes is not None:
        if any(t.organization_id != process.organization_id for t in themes):
            raise ValidationError(_("A theme belongs to another local government."))
        process.themes.set(themes)
    return process


@transaction.atomic
def process_set_status(*, process: Process, status: str) -> Process:
    process = Process.objects.select_for_update().get(pk=process.pk)
    if status == process.status:
        return process
    if status not in ALLOWED_TRANSITIONS[process.status]:
        raise ValidationError(
            _("A process cannot go from “%(old)s” to “%(new)s”.")
            % {"old": process.get_status_display(), "new": Process.Status(status).label}
        )
    if status == Process.Status.PUBLISHED and not process.phases.exists():
        raise ValidationError(_("Add at least one phase before publishing."))
    process.status = status
    if status == Process.Status.PUBLISHED and process.published_at is None:
        process.published_at = timezone.now()
    process.save(update_fields=["status", "published_at", "updated_at"])
    if status == Process.Status.CLOSED:
        from .signals import process_closed

        transaction.on_commit(lambda: process_closed.send(sender=Process, process=process))
    if status == Process.Status.ARCHIVED:
        from .signals import process_archived

        process_archived.send(sender=Process, process=process)
    return process


def phase_update(
    *,
    phase: Phase,
    title: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
) -> Phase:
    phase.title, phase.kind, phase.description = title, kind, description
    phase.start_date, phase.end_date = start_date, end_date
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end must come after the start.")})
    phase.full_clean()
    phase.save()
    return phase


def phase_add(
    *,
    process: Process,
    title: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
) -> Phase:
    if end_date < start_date:
        raise ValidationError({"end_date": _("The end must come after the start.")})
    position = process.phases.count()
    phase = Phase(
        process=process,
        title=title,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        description=description,
        position=position,
    )
    phase.full_clean()
    phase.save()
    return phase


def phase_delete(*, phase: Phase) -> None:
    phase.delete()


# --- meetings -------------------------------------------------------------------------------

MEETING_FIELDS = frozenset(
    {
        "title",
        "description",
        "starts_at",
        "ends_at",
        "place",
        "address",
        "neighbourhood",
        "accessibility",
        "capacity",
        "registration_open",
    }
)


def meeting_save(*, process: Process, meeting: Any = None, **fields: Any) -> Any:
    from .models import Meeting

    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise ValueError(f"unknown meeting fields: {sorted(unknown)}")
    meeting = meeting or Meeting(process=process)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if meeting.starts_at and meeting.ends_at and meeting.ends_at < meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting cannot end before it starts.")})
    neighbourhood = fields.get("neighbourhood")
    if neighbourhood is not None and neighbourhood.organization_id != process.organization_id:
        raise ValidationError(
            {"neighbourhood": _("This neighbourhood belongs to another local government.")}
        )
    meeting.full_clean(exclude=["process"])
    meeting.save()
    return meeting


class MeetingFull(ValidationError):
    """No seat left; the message says so in French."""


@transaction.atomic
def meeting_register(*, meeting: Any, user: Any) -> Any:
    """Register `user`; exact under concurrent registrations: the meeting row is locked while
    seats are counted, and the unique constraint keeps one registration per person."""
    from .models import Meeting, MeetingRegistration

    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    existing = MeetingRegistration.objects.filter(meeting=locked, user=user).first()
    if existing is not None:
        return existing
    if not locked.registration_open or locked.is_past:
        raise ValidationError(_("Registration for this meeting is closed."))
    if locked.process.status != Process.Status.PUBLISHED:
        raise ValidationError(_("This participation process is closed: everything stays readable."))
    if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
        raise MeetingFull(_("This meeting is full."))
    return MeetingRegistration.objects.create(meeting=locked, user=user)


def meeting_unregister(*, meeting: Any, user: Any) -> None:
    meeting.registrations.filter(user=user).delete()


def meeting_publish_minutes(*, meeting: Any, minutes: str) -> Any:
    if not minutes.strip():
        raise ValidationError({"minutes": _("The minutes cannot be empty.")})
    meeting.minutes = minutes.strip()
    meeting.minutes_published_at = meeting.minutes_published_at or timezone.now()
    meeting.save(update_fields=["minutes", "minutes_published_at"])
    return meeting
