"""cdtt report build --kind ministry|chairman|campaign --unit CODE --from DD/MM/YYYY
--to DD/MM/YYYY [--cutoff DD/MM/YYYY] -o FILE.docx [--annex FILE.xlsx] [--pdf FILE.pdf]

An official report with every figure as of the cut-off (default: the end of the period, or today
while it runs), in the Decree 30/2020 layout; exit 0 (DESIGN.md §10). The letterhead is the
Department's under the province's People's Committee unless ``--letterhead ID`` names one;
``--number`` and ``--signer`` fill in what is otherwise left for the clerk to write by hand.
Nothing is stored: issuing (the frozen snapshot) happens on the report's page."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cdtt.documents.builder import build_docx
from cdtt.documents.models import Letterhead, department_letterhead
from cdtt.documents.pdf import PdfError, docx_to_pdf
from cdtt.geo.models import AdminUnit
from cdtt.reports import content
from cdtt.reports.kinds import ReportKind
from cdtt.reports.services import check_period, default_cutoff


def _day(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise CommandError(f"Ngày “{text}” không đúng dạng dd/mm/yyyy.") from None


class Command(BaseCommand):
    help = "Build a report to the Ministry or the Chairman, or a campaign's final report."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="build the DOCX (and the XLSX annex, the PDF)")
        build.add_argument("--kind", required=True, choices=ReportKind.values)
        build.add_argument("--unit", required=True, help="code of the province, district…")
        build.add_argument("--from", dest="period_from", required=True, help="DD/MM/YYYY")
        build.add_argument("--to", dest="period_to", required=True, help="DD/MM/YYYY")
        build.add_argument("--cutoff", help="DD/MM/YYYY; default: the end of the period")
        build.add_argument("-o", "--output", required=True, help="FILE.docx")
        build.add_argument("--annex", help="FILE.xlsx: one row per child unit")
        build.add_argument("--pdf", help="FILE.pdf")
        build.add_argument("--letterhead", type=int, help="id of a stored letterhead")
        build.add_argument("--number", default="", help="the document's number")
        build.add_argument("--signer", default=None, help="the signer's name")

    def handle(self, *args, **opts):
        unit = AdminUnit.objects.filter(code=opts["unit"], valid_to__isnull=True).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{opts['unit']}”.")
        starts, ends = _day(opts["period_from"]), _day(opts["period_to"])
        cutoff = _day(opts["cutoff"]) if opts["cutoff"] else default_cutoff(ends)
        try:
            check_period(
                unit=unit, kind=opts["kind"], period_from=starts, period_to=ends, cutoff=cutoff
            )
        except ValidationError as exc:
            raise CommandError(
                " ".join(m for ms in exc.message_dict.values() for m in ms)
            ) from None
        letterhead = self._letterhead(opts["letterhead"], unit)
        data = content.gather(unit, content.Period(starts, ends, cutoff))
        letter = content.Letter(
            letterhead=letterhead,
            issued_on=timezone.localdate(),
            number=opts["number"],
            signer_name=opts["signer"],
        )
        docx = build_docx(content.document(opts["kind"], data, content.Words(), letter))
        Path(opts["output"]).write_bytes(docx)
        if opts["annex"]:
            Path(opts["annex"]).write_bytes(content.annex(data))
        if opts["pdf"]:
            try:
                Path(opts["pdf"]).write_bytes(docx_to_pdf(docx))
            except PdfError as exc:
                raise CommandError(str(exc)) from None
        note = "" if content.has_data(data) else " (kỳ báo cáo chưa có số liệu)"
        self.stdout.write(f"Đã lập báo cáo {unit.full_name}, số liệu đến {cutoff:%d/%m/%Y}{note}.")

    def _letterhead(self, pk: int | None, unit: AdminUnit) -> Letterhead:
        if pk is None:
            return department_letterhead(unit if unit.province_id is None else unit.province)
        letterhead = Letterhead.objects.filter(pk=pk).first()
        if letterhead is None:
            raise CommandError(f"Không có mẫu phần đầu văn bản số {pk}.")
        return letterhead
