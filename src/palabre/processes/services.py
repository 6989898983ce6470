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
