"""``cdtt bench``: the benchmarks of DESIGN.md §7 (bench/run.py), on PostgreSQL, in a database
of their own; results go to bench/results/ and the table in bench/README.md."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from cdtt.site.demo import SCALES


def _bench_modules():
    bench_dir = settings.PROJECT_DIR / "bench"
    if not (bench_dir / "run.py").exists():
        raise CommandError(f"cdtt bench needs the source checkout (no {bench_dir / 'run.py'}).")
    if str(settings.PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(settings.PROJECT_DIR))
    from bench import report, run

    return run, report


def _database_check(database: str) -> None:
    """The bench runs on PostgreSQL, in a database of its own that it may drop."""
    engine = connections["default"].settings_dict["ENGINE"]
    if "postgresql" not in engine:
        raise CommandError(
            "cdtt bench runs on PostgreSQL only; the database configured is "
            f"{engine.rsplit('.', 1)[-1]}. "
            "Set DATABASE_URL=postgres://USER@HOST:5432/cdtt_bench "
            "(the bench creates and drops its own database on that server)."
        )
    if not database.startswith("cdtt_bench"):
        raise CommandError(
            "the bench database's name must start with cdtt_bench: "
            "it is dropped and created afresh at every run."
        )


def _steps_chosen(run, only: str) -> list[str]:
    """The steps named by --only (none: every step); an unknown name is refused."""
    steps = [s.strip() for s in only.split(",") if s.strip()]
    unknown = sorted(set(steps) - set(run.STEP_NAMES))
    if unknown:
        raise CommandError(
            f"--only: no step {', '.join(unknown)}; the steps: {', '.join(run.STEP_NAMES)}"
        )
    return steps


class Command(BaseCommand):
    help = (
        "Measure the performance budgets on PostgreSQL (DATABASE_URL must point to PostgreSQL): "
        "import vs bare COPY, coverage per level, worklist, XLSX export, visit load, field app "
        "size, the move of the province to the 2025 map (last; rolled back). Creates (and "
        "drops first) its own database, cdtt_bench by default."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="fewer samples (50 a level) and a 5-second visit load",
        )
        parser.add_argument(
            "--database",
            default="cdtt_bench",
            help="name of the bench database (must start with cdtt_bench)",
        )
        parser.add_argument(
            "--seconds", type=float, default=20.0, help="duration of the visit load"
        )
        parser.add_argument(
            "--reuse-db",
            action="store_true",
            help="keep the population an earlier run imported into the bench "
            "database; carry its import figures over, measure the rest",
        )
        parser.add_argument(
            "--worker-class",
            default="gthread",
            choices=["sync", "gthread"],
            help="gunicorn worker class of the 2 workers (default: as in cdtt.gunicorn_conf)",
        )
        parser.add_argument(
            "--db-tcp",
            action="store_true",
            help="the app server reaches a local PostgreSQL over TCP, not its Unix socket",
        )
        parser.add_argument(
            "--only",
            default="",
            help="comma-separated steps to measure after the import (which always runs), "
            "e.g. remap; the others are skipped",
        )
        parser.add_argument(
            "--campaign-visits",
            type=int,
            default=20_000,
            help="visits of the simulated ten-day campaign (the directive's: 1,000,000)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=2,
            help="threads of each gthread worker (default: as in cdtt.gunicorn_conf)",
        )

    def handle(
        self,
        *args,
        scale,
        quick,
        database,
        seconds,
        worker_class,
        threads,
        db_tcp,
        reuse_db,
        only,
        campaign_visits,
        **options,
    ):
        _database_check(database)
        run, report = _bench_modules()
        steps = _steps_chosen(run, only)

        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        bench = run.BenchRun(
            scale=scale,
            quick=quick,
            database=database,
            worker_class=worker_class,
            threads=threads,
            db_socket=not db_tcp,
            seconds=seconds,
            out=out,
            reuse=reuse_db,
            only=steps,
            campaign_visits=campaign_visits,
        )
        results = bench.run()
        path = run.results_write(results)
        report.readme_update()
        failed = [m for m in results["measures"] if m["passed"] is False]
        missing = [m for m in results["measures"] if m["measured"] is None]
        out(f"\nResults: {path}; table regenerated in bench/README.md.")
        out(
            f"{len(results['measures']) - len(failed) - len(missing)} within budget, "
            f"{len(failed)} over budget, {len(missing)} not measured; {results['total_s']} s."
        )
