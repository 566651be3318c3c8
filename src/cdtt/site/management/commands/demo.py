"""``cdtt demo``: build the demo (see cdtt.site.demo) and serve it on 127.0.0.1."""

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cdtt.site import demo


class Command(BaseCommand):
    help = (
        "Migrate, load the real units of Thanh Hóa, build a synthetic population, snapshots, "
        "teams and a campaign, create the demo logins (printed), then serve on 127.0.0.1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(demo.SCALES),
            default="small",
            help="small: Bỉm Sơn (7 communes); province: all 547 communes",
        )
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="build the demo, do not serve")
        parser.add_argument(
            "--db-ready",
            action="store_true",
            help="the database is already built: only print the logins and serve",
        )
        parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic population")
        # Hidden knobs for tests and quick tries: fewer communes, fewer households each.
        parser.add_argument("--communes", type=int, default=None, help=argparse_suppress())
        parser.add_argument("--households", type=int, default=None, help=argparse_suppress())

    def handle(self, *args, scale, port, no_serve, db_ready, seed, communes, households, **kw):
        def out(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        started = time.monotonic()
        if db_ready:
            report = demo.DemoReport(scale=scale, logins=demo.existing_logins())
            if not report.logins:
                raise CommandError("--db-ready: the database holds no demo logins; run without it.")
        else:
            try:
                report = demo.demo_build(
                    scale=scale,
                    communes_limit=communes,
                    households_per_commune=households,
                    seed=seed,
                    out=out,
                )
            except (LookupError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            out(f"Demo built in {time.monotonic() - started:.0f} s.")
        demo.print_logins(report, port, out)
        if not no_serve:
            serve(port, out)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def serve(port: int, out) -> None:
    """runserver on 127.0.0.1 (no autoreload) with the job consumer beside it; both stop
    together."""
    connection.close()

    def stop(signum, frame):
        raise KeyboardInterrupt

    # A SIGTERM (a service manager, a terminal closing) stops the consumer too.
    signal.signal(signal.SIGTERM, stop)
    env = {**os.environ}
    consumer = subprocess.Popen([sys.executable, "-m", "cdtt", "run_huey", "--quiet"], env=env)
    out(f"Background jobs: consumer started (pid {consumer.pid}). Stop the demo with Ctrl-C.")
    try:
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.terminate()
        try:
            consumer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            consumer.kill()
