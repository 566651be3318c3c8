"""cdtt import population FILE [--dry-run] [--skip-invalid]
cdtt import teams FILE [--dry-run] [--skip-invalid]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from cdtt.registry.imports import population_import


class Command(BaseCommand):
    help = "Import households and residents from the population file (XLSX or CSV); all or nothing."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        population = sub.add_parser("population", help="households and residents (DESIGN.md §6)")
        population.add_argument("file")
        population.add_argument(
            "--dry-run", action="store_true", help="check and count, write nothing"
        )
        population.add_argument(
            "--skip-invalid", action="store_true", help="import the good rows, report the rest"
        )
        teams = sub.add_parser("teams", help="teams and their members (the teams import file)")
        teams.add_argument("file")
        teams.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        teams.add_argument(
            "--skip-invalid", action="store_true", help="import the good rows, report the rest"
        )

    def handle(self, *args, **opts):
        if opts["what"] == "teams":
            return self.handle_teams(opts)
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if interactive:
                sys.stderr.write(f"\r{done:,}/{total:,}")
                sys.stderr.flush()

        try:
            open(opts["file"], "rb").close()
        except OSError as exc:
            raise CommandError(f"Không mở được tệp: {exc.strerror}") from None
        result = population_import(
            actor=None,
            path=opts["file"],
            dry_run=opts["dry_run"],
            skip_invalid=opts["skip_invalid"],
            progress=progress,
        )
        if interactive:
            sys.stderr.write("\n")
        for error in result.errors:
            where = f"Dòng {error.row}" if error.row else "Tệp"
            column = f", cột “{error.column}”" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.reason}")
        if result.errors_total > len(result.errors):
            self.stderr.write(f"… và {result.errors_total - len(result.errors)} lỗi khác.")
        if result.ok or (opts["skip_invalid"] and result.rows_imported):
            self.stdout.write(result.message())
            if result.ok:
                return
        raise CommandError(
            f"Tệp có {result.errors_total} lỗi; "
            + ("các dòng lỗi đã bỏ qua." if opts["skip_invalid"] else "chưa ghi dữ liệu nào.")
        )

    def handle_teams(self, opts) -> None:
        from cdtt.lib.tabular import FileProblem
        from cdtt.teams.imports import teams_import

        try:
            with open(opts["file"], "rb") as f:
                data = f.read()
        except OSError as exc:
            raise CommandError(f"Không mở được tệp: {exc.strerror}") from None
        try:
            result = teams_import(
                actor=None,
                data=data,
                dry_run=opts["dry_run"],
                skip_invalid=opts["skip_invalid"],
            )
        except FileProblem as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors:
            where = f"Dòng {error.row}" if error.row else "Tệp"
            column = f", cột “{error.column}”" if error.column else ""
            self.stderr.write(f"{where}{column}: {error.reason}")
        if result.written:
            self.stdout.write(result.message())
            if result.ok:
                return
        raise CommandError(
            f"Tệp có {len(result.errors)} lỗi; "
            + ("các dòng lỗi đã bỏ qua." if opts["skip_invalid"] else "chưa ghi dữ liệu nào.")
        )
