"""Benchmark of the figures (DESIGN.md §10): every declared figure of a unit, as of today and as
of a past date, p95 ≤ 100 ms, for random provinces, districts and communes of the bench's data.

In process (``figures_of``: the server's work) and over loopback (``GET /api/v1/figures/{code}``
of the bench's server). A past date needs a coverage snapshot on or before it, or the registry's
figures would answer "unknown" at once: when there is none, today's counters are copied as a
snapshot of that date (``snapshot_take``), which costs what a real one costs to read.
"""

import datetime as dt
import time

LEVELS = ("province", "district", "commune")
BUDGET_S = 0.1
DAYS_BACK = 30

# Rows each run promises, so that a step that cannot run still leaves them (bench/run.py).
PLANNED = [
    (f"figures_{kind}_{when}_{level}", f"Figures {kind}, {when}, {level}", "≤ 100 ms")
    for when in ("today", "past")
    for level in LEVELS
    for kind in ("selector", "api")
]


def figures_measure(run) -> None:
    """``run`` is the BenchRun: its samples, random generator, server, token and measures."""
    from django.utils import timezone

    from bench.common import Measure, ms, percentile
    from cdtt.figures.catalogue import catalogue, figures_of
    from cdtt.registry.figures import snapshot_day
    from cdtt.registry.rollups import snapshot_take

    today = timezone.localdate()
    past = today - dt.timedelta(days=DAYS_BACK)
    if snapshot_day(past) is None:
        snapshot_take(past)
    units = run.units_by_level()
    count = len(catalogue())
    for when, as_of in (("today", None), ("past", past)):
        for level in LEVELS:
            sample = units[level]
            for unit in sample[:10]:
                figures_of(unit, as_of=as_of)
            times = []
            for unit in sample:
                started = time.perf_counter()
                figures_of(unit, as_of=as_of)
                times.append(time.perf_counter() - started)
            p95 = percentile(times, 95)
            label = "today" if as_of is None else f"as of {as_of:%d/%m/%Y}"
            run.add(
                Measure(
                    f"figures_selector_{when}_{level}",
                    f"Figures of a unit ({count} figures), {label}, {level} (p95 of {len(sample)})",
                    ms(p95),
                    "ms",
                    reference=f"p50 {ms(percentile(times, 50))} ms, in process",
                    budget="≤ 100 ms",
                    passed=p95 <= BUDGET_S,
                )
            )
            query = "" if as_of is None else f"?as_of={as_of.isoformat()}"
            api_times = run.timed_gets(
                [f"/api/v1/figures/{u.code}{query}" for u in sample], token=run.token
            )
            p95 = percentile(api_times, 95)
            run.add(
                Measure(
                    f"figures_api_{when}_{level}",
                    f"GET /api/v1/figures/{{code}}{'?as_of=…' if as_of else ''}, {level} "
                    f"(p95 of {len(sample)}, loopback)",
                    ms(p95),
                    "ms",
                    reference=f"p50 {ms(percentile(api_times, 50))} ms",
                    budget="≤ 100 ms",
                    passed=p95 <= BUDGET_S,
                )
            )
