"""cdtt training courses [--unit CODE] [--status open|closed]
cdtt training certificates COURSE_ID
cdtt training completions [--unit CODE] [--topic CODE] -o FILE.xlsx

The courses of a unit's subtree; the certificates of a whole course issued (with their PDFs) as
the course page's button does, with progress; the members who completed courses as the
completions page's workbook. Exit 1 on an unknown unit or course."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cdtt.core.listing import export_rows
from cdtt.documents.pdf import PdfError
from cdtt.geo.models import AdminUnit
from cdtt.lib import xlsx
from cdtt.training.certificates import certificates_generate
from cdtt.training.models import Completion, Course


class Command(BaseCommand):
    help = "Training courses from the command line: list, certificates of a course, completions."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        courses = sub.add_parser("courses", help="list the courses of a unit's subtree")
        courses.add_argument("--unit", help="unit code; default: the whole database")
        courses.add_argument("--status", choices=["open", "closed"])
        certificates = sub.add_parser("certificates", help="issue a whole course's certificates")
        certificates.add_argument("course", type=int)
        completions = sub.add_parser("completions", help="the completions as XLSX")
        completions.add_argument("--unit", help="unit code of the courses")
        completions.add_argument("--topic", help="topic code")
        completions.add_argument("-o", "--output", required=True, help="FILE.xlsx")

    def handle(self, *args, **opts):
        getattr(self, f"_{opts['action']}")(opts)

    def _path(self, code: str | None) -> str:
        if not code:
            return ""
        unit = AdminUnit.objects.filter(code=code, valid_to__isnull=True).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{code}”.")
        return unit.path

    def _courses(self, opts) -> None:
        rows = Course.objects.filter(path__startswith=self._path(opts["unit"]))
        if opts["status"]:
            rows = rows.filter(status=opts["status"])
        for c in rows.select_related("organizer").order_by("-pk"):
            line = [str(c.pk), c.title, c.organizer.name, c.get_status_display()]
            self.stdout.write("\t".join(line))

    def _certificates(self, opts) -> None:
        course = (
            Course.objects.select_related("organizer", "unit").filter(pk=opts["course"]).first()
        )
        if course is None:
            raise CommandError(f"Không có khóa tập huấn số {opts['course']}.")

        def progress(done: int, total: int) -> None:
            if total and (done == total or done % 100 == 0):
                self.stdout.write(f"  {done}/{total}")

        try:
            issued, made = certificates_generate(course, progress)
        except PdfError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{issued} giấy chứng nhận; tạo mới {made} tệp PDF.")

    def _completions(self, opts) -> None:
        from cdtt.training.views import COMPLETIONS  # the page's columns, one definition

        rows = Completion.objects.filter(course__path__startswith=self._path(opts["unit"]))
        if opts["topic"]:
            rows = rows.filter(course__topics__code=opts["topic"]).distinct()
        rows = rows.select_related("person", "course__organizer").order_by("-completed_on", "-pk")
        headers = [xlsx.XlsxColumn(str(c.header), c.kind) for c in COMPLETIONS.export_columns()]
        with open(Path(opts["output"]), "wb") as out:
            count = xlsx.write_xlsx(
                out, str(COMPLETIONS.title), headers, export_rows(COMPLETIONS, rows)
            )
        self.stdout.write(f"{count} dòng → {opts['output']}")
