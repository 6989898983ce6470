"""Writes for contributions: one entry point, whatever the channel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.core.models import Channel
from palabre.processes.models import Process

from .models import Contribution


def contribution_create(
    *,
    process: Process,
    kind: str,
    body: str,
    author: Any = None,
    channel: str = Channel.ONLINE,
    **fields: Any,
) -> Contribution:
    if not body.strip():
        raise ValidationError({"body": _("The text cannot be empty.")})
    contribution = Contribution(
        process=process,
        kind=kind,
        body=body.strip(),
        author=author,
        channel=channel,
        created_at=fields.pop("created_at", None) or timezone.now(),
        phase=fields.pop("phase", None) or process.current_phase(),
        **fields,
    )
    contribution.full_clean(exclude=["parent"])
    contribution.save()
    return contribution


@transaction.atomic
def contributions_import(*, process: Process, rows: Iterable[Contribution]) -> int:
    """Insert prepared contributions in one transaction; rows whose `source_ref` is already
    there are skipped, so an import can be re-run without duplicating anything."""
    rows = list(rows)
    refs = {r.source_ref for r in rows if r.source_ref}
    existing = set(
        Contribution.objects.filter(process=process, source_ref__in=refs).values_list(
            "source_ref", flat=True
        )
    )
    fresh = [r for r in rows if not r.source_ref or r.source_ref not in existing]
    for row in fresh:
        row.process = process
    Contribution.objects.bulk_create(fresh, batch_size=500)
    return len(fresh)
