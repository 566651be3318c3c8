"""cdtt figures UNIT [--as-of DD/MM/YYYY] [--module NAME] [--children]

Every figure of a unit (or each of its children) as of a date, from the same catalogue as
``GET /api/v1/figures/{unit}``: one line per figure (code, label, value, unit of measure), or with
``--children`` one line per child unit. Exit 1 on an unknown unit or a date not dd/mm/yyyy."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from cdtt.figures.catalogue import catalogue, children_figures, figures_of
from cdtt.geo.models import AdminUnit
from cdtt.lib.numbers import vn_number


def _shown(value) -> str:
    if isinstance(value, float):
        return vn_number(value, 1)
    return vn_number(value)


class Command(BaseCommand):
    help = "Print the figures of a unit as of a date (the catalogue of every module)."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="code of the province, district, commune or village")
        parser.add_argument("--as-of", dest="as_of", help="DD/MM/YYYY; default: now")
        parser.add_argument("--module", help="only the figures of one module, e.g. schools")
        parser.add_argument("--children", action="store_true", help="one line per child unit")

    def handle(self, *args, **opts):
        unit = AdminUnit.objects.filter(code=opts["unit"]).order_by("valid_to").first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{opts['unit']}”.")
        as_of = None
        if opts["as_of"]:
            try:
                as_of = dt.datetime.strptime(opts["as_of"], "%d/%m/%Y").date()
            except ValueError:
                raise CommandError(f"Ngày “{opts['as_of']}” không đúng dạng dd/mm/yyyy.") from None
        figures = [f for f in catalogue() if not opts["module"] or f.module == opts["module"]]
        if not figures:
            raise CommandError(f"Không có chỉ số nào của mô-đun “{opts['module']}”.")
        codes = [f.code for f in figures]
        if opts["children"]:
            self.stdout.write("\t".join(["code", "name", *codes]))
            for child, values in children_figures(unit, as_of=as_of, codes=codes):
                row = [child.code, child.name, *(_shown(values[c]) for c in codes)]
                self.stdout.write("\t".join(row))
            return
        values = figures_of(unit, as_of=as_of, codes=codes)
        self.stdout.write(f"{unit.full_name} ({unit.code})")
        for f in figures:
            self.stdout.write(f"{f.code}\t{f.label}\t{_shown(values[f.code])}\t{f.unit}")
