"""cdtt restore FILE [--verify]: put a backup's database and stored files back; with --verify,
recount every table and recheck the roll-ups against the backup's manifest (exit 1 on a
difference)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cdtt.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup written by `cdtt backup` in place of the current database."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--verify", action="store_true", help="compare every table's count and the roll-ups"
        )

    def handle(self, *args, **opts):
        try:
            result = restore(Path(opts["file"]), verify=opts["verify"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {opts['file']}.")
        if result is None:
            return
        for name, (expected, found) in result.count_diffs.items():
            self.stdout.write(f"{name}: {expected} rows in the backup, {found} restored")
        for diff in result.rollup_diffs:
            self.stdout.write(f"roll-up: {diff}")
        if not result.ok:
            raise CommandError("The restored database differs from the backup.")
        self.stdout.write(
            f"Verified: {result.tables} tables, {result.rows} rows, roll-ups as backed up."
        )
