"""Child process of ``cdtt bench``: import one population file and print the timing as JSON.

Run apart from the bench itself so that the peak memory the bench reads (``wait4``) is the
import's alone. With ``--profile`` it also times every SQL statement the import sends and
prints the costliest (to stderr), with the import's logged phases, which shows where an
import's time goes.
"""

import dataclasses
import json
import logging
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
    print(json.dumps({"seconds": seconds, "result": summary}, ensure_ascii=False))
    if getattr(result, "errors", None):
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], "--profile" in sys.argv[2:])
