"""cdtt backup -o FILE: the database (SQLite online backup / pg_dump custom format) and the stored
files in one tar file, with the row count of every table."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cdtt.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a full backup of the database and the stored files to FILE."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args, **opts):
        path = Path(opts["output"])
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["counts"]
        self.stdout.write(
            f"Backup of the {manifest['engine']} database written to {path}: "
            f"{len(counts)} tables, {sum(counts.values())} rows."
        )
