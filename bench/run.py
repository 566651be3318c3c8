"""The benchmarks of DESIGN.md §7, run by ``cdtt bench``.

Each figure is measured beside a reference taken in the same run on the same machine (a bare
COPY of the same rows, a bare endpoint of the same server), so that a result reads as a ratio
as much as an absolute. Everything runs on loopback, bounded in time, in a PostgreSQL database
of its own that the run drops and creates. A part of the system that cannot be measured is
reported as "not measured" with the reason; nothing is ever estimated in its place.

This module runs the steps in order and writes the results; the steps live beside it:
``database`` (the bench's database), ``population`` (the import measure), ``server`` (the app
server), ``reads`` (coverage, worklist, export, field app), ``visit_measure`` (the visit load,
with ``visits``), ``checkins`` (training check-in by QR), ``figures``, ``reports``, ``schools``
(a province's student lists) and, last since it changes the data, ``remap``.
"""

import datetime as dt
import json
import os
import platform
import random
import subprocess
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench.campaign import PLANNED as CAMPAIGN_PLANNED
from bench.campaign import campaign_measure
from bench.checkins import checkins_measure
from bench.common import BENCH_DIR, RESULTS_DIR, Http, Measure, NotMeasured, Out, ms, percentile
from bench.database import BenchDatabase, database_prepare
from bench.exports import PLANNED as EXPORTS_PLANNED
from bench.exports import households_export_measure
from bench.field_line import PLANNED as FIELD_LINE_PLANNED
from bench.field_line import field_line_measure
from bench.figures import PLANNED as FIGURES_PLANNED
from bench.figures import figures_measure
from bench.population import (
    after_load_run,
    import_carry_over,
    import_measure,
    population_generate,
    population_orders,
    rollups_verify,
)
from bench.reads import coverage_measure, export_measure, field_app_measure, worklist_measure
from bench.remap import PLANNED as REMAP_PLANNED
from bench.remap import remap_measure
from bench.reports import PLANNED as REPORTS_PLANNED
from bench.reports import reports_measure
from bench.schools import students_measure
from bench.search import PLANNED as SEARCH_PLANNED
from bench.search import search_measure
from bench.server import server_start, server_stop
from bench.visit_measure import visits_measure

# The steps that need the app server, in order; the export runs in process but after them.
SERVER_STEPS: list[tuple[str, Callable]] = [
    ("coverage", coverage_measure),
    ("worklist", worklist_measure),
    ("search", search_measure),
    ("export", export_measure),
    ("households export", households_export_measure),
    ("visits", visits_measure),
    ("checkins", checkins_measure),
    ("campaign", campaign_measure),
    ("figures", figures_measure),
    ("report", reports_measure),
    ("field app", field_app_measure),
    ("field line", field_line_measure),
]

# The steps after the server's, in process: the move changes the data, so it comes last.
LAST_STEPS: list[tuple[str, Callable]] = [
    ("students", students_measure),
    ("remap", remap_measure),
]

# What --only may name: the measures after the import (which always runs: it makes the data).
STEP_NAMES = [title for title, _fn in SERVER_STEPS + LAST_STEPS]


class BenchRun:
    """One run of the bench: its options, the state the steps share, and the rows they leave."""

    def __init__(
        self,
        *,
        scale: str,
        quick: bool,
        database: str,
        worker_class: str,
        seconds: float,
        out: Out,
        reuse: bool = False,
        threads: int = 2,
        db_socket: bool = True,
        only: list[str] | None = None,
        campaign_visits: int = 20_000,
    ):
        self.scale, self.quick, self.reuse = scale, quick, reuse
        self.db = BenchDatabase(database)
        self.worker_class = worker_class
        self.threads = threads if worker_class == "gthread" else 1  # sync: one at a time
        self.db_socket = db_socket
        self.visit_seconds = seconds
        self.campaign_visits = campaign_visits
        self.only = set(only) if only else None  # None: every step
        self.out = out
        self.samples = 50 if quick else 200
        self.measures: list[Measure] = []
        self.info: dict = {}
        self.province = None
        self.population_file: Path | None = None
        self.population_files: dict[str, Path] = {}
        self.server: subprocess.Popen | None = None
        self.base_url = ""
        self.password = ""
        self.token = ""
        self.rng = random.Random(20241001)

    # -- plumbing --

    def step(self, title: str, fn: Callable[["BenchRun"], None]) -> None:
        self.out(f"\n== {title}")
        started = time.perf_counter()
        try:
            fn(self)
        except NotMeasured as exc:
            self.out(f"   not measured: {exc}")
            self.not_measured(title, str(exc))
        except Exception as exc:  # a failing part must not hide the others' figures
            self.out(f"   FAILED: {exc!r}")
            traceback.print_exc()
            self.not_measured(title, f"failed: {exc!r}"[:300])
        self.out(f"   ({time.perf_counter() - started:.1f} s)")

    def not_measured(self, title: str, reason: str) -> None:
        """The rows the step promised and did not leave, as not measured, with the reason."""
        keys = {m.key for m in self.measures}
        for key, what, budget in PLANNED.get(title, []):
            if key not in keys:
                self.measures.append(Measure(key, what, None, "", budget=budget, note=reason))

    def add(self, m: Measure) -> None:
        self.measures.append(m)
        verdict = {True: "pass", False: "FAIL", None: "-"}[m.passed]
        ref = f" (reference: {m.reference})" if m.reference else ""
        self.out(f"   {m.what}: {m.measured} {m.unit}{ref}; budget {m.budget or '-'}: {verdict}")

    # -- what the measures share --

    def timed_gets(self, paths: list[str], *, token: str = "", warmup: int = 10) -> list[float]:
        """Seconds of each GET over one keep-alive connection, after a few to warm up."""
        client = Http(self.base_url)
        for path in paths[:warmup]:
            client.get(path, token)
        times = []
        for path in paths:
            status, body, seconds = client.get(path, token)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
            times.append(seconds)
        client.close()
        return times

    def bare(self) -> dict:
        """p50 and p95 of the server's bare endpoint, the reference of the API measures."""
        times = self.timed_gets(["/healthz"] * self.samples)
        return {"p50_ms": ms(percentile(times, 50)), "p95_ms": ms(percentile(times, 95))}

    def units_by_level(self) -> dict[str, list]:
        """``samples`` random units of each level of the province (the province itself)."""
        from cdtt.geo.models import AdminUnit, Level

        units = {}
        for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
            if level == Level.PROVINCE:
                pool = [self.province]
            else:
                pool = list(AdminUnit.objects.filter(level=level, province=self.province))
            units[level.value] = [self.rng.choice(pool) for _ in range(self.samples)]
        return units

    # -- all --

    def _start_info(self) -> None:
        self.info.update(
            revision=_revision(),
            reused=self.reuse,
            scale=self.scale,
            quick=self.quick,
            date=dt.date.today().isoformat(),
            started_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            machine={
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            },
        )

    def wanted(self, steps: list[tuple[str, Callable]]) -> list[tuple[str, Callable]]:
        return [(t, fn) for t, fn in steps if self.only is None or t in self.only]

    def _server_steps(self, steps: list[tuple[str, Callable]]) -> None:
        if self.server is None or self.server.poll() is not None or not self.token:
            for title, _fn in steps:
                self.not_measured(title, "the server did not start")
        else:
            for title, fn in steps:
                self.step(title, fn)

    def run(self) -> dict:
        started = time.perf_counter()
        self._start_info()
        self.info["only"] = sorted(self.only) if self.only else None
        self.step("database", database_prepare)
        if self.reuse:
            self.step("earlier import", import_carry_over)
        else:
            self.step("population file", population_generate)
            self.step("population file orders", population_orders)
            self.step("import", import_measure)
            self.step("the job after the import", after_load_run)
            self.step("roll-ups after import", rollups_verify)
        server_steps = self.wanted(SERVER_STEPS)
        try:
            if server_steps:
                self.step("server", server_start)
                self._server_steps(server_steps)
        finally:
            server_stop(self)
        for title, fn in self.wanted(LAST_STEPS):
            self.step(title, fn)
        self.info["total_s"] = round(time.perf_counter() - started, 1)
        # Other work on the machine slows every figure; the references share the slowdown.
        self.info["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        return {**self.info, "measures": [asdict(m) for m in self.measures]}


# Measures each step promises, so that a step that cannot run still leaves its rows.
PLANNED = {
    "import": [
        *[
            (f"import_vs_copy{s}", f"Import of the population file{w} vs a bare COPY", "≤ 3×")
            for s, w in (("", ""), ("_shuffled", " (shuffled)"), ("_by_name", " (by name)"))
        ],
        *[
            (f"import_peak_memory{s}", f"Import peak memory{w}", "≤ 1024 MB")
            for s, w in (("", ""), ("_shuffled", " (shuffled)"), ("_by_name", " (by name)"))
        ],
    ],
    "roll-ups after import": [
        ("rollups_after_import", "Roll-ups after the import equal a recomputation", "0"),
    ],
    "coverage": [
        (f"coverage_{kind}_{level}", f"Coverage {kind}, {level}", "≤ 50 ms")
        for level in ("province", "district", "commune", "village")
        for kind in ("selector", "api")
    ],
    "worklist": [("worklist_api", "GET /api/v1/worklist?village=CODE", "≤ 25 ms")],
    "search": SEARCH_PLANNED,
    "export": [("export_xlsx", "XLSX coverage export of the province, every village", "≤ 3 s")],
    "visits": [
        ("visits_rate", "Visit submission during a campaign, sustained (2 workers)", "≥ 300/s"),
        ("visits_p99", "Visit submission p99 latency", "≤ 150 ms"),
        ("visits_exactly_once", "Every visit stored exactly once", "0 lost, 0 doubled"),
        ("rollups_after_visits", "Roll-ups after the load equal a recomputation", "0"),
        (
            "campaign_days_after_visits",
            "The campaign's daily counters after the load equal a recount of its visits",
            "0",
        ),
    ],
    "field app": [("field_app_first_load", "Field app first load, gzip-compressed", "≤ 150 KB")],
    "campaign": CAMPAIGN_PLANNED,
    "figures": FIGURES_PLANNED,
    "report": REPORTS_PLANNED,
    "field line": FIELD_LINE_PLANNED,
    "remap": REMAP_PLANNED,
    **EXPORTS_PLANNED,
}


def _revision() -> str:
    """The commit the code under test was taken from (and whether the tree differed)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BENCH_DIR,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return head + (" (with uncommitted changes)" if dirty else "")


def results_write(results: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if results.get("quick") else ""
    suffix += "-reuse" if results.get("reused") else ""
    if results.get("only"):
        suffix += "-only-" + "-".join(t.replace(" ", "_") for t in results["only"])
    server = results.get("server")
    if server is not None:  # None: no step needed the app server
        if server.get("worker_class", "sync") != "gthread":
            suffix += "-sync"
        elif server.get("threads", 2) != 2:
            suffix += f"-threads{server['threads']}"
        if str(results.get("app_database_connection", "")).startswith("TCP"):
            suffix += "-tcp"
    path = RESULTS_DIR / f"{results['scale']}{suffix}-{results['date']}.json"
    if path.exists():  # an earlier run of the same steps that day: keep it, name this one by time
        clock = str(results.get("started_at", ""))[11:16].replace(":", "")
        path = path.with_name(f"{path.stem}-{clock or 'later'}.json")
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
