"""Daily notification work: announce phases that began, send the daily digests.

Run it once a day (cron, systemd timer…): `palabre manage notifications_daily`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from palabre.notifications.services import digest_send, phases_announce


class Command(BaseCommand):
    help = "Announce phases that began and send the daily notification digests."

    def handle(self, *args: Any, **options: Any) -> None:
        announced = phases_announce()
        digests = digest_send()
        self.stdout.write(f"phase notifications: {announced}, digests queued: {digests}")
