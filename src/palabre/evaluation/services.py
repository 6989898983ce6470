"""Counting visits (no cookie, no address kept) and summing them up each day."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from palabre.processes.models import Process

from .models import DailyVisitor, DailyVisits, VisitSalt

ROBOTS = ("bot", "crawl", "spider", "slurp", "preview", "monitor", "headless")


def _salt(day: dt.date) -> str:
    salt = VisitSalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if salt is None:
        try:
            with transaction.atomic():
                salt = VisitSalt.objects.create(day=day, salt=secrets.token_hex(32)).salt
        except IntegrityError:  # created meanwhile by another request
            salt = VisitSalt.objects.get(day=day).salt
    return salt


def visit_record(*, process: Process, address: str, user_agent: str) -> None:
    """Count one page view of `process` and, once a day, its visitor (salted hash)."""
    if not user_agent or any(word in user_agent.lower() for word in ROBOTS):
        return
    day = timezone.localdate()
    digest = hashlib.sha256(
        f"{_salt(day)}|{address}|{user_agent}|{process.pk}".encode()
    ).hexdigest()
    DailyVisitor.objects.bulk_create(
        [DailyVisitor(day=day, process=process, visitor=digest)], ignore_conflicts=True
    )
    updated = DailyVisits.objects.filter(day=day, process=process).update(
        page_views=F("page_views") + 1
    )
    if not updated:
        DailyVisits.objects.bulk_create(
            [DailyVisits(day=day, process=process, page_views=1)], ignore_conflicts=True
        )


@transaction.atomic
def visits_roll_up(*, today: Any = None) -> int:
    """Sum up the finished days: distinct visitors into DailyVisits, then delete the hashes
    and the salts of those days. Returns the number of days summed up."""
    today = today or timezone.localdate()
    rows = (
        DailyVisitor.objects.filter(day__lt=today)
        .values("day", "process_id")
        .annotate(n=Count("visitor"))
    )
    days = set()
    for row in rows:
        DailyVisits.objects.update_or_create(
            day=row["day"], process_id=row["process_id"], defaults={"visitors": row["n"]}
        )
        days.add(row["day"])
    DailyVisitor.objects.filter(day__lt=today).delete()
    VisitSalt.objects.filter(day__lt=today).delete()
    return len(days)
