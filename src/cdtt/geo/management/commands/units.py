"""cdtt units load --province CODE --structure 2024|2025"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cdtt.geo.services import StructureConflict, units_load


class Command(BaseCommand):
    help = "Load the official administrative units of a province (idempotent)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load provinces, districts and communes")
        load.add_argument("--province", required=True, help="official province code, e.g. 38")
        load.add_argument("--structure", choices=["2024", "2025"], default="2024")

    def handle(self, *args, **opts):
        try:
            result = units_load(
                actor=None, province_code=opts["province"], structure=opts["structure"]
            )
        except (StructureConflict, ValidationError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from None
        levels = ", ".join(f"{k}: {v}" for k, v in result.by_level.items())
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged ({levels})"
        )
