"""Child process of ``cdtt bench``: import one population file and print the timing as JSON.

Run apart from the bench itself so that the peak memory the bench reads (``wait4``) is the
import's alone. With ``--profile`` it also times every SQL statement the import sends and
prints the costliest (to stderr), with the import's logged phases, which shows where an
import's time goes. The JSON holds the CPU the import took and the machine's meanwhile
(``CpuAccount``).
"""

import dataclasses
import json
import logging
import os
import re
import sys
import time
from collections import defaultdict


class StatementTimes:
    """A Django execute wrapper summing time per statement shape."""

    def __init__(self):
        self.totals: dict[str, list] = defaultdict(lambda: [0.0, 0])

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            shape = re.sub(r"\s+", " ", str(sql)).strip()
            shape = re.sub(r"\(%s(, %s)*\)(, \(%s(, %s)*\))*", "(…)", shape)[:160]
            entry = self.totals[shape]
            entry[0] += time.perf_counter() - started
            entry[1] += 1

    def report(self, total: float) -> None:
        spent = sum(t for t, _ in self.totals.values())
        print(f"   SQL: {spent:.1f} s of {total:.1f} s; the rest is Python", file=sys.stderr)
        for shape, (seconds, count) in sorted(self.totals.items(), key=lambda kv: -kv[1][0])[:15]:
            print(f"   {seconds:8.2f} s {count:7d}×  {shape}", file=sys.stderr)


class CpuAccount:
    """The CPU spent during a block: this process's (every thread's, user and system) and the
    whole machine's, busy and idle, from ``/proc/stat`` (Linux; elsewhere only the process's).
    The machine's busy time less the process's is mostly the database server's. On two cores
    a block of ``wall`` seconds has ``2 × wall`` core-seconds to give: what an import uses of
    them, and what it leaves idle, shows whether the machine or the import's order of work
    bounds it."""

    TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    @classmethod
    def _machine(cls) -> tuple[float, float] | None:
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except OSError:
            return None
        idle = fields[3] + fields[4]  # idle and waiting for the disk
        return (sum(fields[:8]) - idle) / cls.TICKS, idle / cls.TICKS

    def __enter__(self):
        self.process, self.machine = os.times(), self._machine()
        return self

    def __exit__(self, *exc) -> None:
        process, machine = os.times(), self._machine()
        self.figures = {
            "importer_s": round(
                process.user + process.system - self.process.user - self.process.system, 2
            ),
            "cores": os.cpu_count(),
        }
        if machine is not None and self.machine is not None:
            self.figures["machine_busy_s"] = round(machine[0] - self.machine[0], 2)
            self.figures["machine_idle_s"] = round(machine[1] - self.machine[1], 2)


def main(path: str, profile: bool) -> None:
    import django

    django.setup()
    from django.db import connection, connections

    from cdtt.registry.imports import population_import

    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            print(f"   import: {done:,}/{total:,} rows", file=sys.stderr, flush=True)

    times = StatementTimes()
    if profile:
        # The import's own phases (first load: the file set aside, the time spent copying).
        logging.getLogger("cdtt.registry").setLevel(logging.INFO)
        # COMMIT goes around execute(): time it too (deferred constraint checks run there).
        wrapper = type(connections["default"])
        original = wrapper._commit

        def timed_commit(self):
            began = time.perf_counter()
            try:
                return original(self)
            finally:
                entry = times.totals["COMMIT"]
                entry[0] += time.perf_counter() - began
                entry[1] += 1

        wrapper._commit = timed_commit
    started = time.perf_counter()
    with CpuAccount() as cpu:
        if profile:
            with connection.execute_wrapper(times):
                result = population_import(actor=None, path=path, progress=progress)
        else:
            result = population_import(actor=None, path=path, progress=progress)
    seconds = time.perf_counter() - started
    if profile:
        times.report(seconds)
    summary = {
        k: v for k, v in dataclasses.asdict(result).items() if isinstance(v, (int, float, bool))
    }
    summary["errors"] = [str(e) for e in list(getattr(result, "errors", []))[:5]]
    print(
        json.dumps({"seconds": seconds, "cpu": cpu.figures, "result": summary}, ensure_ascii=False)
    )
    if getattr(result, "errors", None):
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], "--profile" in sys.argv[2:])
