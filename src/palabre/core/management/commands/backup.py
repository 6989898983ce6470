"""`palabre manage backup DIR`: the database and the uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palabre.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the uploaded files into DIR/palabre-backup-<date>.tar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup(options["directory"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(archive))
