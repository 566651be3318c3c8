"""cdtt rollups --check | --rebuild | --snapshot [YYYY-MM-DD]

Every roll-up registered with ``cdtt.core.rollups`` (the registry's coverage counters, the
campaigns' daily counters…), each kept by the writes and recounted here from scratch."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cdtt.core.rollups import checkers


class Command(BaseCommand):
    help = (
        "Compare every registered roll-up (coverage, the campaigns' daily counters…) with a "
        "recomputation from scratch (exit 1 on any difference), or rebuild them."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true")
        group.add_argument("--rebuild", action="store_true")
        group.add_argument(
            "--snapshot",
            nargs="?",
            const="today",
            metavar="YYYY-MM-DD",
            help="copy each village's counters for the chart over time",
        )

    def handle(self, *args, **opts):
        if opts["rebuild"]:
            for checker in checkers():
                self.stdout.write(checker.rebuild())
            return
        if opts["snapshot"]:
            day = (
                timezone.localdate()
                if opts["snapshot"] == "today"
                else dt.date.fromisoformat(opts["snapshot"])
            )
            for checker in checkers():
                if checker.snapshot is not None:
                    self.stdout.write(checker.snapshot(day))
            return
        diffs = [d for checker in checkers() for d in checker.check()]
        for d in diffs:
            self.stdout.write(str(d))
        if diffs:
            raise CommandError(
                f"{len(diffs)} difference(s); run `cdtt rollups --rebuild` to repair."
            )
        self.stdout.write("Roll-ups are exact.")
