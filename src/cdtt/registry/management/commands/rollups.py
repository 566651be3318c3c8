"""cdtt rollups --check | --rebuild | --snapshot [YYYY-MM-DD]

The coverage roll-ups of the registry and the campaigns' daily counters, both kept by each write
and both recounted here from scratch."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cdtt.registry.rollups import rollups_check, rollups_rebuild, snapshot_take


class Command(BaseCommand):
    help = (
        "Compare the coverage roll-ups and the campaigns' daily counters with a recomputation "
        "from scratch (exit 1 on any difference), or rebuild them."
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
        from cdtt.campaigns.rollups import campaign_days_check, campaign_days_rebuild

        if opts["rebuild"]:
            changed = rollups_rebuild()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in changed.items()))
            self.stdout.write(f"campaign days: {campaign_days_rebuild()} rows")
            return
        if opts["snapshot"]:
            day = (
                timezone.localdate()
                if opts["snapshot"] == "today"
                else dt.date.fromisoformat(opts["snapshot"])
            )
            self.stdout.write(f"{snapshot_take(day)} villages on {day.isoformat()}")
            return
        diffs = [*rollups_check(), *campaign_days_check()]
        for d in diffs:
            self.stdout.write(str(d))
        if diffs:
            raise CommandError(
                f"{len(diffs)} difference(s); run `cdtt rollups --rebuild` to repair."
            )
        self.stdout.write("Roll-ups are exact.")
