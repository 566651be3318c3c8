"""cdtt privacy export --resident ID -o FILE | erase --resident ID | retention [--dry-run]

A data subject's request from the command line (the file's extension chooses XLSX or JSON), and
the retention clean-up the nightly job runs."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cdtt.core.errors import error_text
from cdtt.privacy import services
from cdtt.registry.models import Resident


def _resident(pk: int) -> Resident:
    resident = Resident.objects.select_related("household", "village").filter(pk=pk).first()
    if resident is None:
        raise CommandError(f"No resident with id {pk}.")
    return resident


class Command(BaseCommand):
    help = "A data subject's request (export everything about a resident, erase one) or retention."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="everything about one resident, XLSX or JSON")
        export.add_argument("--resident", type=int, required=True)
        export.add_argument("-o", "--output", required=True, help="FILE.xlsx or FILE.json")
        export.add_argument("--purpose", default="Yêu cầu của chủ thể dữ liệu")
        erase = sub.add_parser("erase", help="anonymise one resident (figures stay right)")
        erase.add_argument("--resident", type=int, required=True)
        erase.add_argument("--reason", default="Yêu cầu xoá dữ liệu của chủ thể dữ liệu")
        retention = sub.add_parser("retention", help="apply the retention settings now")
        retention.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None

    def _export(self, opts):
        path = Path(opts["output"])
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in services.FORMATS:
            raise CommandError("The output file must end in .xlsx or .json.")
        exported = services.subject_export(
            actor=None, resident=_resident(opts["resident"]), purpose=opts["purpose"], fmt=fmt
        )
        path.write_bytes(exported.content)
        self.stdout.write(f"{path}: {len(exported.content)} bytes")

    def _erase(self, opts):
        resident = services.resident_erase(
            actor=None, resident=_resident(opts["resident"]), reason=opts["reason"]
        )
        self.stdout.write(f"Resident {resident.pk} anonymised.")

    def _retention(self, opts):
        outcome = services.retention_apply(dry_run=opts["dry_run"])
        verb = "would be" if opts["dry_run"] else "were"
        self.stdout.write(
            f"{outcome.residents} former residents {verb} anonymised, "
            f"{outcome.log_entries} access log entries {verb} deleted."
        )
