"""The import measure of ``cdtt bench``: the synthetic population file of the scale, its import
timed beside a bare COPY of the same rows, the importing process's peak memory, and the
roll-ups checked afterwards (or, with ``--reuse-db``, an earlier run's import figures carried
over)."""

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import BENCH_DIR, GIB, RESULTS_DIR, Measure, NotMeasured

IMPORT_ROUNDS = 2

# The orders the import is measured in (DESIGN.md §7, issue 19): the file as generated (grouped
# by commune, village and household), and two a user's file may come in, each with the village
# cells written in several spellings that fold to the same village.
ORDERS = {
    "generated": "as generated (by commune, village, household)",
    "shuffled": "shuffled by row, village spellings varied",
    "by_name": "sorted by resident name, village spellings varied",
}


def population_generate(run) -> None:
    from django.conf import settings

    from cdtt.registry.synthetic import DEFAULT_AS_OF, population_write, specs_from_units
    from cdtt.site.demo import communes_for

    communes = communes_for(run.scale)
    workdir = Path(os.environ.get("CDTT_VAR_DIR") or str(settings.VAR_DIR)) / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    run.population_file = workdir / f"population-{run.scale}.csv"
    started = time.perf_counter()
    summary = population_write(
        run.population_file, specs_from_units(communes), seed=0, as_of=DEFAULT_AS_OF
    )
    seconds = time.perf_counter() - started
    run.info["population"] = {
        "communes": summary.communes,
        "villages": summary.villages,
        "households": summary.households,
        "residents": summary.residents,
        "file_mb": round(summary.bytes / 1e6, 1),
        "generated_coverage": round(summary.coverage, 4),
        "generate_s": round(seconds, 1),
    }
    run.out(
        f"   {summary.residents:,} residents in {summary.households:,} households, "
        f"{summary.villages:,} villages, {summary.communes} communes; "
        f"{summary.bytes / 1e6:.0f} MB in {seconds:.1f} s"
    )


def population_orders(run) -> None:
    """The population file in the other orders of ``ORDERS``, written beside it by a process of
    its own (``bench/orders.py``): the whole file in memory there must not count in the peak
    memory of the import processes this one starts later (Linux hands a child started by
    vfork and exec the parent's peak resident set)."""
    started = time.perf_counter()
    paths = {
        order: run.population_file.with_name(f"{run.population_file.stem}-{order}.csv")
        for order in ("shuffled", "by_name")
    }
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "orders.py"),
            str(run.population_file),
            *(f"{order}={path}" for order, path in paths.items()),
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cdtt.settings"},
    )
    spellings = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    run.population_files = {"generated": run.population_file, **paths}
    run.info["population"]["orders"] = spellings
    for order, counts in spellings.items():
        run.out(
            f"   {order}: {counts['spellings']:,} village spellings folding to "
            f"{counts['villages']:,} villages"
        )
    run.out(f"   orders written in {time.perf_counter() - started:.1f} s")


def reference_copy(run) -> tuple[int, float]:
    """(rows, seconds) of a bare COPY of the population file into an unindexed table of
    text columns, after a checkpoint; the table is dropped afterwards."""
    columns = ", ".join(f"c{i} text" for i in range(14))
    run.db.settle(run.out)
    with run.db.raw() as conn, conn.cursor() as cur:
        cur.execute(
            f"DROP TABLE IF EXISTS bench_copy_reference; "
            f"CREATE TABLE bench_copy_reference ({columns})"
        )
        conn.commit()
        started = time.perf_counter()
        with (
            run.population_file.open("rb") as f,
            cur.copy("COPY bench_copy_reference FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        copy_s = time.perf_counter() - started
        copied = cur.execute("SELECT count(*) FROM bench_copy_reference").fetchone()[0]
        cur.execute("DROP TABLE bench_copy_reference")
        conn.commit()
    run.out(f"   bare COPY: {copied:,} rows in {copy_s:.2f} s")
    return copied, copy_s


def import_once(run, order: str = "generated") -> tuple[float, int, dict]:
    """(seconds, peak memory in bytes, the child's report) of one import of the file in
    ``order``, in a process of its own so that its peak memory is its own, after a
    checkpoint."""
    run.db.settle(run.out)
    env = {
        **os.environ,
        "DATABASE_URL": run.db.url,
        "DJANGO_SETTINGS_MODULE": "cdtt.settings",
    }
    proc = subprocess.Popen(
        [sys.executable, str(BENCH_DIR / "import_run.py"), str(run.population_files[order])],
        stdout=subprocess.PIPE,
        env=env,
    )
    output = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"the import process failed (exit {proc.returncode})")
    child = json.loads(output.decode().strip().splitlines()[-1])
    run.out(f"   import ({order}): {child['seconds']:.2f} s")
    return child["seconds"], usage.ru_maxrss * 1024, child  # ru_maxrss: kilobytes


def _import_rounds(run) -> tuple[int, list[float], dict[str, list[tuple[float, int, dict]]]]:
    """(rows copied, every COPY's seconds, every import by order) of the rounds of the measure.

    Each import runs into the database as it was before the first. Every order is imported
    as often as the others (twice; once with --quick), by rounds of the three orders, the file
    as generated last in each, so that the data the later steps read is its own. The first
    import of a new database server also pays for the write-ahead log's first files (later
    ones reuse them): the order that came first, alone of the three, used to carry that. The
    machine's speed moves from one minute to the next (other work on it), and such noise only
    ever adds time: a COPY runs before, between and after, and the best of each is
    compared."""
    plan = ["shuffled", "by_name", "generated"] * (1 if run.quick else IMPORT_ROUNDS)
    copied, copy_s = reference_copy(run)
    copies = [copy_s]
    imports: dict[str, list[tuple[float, int, dict]]] = {order: [] for order in ORDERS}
    for round_no, order in enumerate(plan):
        if round_no == 0:
            run.db.keep()
        else:
            run.db.restore()
        imports[order].append(import_once(run, order))
        if order != "by_name":  # by_name follows shuffled without a COPY between
            copies.append(reference_copy(run)[1])
    run.db.forget()
    return copied, copies, imports


def cpu_account(child: dict) -> str:
    """The CPU of an import (``import_run.CpuAccount``) as the reference text shows it."""
    cpu = child.get("cpu") or {}
    if "machine_busy_s" not in cpu:
        return f"; the importer's CPU {cpu['importer_s']:.1f} s" if cpu else ""
    offered = cpu["machine_busy_s"] + cpu["machine_idle_s"]
    return (
        f"; CPU meanwhile: the importer {cpu['importer_s']:.1f} s, the machine busy "
        f"{cpu['machine_busy_s']:.1f} of {offered:.1f} core-seconds ({cpu['cores']} cores)"
    )


def _order_measure(run, order, copied, copies, imports) -> None:
    """The rows of one order: its best import against the best COPY, and its peak memory."""
    import_s, _peak, child = min(imports, key=lambda i: i[0])
    copy_s = min(copies)
    ratio = import_s / copy_s
    listed = ", ".join(f"{c:.1f}" for c in copies)
    suffix = "" if order == "generated" else f"_{order}"
    counts = run.info["population"].get("orders", {}).get(order)
    spelled = (
        f"; {counts['spellings']:,} village spellings → {counts['villages']:,} villages"
        if counts
        else ""
    )
    run.add(
        Measure(
            f"import_vs_copy{suffix}",
            f"Import of the population file ({ORDERS[order]}) vs a bare COPY of the same rows",
            round(ratio, 2),
            "× COPY",
            reference=(
                f"COPY {copied:,} rows: {copy_s:.1f} s (best of {listed} s); import: "
                f"{import_s:.1f} s (best of "
                + ", ".join(f"{i[0]:.1f}" for i in imports)
                + " s)"
                + spelled
                + cpu_account(child)
            ),
            budget="≤ 3×",
            passed=ratio <= 3,
            details={
                "order": order,
                "import_s": round(import_s, 2),
                "copy_s": round(copy_s, 2),
                "imports_s": [round(i[0], 2) for i in imports],
                "copies_s": [round(c, 2) for c in copies],
                "rows": copied,
                "result": child.get("result"),
                "cpu": child.get("cpu"),
            },
        )
    )
    peak = max(i[1] for i in imports)
    run.add(
        Measure(
            f"import_peak_memory{suffix}",
            f"Import peak memory ({ORDERS[order]}; resident set of the importing process)",
            round(peak / 2**20),
            "MB",
            reference="whole process, Python and Django included; the larger of the runs",
            budget="≤ 1024 MB",
            passed=peak <= GIB,
        )
    )


def import_measure(run) -> None:
    """The import, in each order of ``ORDERS``, against a bare COPY of the same rows into an
    unindexed table, same server, same run: the best of each is compared, and all of them are
    recorded."""
    copied, copies, imports = _import_rounds(run)
    run.info["import"] = min(imports["generated"], key=lambda i: i[0])[2]
    results = {order: done[0][2].get("result") for order, done in imports.items() if done}
    run.info["import_orders"] = results
    for order in ("generated", "shuffled", "by_name"):
        if imports[order]:
            _order_measure(run, order, copied, copies, imports[order])


def after_load_run(run) -> None:
    """The job a large load starts after its commit (the search indexes it dropped built again
    concurrently, each loaded table vacuumed), run here as the job worker runs it, before the
    next steps read the data; timed, with no budget."""
    from cdtt.registry.tasks import after_load_job

    started = time.perf_counter()
    for table in ("registry_household", "registry_resident"):
        after_load_job.call_local(table)
    run.add(
        Measure(
            "search_index_build",
            "The job after the load: search indexes built again (concurrently), households "
            "and residents vacuumed",
            round(time.perf_counter() - started, 1),
            "s",
            reference="outside the import, as the job worker runs it after the commit",
            budget="—",
            passed=None,
        )
    )


def _measured_import(data: dict) -> bool:
    return any(m["key"] == "import_vs_copy" and m["measured"] is not None for m in data["measures"])


def earlier_import(scale: str, folder: Path = RESULTS_DIR) -> tuple[Path, dict] | None:
    """(path, data) of the newest run of ``scale`` (by its start) that measured the import
    itself: a run that reused a database carried its import over and is passed by."""
    found = []
    for path in folder.glob(f"{scale}-*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("scale") == scale and not data.get("import_from") and _measured_import(data):
            started = dt.datetime.fromisoformat(data.get("started_at") or "1970-01-01T00:00Z")
            found.append((started, path, data))
    if not found:
        return None
    _started, path, data = max(found, key=lambda f: f[0])
    return path, data


def import_carry_over(run) -> None:
    """--reuse-db: the database holds the population an earlier run imported; carry that
    run's import figures over, saying so, and measure the rest afresh."""
    from cdtt.registry.models import Household

    if not Household.objects.exists():
        raise RuntimeError(f"--reuse-db: {run.db.name} holds no population")
    earlier = earlier_import(run.scale)
    if earlier is None:
        raise NotMeasured("no earlier run of this scale measured the import")
    path, data = earlier
    run.info["population"] = data.get("population", {})
    run.info["import"] = data.get("import", {})
    run.info["import_from"] = path.name
    for m in data["measures"]:
        if m["key"].startswith(("import_vs_copy", "import_peak_memory", "rollups_after_import")):
            m["note"] = (m.get("note") + "; " if m.get("note") else "") + (
                f"measured in the run of {data.get('started_at', '?')} ({path.name})"
            )
            run.add(Measure(**m))


def rollups_verify(run) -> None:
    from cdtt.registry.rollups import rollups_check

    started = time.perf_counter()
    differences = rollups_check()
    seconds = time.perf_counter() - started
    run.add(
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
