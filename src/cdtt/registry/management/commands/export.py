"""cdtt export coverage --unit CODE [--structure 2024|2025] -o FILE.xlsx [--villages]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cdtt.geo.models import Structure
from cdtt.geo.selectors import unit_by_code
from cdtt.registry.exports import coverage_xlsx


class Command(BaseCommand):
    help = "Export coverage of a unit and each of its children to XLSX."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        coverage = sub.add_parser(
            "coverage", help="households, covered households, rate, proficient per skill"
        )
        coverage.add_argument("--unit", required=True, help="unit code, e.g. 38")
        coverage.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        coverage.add_argument(
            "--structure",
            choices=Structure.values,
            help="the structure the code belongs to (default: the unit in force)",
        )
        coverage.add_argument(
            "--villages", action="store_true", help="one row per village below the unit"
        )

    def handle(self, *args, **opts):
        unit = unit_by_code(opts["unit"], structure=opts["structure"])
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {opts['unit']}.")
        data = coverage_xlsx(unit, villages=opts["villages"])
        Path(opts["output"]).write_bytes(data)
        self.stdout.write(f"{opts['output']}: {unit.full_name}")
