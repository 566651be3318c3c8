"""cdtt units load --province CODE --structure 2024|2025
cdtt units remap --to 2025 [--province CODE] [--dry-run] [--accept-defaults] [--json]"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cdtt.geo.remap import Plan, RemapRefused, province_to_move, remap_plan, remap_run
from cdtt.geo.services import StructureConflict, units_load


class Command(BaseCommand):
    help = "Load the official administrative units of a province (idempotent); move it to 2025."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load provinces, districts and communes")
        load.add_argument("--province", required=True, help="official province code, e.g. 38")
        load.add_argument("--structure", choices=["2024", "2025"], default="2024")
        remap = sub.add_parser("remap", help="move the province to the 2025 structure")
        remap.add_argument("--to", choices=["2025"], required=True)
        remap.add_argument("--province", help="province code (default: the one loaded)")
        remap.add_argument("--dry-run", action="store_true", help="print what would move")
        remap.add_argument(
            "--accept-defaults",
            action="store_true",
            help="villages of divided communes not assigned go to the official default",
        )
        remap.add_argument("--json", action="store_true", help="print the plan as JSON")

    def handle(self, *args, **opts):
        if opts["action"] == "remap":
            return self.remap(opts)
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

    def remap(self, opts):
        try:
            province = province_to_move(opts.get("province"))
            if opts["dry_run"]:
                self.show(remap_plan(province=province), opts["json"])
                return
            result = remap_run(
                actor=None, province=province, accept_defaults=opts["accept_defaults"]
            )
        except RemapRefused as exc:
            raise CommandError(str(exc)) from None
        if opts["json"]:
            self.stdout.write(json.dumps({**result.plan.as_json(), "moved": result.done}))
        elif not result.done:
            self.stdout.write("Already on the 2025 structure: nothing changed.")
        else:
            self.show(result.plan, False)
            for line in result.rollups:
                self.stdout.write(f"rollups {line}")
            self.stdout.write(f"Moved {result.rows.get('villages', 0)} villages.")

    def show(self, plan: Plan, as_json: bool) -> None:
        data = plan.as_json()
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        if plan.done:
            self.stdout.write("Already on the 2025 structure: nothing to move.")
            return
        self.stdout.write(
            f"{data['new_communes']} new communes from {data['merged']} merged and "
            f"{data['divided']} divided old communes; {data['villages_to_move']} villages to move "
            f"({data['unassigned']} of divided communes not assigned)."
        )
        for c in plan.communes.values():
            counts = ", ".join(f"{k} {v}" for k, v in c.counts.items())
            olds = ", ".join(c.old_communes) or "-"
            self.stdout.write(f"  {c.code} {c.name}: from {olds}; villages {c.villages}; {counts}")
        for old, news in plan.divided.items():
            self.stdout.write(f"  divided {old} -> {', '.join(news)} (default {news[0]})")
