from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from palabre.demo.loader import load_demo, shared_data_dir


class Command(BaseCommand):
    help = "Load the demo local governments (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shared-data", type=Path, default=None)
        parser.add_argument("--answers", type=int, default=3000)

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_demo(
            options["shared_data"] or shared_data_dir(), answers_limit=options["answers"]
        )
        self.stdout.write(
            f"Demo ready: {report.organizations} organisations, {report.processes} processes, "
            f"{report.contributions_added} new contributions (text source: {report.source})."
        )
