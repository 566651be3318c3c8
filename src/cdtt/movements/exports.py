"""The ranking of a movement as a workbook: one builder for the page's download and the
command line's file."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.lib import xlsx
from cdtt.movements import selectors
from cdtt.movements.models import Movement


def _sheet(movement: Movement, kind: str | None = None):
    members, branches = selectors.ranking(movement)
    kinds = {"branch": _("Cơ sở Đoàn"), "member": _("Đoàn viên")}
    columns = [
        xlsx.XlsxColumn(_("Hạng"), xlsx.INTEGER),
        xlsx.XlsxColumn(_("Loại"), xlsx.TEXT),
        xlsx.XlsxColumn(_("Tên"), xlsx.TEXT),
        xlsx.XlsxColumn(_("Cơ sở Đoàn"), xlsx.TEXT),
        xlsx.XlsxColumn(_("Điểm"), xlsx.INTEGER),
    ]
    rows = [
        [r.rank, kinds[r.kind], r.name, r.branch or r.name, r.points]
        for r in branches + members
        if kind in (None, r.kind)
    ]
    title = _("Xếp hạng: %(m)s") % {"m": movement.title}
    return title, columns, rows


def ranking_response(movement: Movement) -> HttpResponse:
    title, columns, rows = _sheet(movement)
    return xlsx.xlsx_response(
        f"xep-hang-phong-trao-{movement.pk}.xlsx",
        title,
        columns,
        rows,
        unit=movement.unit.full_name,
        as_of=timezone.localdate(),
    )


def ranking_bytes(movement: Movement, kind: str | None = None) -> tuple[bytes, int]:
    title, columns, rows = _sheet(movement, kind)
    data = xlsx.xlsx_bytes(
        title, columns, rows, unit=movement.unit.full_name, as_of=timezone.localdate()
    )
    return data, len(rows)
