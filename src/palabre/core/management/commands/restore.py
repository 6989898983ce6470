"""`palabre manage restore ARCHIVE --yes`: replace the database and the uploaded files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from palabre.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files by those of a backup archive, after "
        "checking it (digests, migrations), then check the row counts. Stop the app servers "
        "and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm: the current data will be replaced"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("This replaces every piece of data of the site: add --yes.")
        try:
            manifest = restore(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created']} (Palabre {manifest['palabre']}): "
            f"{len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files']) - 1} uploaded files."
        )
