"""`cdtt reminders send [--dry-run]`: send the digest of overdue and due-soon tasks now (the
same path as the daily job), including the digests a mail server refused before."""

from django.core.management.base import BaseCommand, CommandError

from cdtt.directives.digest import digests_send


class Command(BaseCommand):
    help = "Send the daily digest of overdue and due-soon tasks to each agency officer now."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["send"])
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing.")

    def handle(self, *args, action: str, dry_run: bool, **options):
        outcome = digests_send(dry_run=dry_run)
        for line in outcome.lines:
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(f"dry run: {outcome.prepared} digest(s) would be sent")
            return
        self.stdout.write(
            f"{outcome.prepared} prepared, {outcome.sent} sent, {outcome.failed} failed"
        )
        if outcome.failed:
            raise CommandError(
                f"{outcome.failed} digest(s) refused by the mail server; kept for retry"
            )
