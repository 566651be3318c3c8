"""The benchmarks of DESIGN.md §7, run by ``cdtt bench``.

Each figure is measured beside a reference taken in the same run on the same machine (a bare
COPY of the same rows, a bare endpoint of the same server), so that a result reads as a ratio
as much as an absolute. Everything runs on loopback, bounded in time, in a PostgreSQL database
of its own that the run drops and creates. A part of the system that does not exist yet is
reported as "not measured" with the reason; nothing is ever estimated in its place.
"""

import datetime as dt
import gzip
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.figures import PLANNED as FIGURES_PLANNED
from bench.figures import figures_measure

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
GIB = 1024**3

Out = Callable[[str], None]


class NotMeasured(Exception):
    """A part of the system the measurement needs is missing; the reason says which."""


@dataclass
class Measure:
    key: str
    what: str
    measured: float | None
    unit: str
    reference: str = ""
    budget: str = ""
    passed: bool | None = None
    note: str = ""
    details: dict = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Http:
    """A keep-alive loopback client that times each request."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, *, token: str = "", body: dict | None = None):
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            raise
        return response.status, payload, time.perf_counter() - started, response

    def get(self, path: str, token: str = ""):
        return self.request("GET", path, token=token)

    def close(self) -> None:
        self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the run -------------------------------------------------------------------------------


class BenchRun:
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
    ):
        self.scale, self.quick, self.database = scale, quick, database
        self.reuse = reuse
        self.worker_class = worker_class
        self.threads = threads if worker_class == "gthread" else 1  # sync: one at a time
        self.db_socket = db_socket
        self.visit_seconds = seconds
        self.out = out
        self.samples = 50 if quick else 200
        self.measures: list[Measure] = []
        self.info: dict = {}
        self.server: subprocess.Popen | None = None
        self.base_url = ""
        self.token = ""
        self.rng = random.Random(20241001)

    # -- plumbing --

    def step(self, title: str, fn: Callable[[], None]) -> None:
        self.out(f"\n== {title}")
        started = time.perf_counter()
        try:
            fn()
        except NotMeasured as exc:
            self.out(f"   not measured: {exc}")
            self._not_measured(title, str(exc))
        except Exception as exc:  # a failing part must not hide the others' figures
            self.out(f"   FAILED: {exc!r}")
            traceback.print_exc()
            self._not_measured(title, f"failed: {exc!r}"[:300])
        self.out(f"   ({time.perf_counter() - started:.1f} s)")

    def _not_measured(self, title: str, reason: str) -> None:
        keys = {m.key for m in self.measures}
        for key, what, budget in PLANNED.get(title, []):
            if key not in keys:
                self.measures.append(Measure(key, what, None, "", budget=budget, note=reason))

    def add(self, m: Measure) -> None:
        self.measures.append(m)
        verdict = {True: "pass", False: "FAIL", None: "-"}[m.passed]
        ref = f" (reference: {m.reference})" if m.reference else ""
        self.out(f"   {m.what}: {m.measured} {m.unit}{ref}; budget {m.budget or '-'}: {verdict}")

    # -- database --

    def database_prepare(self) -> None:
        from django.core.management import call_command
        from django.db import connections

        conn = connections["default"]
        params = dict(conn.settings_dict)
        self.conninfo = dict(
            host=params.get("HOST") or "127.0.0.1",
            port=int(params.get("PORT") or 5432),
            user=params.get("USER") or "postgres",
            password=params.get("PASSWORD") or None,
        )
        conn.close()
        with self._maintenance() as admin:
            if not self.reuse:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{self.database}"')
            self.info["postgres"] = admin.execute("SHOW server_version").fetchone()[0]
            sockets = admin.execute("SHOW unix_socket_directories").fetchone()[0]
        conn.settings_dict["NAME"] = self.database
        auth = self.conninfo["user"]
        if self.conninfo["password"]:
            auth += ":" + quote(self.conninfo["password"], safe="")
        self.database_url = (
            f"postgres://{auth}@{self.conninfo['host']}:{self.conninfo['port']}/{self.database}"
        )
        # The app server reaches a PostgreSQL on the same machine through its Unix socket, as a
        # deployment on one server would (docs/operations.md); --db-tcp keeps TCP.
        self.server_database_url = self.database_url
        socket_dir = next((d.strip() for d in sockets.split(",") if d.strip()), "")
        local = self.conninfo["host"] in ("127.0.0.1", "localhost", "::1")
        socket = Path(socket_dir) / f".s.PGSQL.{self.conninfo['port']}"
        if self.db_socket and local and socket_dir and socket.exists():
            self.server_database_url = (
                f"postgres://{auth}@{quote(socket_dir, safe='')}:{self.conninfo['port']}/"
                f"{self.database}"
            )
            self.info["app_database_connection"] = f"Unix socket {socket_dir}"
        else:
            self.info["app_database_connection"] = "TCP " + self.conninfo["host"]
        verb = "reused" if self.reuse else "created"
        self.out(f"   database {self.database} {verb} (PostgreSQL {self.info['postgres']})")
        call_command("migrate", interactive=False, verbosity=0)
        from cdtt.site.demo import units_ensure

        self.province = units_ensure(self.out)

    def raw(self):
        import psycopg

        return psycopg.connect(dbname=self.database, **self.conninfo)

    # -- population --

    def population_generate(self) -> None:
        from cdtt.registry.synthetic import DEFAULT_AS_OF, population_write, specs_from_units
        from cdtt.site.demo import communes_for

        communes = communes_for(self.scale)
        workdir = Path(os.environ.get("CDTT_VAR_DIR") or _var_dir()) / "bench"
        workdir.mkdir(parents=True, exist_ok=True)
        self.population_file = workdir / f"population-{self.scale}.csv"
        started = time.perf_counter()
        summary = population_write(
            self.population_file, specs_from_units(communes), seed=0, as_of=DEFAULT_AS_OF
        )
        seconds = time.perf_counter() - started
        self.info["population"] = {
            "communes": summary.communes,
            "villages": summary.villages,
            "households": summary.households,
            "residents": summary.residents,
            "file_mb": round(summary.bytes / 1e6, 1),
            "generated_coverage": round(summary.coverage, 4),
            "generate_s": round(seconds, 1),
        }
        self.out(
            f"   {summary.residents:,} residents in {summary.households:,} households, "
            f"{summary.villages:,} villages, {summary.communes} communes; "
            f"{summary.bytes / 1e6:.0f} MB in {seconds:.1f} s"
        )

    def settle(self) -> None:
        """Start a measure from a quiet state: the files just written flushed to disk and a
        checkpoint made, so that neither the reference nor the import pays for the other's
        writes (or for the population file's)."""
        os.sync()
        with self.raw() as conn:
            conn.autocommit = True
            try:
                conn.execute("CHECKPOINT")
            except Exception as exc:  # a role without the right to: measure all the same
                self.out(f"   (no checkpoint before the measure: {exc})")

    def reference_copy(self) -> tuple[int, float]:
        """(rows, seconds) of a bare COPY of the population file into an unindexed table of
        text columns, after a checkpoint; the table is dropped afterwards."""
        columns = ", ".join(f"c{i} text" for i in range(14))
        self.settle()
        with self.raw() as conn, conn.cursor() as cur:
            cur.execute(
                f"DROP TABLE IF EXISTS bench_copy_reference; "
                f"CREATE TABLE bench_copy_reference ({columns})"
            )
            conn.commit()
            started = time.perf_counter()
            with (
                self.population_file.open("rb") as f,
                cur.copy("COPY bench_copy_reference FROM STDIN (FORMAT csv, HEADER true)") as copy,
            ):
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
            conn.commit()
            copy_s = time.perf_counter() - started
            copied = cur.execute("SELECT count(*) FROM bench_copy_reference").fetchone()[0]
            cur.execute("DROP TABLE bench_copy_reference")
            conn.commit()
        self.out(f"   bare COPY: {copied:,} rows in {copy_s:.2f} s")
        return copied, copy_s

    IMPORT_ROUNDS = 2

    def import_measure(self) -> None:
        # Reference: a bare COPY of the same file into an unindexed table, same server, same
        # run. The machine's speed moves from one minute to the next (other work on it), and
        # such noise only ever adds time: the import runs twice, each time into the database
        # as it was before the first, with a COPY before, between and after, and the best of
        # each is compared (all of them are recorded).
        rounds = 1 if self.quick else self.IMPORT_ROUNDS
        copied, copy_s = self.reference_copy()
        copies, imports = [copy_s], []
        for round_no in range(rounds):
            if round_no == 0 and rounds > 1:
                self.database_keep()
            elif round_no:
                self.database_restore()
            imports.append(self.import_once())
            copies.append(self.reference_copy()[1])
        self.database_forget()
        import_s, peak, child = min(imports, key=lambda i: i[0])
        self.info["import"] = child
        copy_s = min(copies)
        ratio = import_s / copy_s
        listed = ", ".join(f"{c:.1f}" for c in copies)
        self.add(
            Measure(
                "import_vs_copy",
                "Import of the population file vs a bare COPY of the same rows",
                round(ratio, 2),
                "× COPY",
                reference=(
                    f"COPY {copied:,} rows: {copy_s:.1f} s (best of {listed} s); import: "
                    f"{import_s:.1f} s (best of "
                    + ", ".join(f"{i[0]:.1f}" for i in imports)
                    + " s)"
                ),
                budget="≤ 3×",
                passed=ratio <= 3,
                details={
                    "import_s": round(import_s, 2),
                    "copy_s": round(copy_s, 2),
                    "imports_s": [round(i[0], 2) for i in imports],
                    "copies_s": [round(c, 2) for c in copies],
                    "rows": copied,
                    "result": child.get("result"),
                },
            )
        )
        peak = max(i[1] for i in imports)
        self.add(
            Measure(
                "import_peak_memory",
                "Import peak memory (resident set of the importing process)",
                round(peak / 2**20),
                "MB",
                reference="whole process, Python and Django included; the larger of the runs",
                budget="≤ 1024 MB",
                passed=peak <= GIB,
            )
        )

    def import_once(self) -> tuple[float, int, dict]:
        """(seconds, peak memory in bytes, the child's report) of one import, in a process of
        its own so that its peak memory is its own, after a checkpoint."""
        self.settle()
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "cdtt.settings",
        }
        proc = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "import_run.py"), str(self.population_file)],
            stdout=subprocess.PIPE,
            env=env,
        )
        output = proc.stdout.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"the import process failed (exit {proc.returncode})")
        child = json.loads(output.decode().strip().splitlines()[-1])
        self.out(f"   import: {child['seconds']:.2f} s")
        return child["seconds"], usage.ru_maxrss * 1024, child  # ru_maxrss: kilobytes

    @property
    def _kept(self) -> str:
        return f"{self.database}_before_import"

    def _maintenance(self):
        """A connection (autocommit) to the server's maintenance database."""
        import psycopg

        return psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo)

    def _admin(self, *statements: str) -> None:
        """Run statements on the server's maintenance database, with every connection of this
        process to the bench database closed first."""
        from django.db import connections

        connections.close_all()
        with self._maintenance() as admin:
            for sql in statements:
                admin.execute(sql)

    def database_keep(self) -> None:
        """A copy of the bench database as it is before the import, for the next round."""
        self._admin(
            f'DROP DATABASE IF EXISTS "{self._kept}" WITH (FORCE)',
            f'CREATE DATABASE "{self._kept}" TEMPLATE "{self.database}"',
        )

    def database_restore(self) -> None:
        """The bench database back as it was before the first import."""
        self._admin(
            f'DROP DATABASE "{self.database}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database}" TEMPLATE "{self._kept}"',
        )

    def database_forget(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self._kept}" WITH (FORCE)')

    def import_carry_over(self) -> None:
        """--reuse-db: the database holds the population an earlier run imported; carry that
        run's import figures over, saying so, and measure the rest afresh."""
        from cdtt.registry.models import Household

        if not Household.objects.exists():
            raise RuntimeError(f"--reuse-db: {self.database} holds no population")
        earlier = None
        for path in sorted(RESULTS_DIR.glob(f"{self.scale}-*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("scale") == self.scale and any(
                m["key"] == "import_vs_copy" and m["measured"] is not None for m in data["measures"]
            ):
                earlier = (path, data)
        if earlier is None:
            raise NotMeasured("no earlier run of this scale measured the import")
        path, data = earlier
        self.info["population"] = data.get("population", {})
        self.info["import"] = data.get("import", {})
        self.info["import_from"] = path.name
        for m in data["measures"]:
            if m["key"] in ("import_vs_copy", "import_peak_memory", "rollups_after_import"):
                m["note"] = (m.get("note") + "; " if m.get("note") else "") + (
                    f"measured in the run of {data.get('started_at', '?')} ({path.name})"
                )
                self.add(Measure(**m))

    def rollups_verify(self) -> None:
        from cdtt.registry.rollups import rollups_check

        started = time.perf_counter()
        differences = rollups_check()
        seconds = time.perf_counter() - started
        self.add(
            Measure(
                "rollups_after_import",
                "Roll-ups after the import equal a recomputation",
                len(differences),
                "differences",
                reference=f"full recomputation took {seconds:.1f} s",
                budget="0",
                passed=not differences,
            )
        )

    # -- server --

    def server_start(self) -> None:
        from cdtt.core.roles import Role

        password = "bench-" + "".join(
            self.rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(16)
        )
        _bench_user("bench", Role.PROVINCE_ADMIN, self.province, password)
        self.password = password
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": self.server_database_url,
            "DJANGO_SETTINGS_MODULE": "cdtt.settings",
            "CDTT_LOGIN_THROTTLE": "false",
        }
        from django.db import connections

        connections.close_all()
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:cdtt.gunicorn_conf",  # the production settings, but for these:
                "cdtt.wsgi:application",
                "--workers",
                "2",
                "--worker-class",
                self.worker_class,
                "--threads",
                str(self.threads),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                client = Http(self.base_url)
                status, _body, _t, _r = client.get("/healthz")
                client.close()
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        client = Http(self.base_url)
        status, body, _t, _r = client.request(
            "POST", "/api/v1/auth/token", body={"username": "bench", "password": password}
        )
        client.close()
        if status != 200:
            raise RuntimeError(f"no API token ({status}): {body[:200]!r}")
        self.token = json.loads(body)["token"]
        self.info["server"] = {
            "gunicorn_workers": 2,
            "worker_class": self.worker_class,
            "threads": self.threads,
            "url": self.base_url,
        }
        threads = f" × {self.threads} threads" if self.threads > 1 else ""
        self.out(
            f"   gunicorn (2 {self.worker_class} workers{threads}) on {self.base_url}; "
            f"PostgreSQL over {self.info['app_database_connection']}"
        )

    def server_stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)

    def _api_paths(self) -> set[str]:
        client = Http(self.base_url)
        status, body, _t, _r = client.get("/api/v1/openapi.json")
        client.close()
        if status != 200:
            return set()
        return set(json.loads(body).get("paths", {}))

    def _timed_gets(self, paths: list[str], *, token: str = "", warmup: int = 10) -> list[float]:
        client = Http(self.base_url)
        for path in paths[:warmup]:
            client.get(path, token)
        times = []
        for path in paths:
            status, body, seconds, _r = client.get(path, token)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
            times.append(seconds)
        client.close()
        return times

    def _bare(self) -> dict:
        times = self._timed_gets(["/healthz"] * self.samples)
        return {"p50_ms": ms(percentile(times, 50)), "p95_ms": ms(percentile(times, 95))}

    # -- coverage --

    def _units_by_level(self) -> dict[str, list]:
        from cdtt.geo.models import AdminUnit, Level

        units = {}
        for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
            if level == Level.PROVINCE:
                pool = [self.province]
            else:
                pool = list(AdminUnit.objects.filter(level=level, province=self.province))
            units[level.value] = [self.rng.choice(pool) for _ in range(self.samples)]
        return units

    def coverage_measure(self) -> None:
        from cdtt.registry.selectors import coverage_of

        units = self._units_by_level()
        bare = self._bare()
        has_api = any(p.startswith("/api/v1/coverage/") for p in self._api_paths())
        for level, sample in units.items():
            for unit in sample[:10]:
                coverage_of(unit)
            times = []
            for unit in sample:
                started = time.perf_counter()
                coverage_of(unit)
                times.append(time.perf_counter() - started)
            p95 = percentile(times, 95)
            self.add(
                Measure(
                    f"coverage_selector_{level}",
                    f"Coverage selector, {level} (p95 of {len(sample)})",
                    ms(p95),
                    "ms",
                    reference=f"p50 {ms(percentile(times, 50))} ms, in process",
                    budget="≤ 50 ms",
                    passed=p95 <= 0.05,
                )
            )
            if not has_api:
                self.measures.append(
                    Measure(
                        f"coverage_api_{level}",
                        f"GET /api/v1/coverage/{{code}}, {level}",
                        None,
                        "",
                        budget="≤ 50 ms",
                        note="the coverage endpoint is not in the API yet",
                    )
                )
                continue
            api_times = self._timed_gets(
                [f"/api/v1/coverage/{u.code}" for u in sample], token=self.token
            )
            p95 = percentile(api_times, 95)
            self.add(
                Measure(
                    f"coverage_api_{level}",
                    f"GET /api/v1/coverage/{{code}}, {level} (p95 of {len(sample)}, loopback)",
                    ms(p95),
                    "ms",
                    reference=f"p50 {ms(percentile(api_times, 50))} ms; bare /healthz p50 "
                    f"{bare['p50_ms']} ms, p95 {bare['p95_ms']} ms",
                    budget="≤ 50 ms",
                    passed=p95 <= 0.05,
                )
            )

    def worklist_measure(self) -> None:
        from cdtt.geo.models import AdminUnit, Level
        from cdtt.registry.models import Household

        if "/api/v1/worklist" not in self._api_paths():
            raise NotMeasured("the worklist endpoint is not in the API yet")
        pool = list(
            AdminUnit.objects.filter(level=Level.VILLAGE, province=self.province).values_list(
                "pk", "code"
            )
        )
        sample = [self.rng.choice(pool) for _ in range(self.samples)]
        sizes = dict(
            Household.objects.filter(village_id__in=[pk for pk, _ in sample])
            .values("village_id")
            .annotate(n=_count())
            .values_list("village_id", "n")
        )
        bare = self._bare()
        times = self._timed_gets(
            [f"/api/v1/worklist?village={quote(code)}" for _, code in sample], token=self.token
        )
        p95 = percentile(times, 95)
        mean_size = sum(sizes.get(pk, 0) for pk, _ in sample) / len(sample)
        self.add(
            Measure(
                "worklist_api",
                f"GET /api/v1/worklist?village=CODE (p95 of {len(sample)}, loopback)",
                ms(p95),
                "ms",
                reference=f"p50 {ms(percentile(times, 50))} ms, {mean_size:.0f} households a village "
                f"on average, max {max(sizes.values(), default=0)}; bare /healthz p95 "
                f"{bare['p95_ms']} ms",
                budget="≤ 50 ms",
                passed=p95 <= 0.05,
            )
        )

    # -- export --

    def export_measure(self) -> None:
        try:
            from cdtt.registry.exports import coverage_xlsx
        except ImportError:
            raise NotMeasured("cdtt.registry.exports.coverage_xlsx does not exist yet") from None
        import inspect
        import io

        from openpyxl import load_workbook

        from cdtt.geo.models import AdminUnit, Level

        villages = AdminUnit.objects.filter(level=Level.VILLAGE, province=self.province).count()
        every_village = "villages" in inspect.signature(coverage_xlsx).parameters
        kwargs = {"villages": True} if every_village else {}
        started = time.perf_counter()
        data = coverage_xlsx(self.province, **kwargs)
        seconds = time.perf_counter() - started
        wb = load_workbook(io.BytesIO(data))
        rows = {ws.title: ws.max_row for ws in wb.worksheets}
        note = ""
        if max(rows.values(), default=0) < villages:
            note = (
                f"the workbook's largest sheet has {max(rows.values(), default=0)} rows for "
                f"{villages} villages: it does not list every village"
            )
        self.add(
            Measure(
                "export_xlsx",
                "XLSX coverage export of the province, every village",
                round(seconds, 2),
                "s",
                reference=f"{villages:,} villages; {len(data) / 1e6:.1f} MB; sheets {rows}",
                budget="≤ 3 s",
                passed=seconds <= 3 and not note,
                note=note,
            )
        )

    # -- visits --

    def visits_measure(self) -> None:
        try:
            sys.path.insert(0, str(BENCH_DIR.parent))
            from bench import visits
        except ImportError as exc:
            raise NotMeasured(f"bench/visits.py is not there yet ({exc})") from None
        if "/api/v1/visits" not in self._api_paths():
            raise NotMeasured("the visits endpoint is not in the API yet")
        from cdtt.registry.rollups import rollups_check

        tokens, households = self._visit_actors(visits)
        seconds = 5 if self.quick else self.visit_seconds
        bare = visits.run_bare(self.base_url, seconds=min(seconds, 10), concurrency=8)
        self.out(f"   bare endpoint: {bare}")
        # As in the door-to-door campaign: every visit is logged to it (daily counters too).
        campaign = self._campaign()
        result = visits.run_visit_load(
            self.base_url,
            tokens,
            households,
            seconds=seconds,
            concurrency=8,
            duplicate_share=0.1,
            campaign=campaign.pk,
        )
        self.out(f"   visits: { {k: v for k, v in result.items() if not isinstance(v, list)} }")
        rate, p99 = result.get("rate"), result.get("p99_ms")
        self.add(
            Measure(
                "visits_rate",
                f"Visit submission during a campaign, sustained over {seconds:.0f} s (2 workers)",
                round(rate, 1) if rate is not None else None,
                "visits/s",
                reference=f"bare endpoint {bare.get('rate', 0):.0f} req/s "
                f"(p99 {bare.get('p99_ms')} ms)",
                budget="≥ 300/s",
                passed=rate is not None and rate >= 300,
                details={k: v for k, v in result.items() if k != "sent"} | {"bare": bare},
            )
        )
        self.add(
            Measure(
                "visits_p99",
                "Visit submission p99 latency",
                p99,
                "ms",
                reference=f"p50 {result.get('p50_ms')} ms; bare p99 {bare.get('p99_ms')} ms",
                budget="≤ 150 ms",
                passed=p99 is not None and p99 <= 150,
            )
        )
        check = visits.check_exactly_once(result) if hasattr(visits, "check_exactly_once") else None
        if check is None:
            note = "bench/visits.py offers no exactly-once check"
            self.measures.append(
                Measure(
                    "visits_exactly_once",
                    "Every visit stored exactly once",
                    None,
                    "",
                    budget="0 lost, 0 doubled",
                    note=note,
                )
            )
        else:
            wrong = sum(check.get(k, 0) for k in ("lost", "doubled", "stored_despite_refusal"))
            self.add(
                Measure(
                    "visits_exactly_once",
                    "Every visit stored exactly once (lost + doubled + stored despite a refusal)",
                    wrong,
                    "visits",
                    reference=json.dumps(check, ensure_ascii=False),
                    budget="0 lost, 0 doubled",
                    passed=wrong == 0,
                )
            )
        started = time.perf_counter()
        differences = rollups_check()
        self.add(
            Measure(
                "rollups_after_visits",
                "Roll-ups after the load equal a recomputation",
                len(differences),
                "differences",
                reference=f"recomputation {time.perf_counter() - started:.1f} s",
                budget="0",
                passed=not differences,
            )
        )
        from cdtt.campaigns.rollups import campaign_days_check

        started = time.perf_counter()
        day_differences = campaign_days_check()
        self.add(
            Measure(
                "campaign_days_after_visits",
                "The campaign's daily counters after the load equal a recount of its visits",
                len(day_differences),
                "differences",
                reference=f"recount {time.perf_counter() - started:.1f} s",
                budget="0",
                passed=not day_differences,
            )
        )

    def _campaign(self):
        """An active campaign over the whole province, around today."""
        from django.utils import timezone

        from cdtt.campaigns.models import Campaign, CampaignStatus

        today = timezone.localdate()
        campaign, _created = Campaign.objects.get_or_create(
            name="Chiến dịch đo tải (cdtt bench)",
            defaults={
                "starts_on": today - dt.timedelta(days=5),
                "ends_on": today + dt.timedelta(days=5),
                "status": CampaignStatus.ACTIVE,
            },
        )
        campaign.starts_on = min(campaign.starts_on, today)
        campaign.ends_on = max(campaign.ends_on, today)
        campaign.save(update_fields=["starts_on", "ends_on"])
        campaign.scope_units.set([self.province])
        return campaign

    def _visit_actors(self, visits) -> tuple[list[str], list]:
        """Tokens of officers who may log visits, and the households they visit: 8 district
        officers of the demo district, and 5,000 random households of that district."""
        if hasattr(visits, "prepare"):
            return visits.prepare(self.base_url, province=self.province, rng=self.rng)
        from cdtt.core.roles import Role
        from cdtt.geo.models import AdminUnit
        from cdtt.registry.models import Household, Resident
        from cdtt.site.demo import DEMO_DISTRICT

        district = AdminUnit.objects.get(code=DEMO_DISTRICT)
        tokens = []
        client = Http(self.base_url)
        for n in range(8):
            username = f"bench-visits-{n}"
            _bench_user(username, Role.DISTRICT_OFFICER, district, self.password)
            status, body, _t, _r = client.request(
                "POST",
                "/api/v1/auth/token",
                body={"username": username, "password": self.password},
            )
            if status != 200:
                raise RuntimeError(f"no token for {username}: {status}")
            tokens.append(json.loads(body)["token"])
        client.close()
        ids = list(Household.objects.filter(district=district).values_list("pk", flat=True))
        chosen = self.rng.sample(ids, min(5000, len(ids)))
        residents: dict[int, list[int]] = {}
        for hid, rid in Resident.objects.filter(household_id__in=chosen).values_list(
            "household_id", "pk"
        ):
            residents.setdefault(hid, []).append(rid)
        households = [
            {"commune_code": commune, "code": code, "residents": residents.get(pk, [])}
            for pk, commune, code in Household.objects.filter(pk__in=chosen).values_list(
                "pk", "commune__code", "code"
            )
        ]
        return tokens, households

    # -- field app --

    def field_app_measure(self) -> None:
        from django.urls import NoReverseMatch, reverse

        path = None
        for name in ("campaigns:field", "campaigns:field_app", "field:app", "field:index"):
            try:
                path = reverse(name)
                break
            except NoReverseMatch:
                continue
        if path is None:
            raise NotMeasured("there is no field app page yet")
        client = Http(self.base_url)
        status, html, _t, _r = client.get(path)
        if status != 200:
            raise NotMeasured(f"GET {path} answered {status} to an anonymous first load")
        text = html.decode("utf-8", "replace")
        assets = re.findall(r'<script[^>]+src="([^"]+)"', text)
        assets += re.findall(r'<link[^>]+href="([^"]+)"[^>]*>', text)
        # Same-origin scripts named in inline code (the service worker the page registers).
        assets += re.findall(r"[\"'](/[^\"'\s]+\.(?:js|css|webmanifest|json))[\"']", text)
        sizes = {path: (len(html), len(gzip.compress(html, 6)))}
        for url in dict.fromkeys(a for a in assets if a.startswith("/")):
            status, body, _t, _r = client.get(url)
            if status == 200:
                sizes[url] = (len(body), len(gzip.compress(body, 6)))
        client.close()
        raw = sum(a for a, _ in sizes.values())
        compressed = sum(b for _, b in sizes.values())
        self.add(
            Measure(
                "field_app_first_load",
                "Field app first load, gzip-compressed",
                round(compressed / 1024, 1),
                "KB",
                reference=f"{raw / 1024:.0f} KB uncompressed, {len(sizes)} files",
                budget="≤ 150 KB",
                passed=compressed <= 150 * 1024,
                details={k: {"bytes": a, "gzip": b} for k, (a, b) in sizes.items()},
            )
        )

    # -- all --

    def run(self) -> dict:
        started = time.perf_counter()
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
        self.step("database", self.database_prepare)
        if self.reuse:
            self.step("earlier import", self.import_carry_over)
        else:
            self.step("population file", self.population_generate)
            self.step("import", self.import_measure)
            self.step("roll-ups after import", self.rollups_verify)
        try:
            self.step("server", self.server_start)
            if self.server is None or self.server.poll() is not None or not self.token:
                for title in ("coverage", "worklist", "visits", "figures", "field app"):
                    self._not_measured(title, "the server did not start")
            else:
                self.step("coverage", self.coverage_measure)
                self.step("worklist", self.worklist_measure)
                self.step("export", self.export_measure)
                self.step("visits", self.visits_measure)
                self.step("figures", lambda: figures_measure(self))
                self.step("field app", self.field_app_measure)
        finally:
            self.server_stop()
        self.info["total_s"] = round(time.perf_counter() - started, 1)
        # Other work on the machine slows every figure; the references share the slowdown.
        self.info["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        return {**self.info, "measures": [asdict(m) for m in self.measures]}


# Measures each step promises, so that a step that cannot run still leaves its rows.
PLANNED = {
    "import": [
        ("import_vs_copy", "Import of the population file vs a bare COPY of the same rows", "≤ 3×"),
        ("import_peak_memory", "Import peak memory", "≤ 1024 MB"),
    ],
    "roll-ups after import": [
        ("rollups_after_import", "Roll-ups after the import equal a recomputation", "0"),
    ],
    "coverage": [
        (f"coverage_{kind}_{level}", f"Coverage {kind}, {level}", "≤ 50 ms")
        for level in ("province", "district", "commune", "village")
        for kind in ("selector", "api")
    ],
    "worklist": [("worklist_api", "GET /api/v1/worklist?village=CODE", "≤ 50 ms")],
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
    "figures": FIGURES_PLANNED,
}


def _count():
    from django.db.models import Count

    return Count("id")


def _bench_user(username: str, role: str, unit, password: str) -> None:
    """A login for the bench (created, or given this run's password when it exists)."""
    from cdtt.accounts.models import User
    from cdtt.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            scope_unit=unit,
            full_name=username,
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])


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


def _var_dir() -> str:
    from django.conf import settings

    return str(settings.VAR_DIR)


def results_write(results: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if results.get("quick") else ""
    suffix += "-reuse" if results.get("reused") else ""
    server = results.get("server", {})
    if server.get("worker_class", "sync") != "gthread":
        suffix += "-sync"
    elif server.get("threads", 2) != 2:
        suffix += f"-threads{server['threads']}"
    if str(results.get("app_database_connection", "")).startswith("TCP"):
        suffix += "-tcp"
    path = RESULTS_DIR / f"{results['scale']}{suffix}-{results['date']}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
