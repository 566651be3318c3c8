"""`cdtt movements list` and `cdtt movements ranking ID [--kind branch|member] [--json]
[-o FILE.xlsx]`: the live ranking of a movement, as text, JSON or a workbook."""

import json

from django.core.management.base import BaseCommand, CommandError

from cdtt.movements import selectors
from cdtt.movements.exports import ranking_bytes
from cdtt.movements.models import Movement


class Command(BaseCommand):
    help = "Youth emulation movements: list them, print or export a ranking."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every movement")
        ranking = sub.add_parser("ranking", help="the live ranking of a movement")
        ranking.add_argument("id", type=int)
        ranking.add_argument("--kind", choices=["branch", "member"], default=None)
        ranking.add_argument("--json", action="store_true")
        ranking.add_argument("-o", "--output", default="", help="write an XLSX file")

    def handle(self, *args, **opts):
        if opts["action"] == "list":
            for m in Movement.objects.order_by("-starts_on"):
                self.stdout.write(
                    f"{m.pk:>5}  {m.starts_on:%d/%m/%Y}–{m.ends_on:%d/%m/%Y}  {m.title}"
                )
            return
        movement = Movement.objects.filter(pk=opts["id"]).first()
        if movement is None:
            raise CommandError(f"no movement {opts['id']}")
        if opts["output"]:
            data, count = ranking_bytes(movement, opts["kind"])
            with open(opts["output"], "wb") as fh:
                fh.write(data)
            self.stdout.write(f"wrote {count} row(s) to {opts['output']}")
            return
        members, branches = selectors.ranking(movement)
        rows = [r for r in branches + members if opts["kind"] in (None, r.kind)]
        if opts["json"]:
            items = [
                {"rank": r.rank, "kind": r.kind, "name": r.name, "points": r.points} for r in rows
            ]
            payload = {"movement": movement.pk, "items": items}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(f"{r.rank:>4}  {r.kind:<7} {r.points:>6}  {r.name}")
