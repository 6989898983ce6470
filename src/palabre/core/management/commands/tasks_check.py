"""Check the job system end to end: enqueue a ping task and wait for a worker to run it."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from palabre.core.tasks import ping


class Command(BaseCommand):
    help = "Enqueue a ping task and wait until a worker has run it (exit 1 on time-out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait")

    def handle(self, *args: Any, **options: Any) -> None:
        result = ping.enqueue(42)
        self.stdout.write(f"Backend {settings.TASKS_BACKEND}: enqueued task {result.id}")
        deadline = time.monotonic() + options["wait"]
        while True:
            result.refresh()
            if result.is_finished:
                break
            if time.monotonic() > deadline:
                raise CommandError(
                    f"No worker ran task {result.id} within {options['wait']:.0f} s: is a worker "
                    "running (palabre manage db_worker, or rqworker for Redis)?"
                )
            time.sleep(0.2)
        if result.status != "SUCCESSFUL" or result.return_value != 42:
            raise CommandError(f"Task {result.id} ended with status {result.status}.")
        self.stdout.write(self.style.SUCCESS(f"Task {result.id} ran on a worker: OK"))
