"""cdtt import KIND FILE [--dry-run] [--skip-invalid]

One entry for every import kind registered with cdtt.core.imports (population, teams,
villages…). Exit 0 when the whole file went in; 1 with the report of bad rows (row, column,
reason) on standard error, and nothing written unless --skip-invalid (DESIGN.md §6)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from cdtt.core.imports import import_kind, import_kinds


class Command(BaseCommand):
    help = "Import a file (XLSX or CSV) of one kind: population, teams, villages…; all or nothing."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind in import_kinds():
            one = sub.add_parser(kind.code, help=f"{kind.code} import file")
            one.add_argument("file")
            one.add_argument(
                "--dry-run", action="store_true", help="check and count, write nothing"
            )
            one.add_argument(
                "--skip-invalid", action="store_true", help="import the good rows, report the rest"
            )

    def handle(self, *args, **opts):
        kind = import_kind(opts["kind"])
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if interactive:
                sys.stderr.write(f"\r{done:,}/{total:,}")
                sys.stderr.flush()

        try:
            open(opts["file"], "rb").close()
        except OSError as exc:
            raise CommandError(f"Không mở được tệp: {exc.strerror}") from None
        result = kind.run(
            actor=None,
            path=opts["file"],
            dry_run=opts["dry_run"],
            skip_invalid=opts["skip_invalid"],
            progress=progress,
        )
        if interactive:
            sys.stderr.write("\n")
        if result.problem:
            raise CommandError(result.problem)
        for error in result.errors:
            where = f"Dòng {error.row}" if error.row else "Tệp"
            column = f", cột “{error.column}”" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.reason}")
        if result.errors_total > len(result.errors):
            self.stderr.write(f"… và {result.errors_total - len(result.errors)} lỗi khác.")
        if result.written:
            self.stdout.write(result.message)
            if result.ok:
                return
        raise CommandError(
            f"Tệp có {result.errors_total} lỗi; "
            + ("các dòng lỗi đã bỏ qua." if opts["skip_invalid"] else "chưa ghi dữ liệu nào.")
        )
