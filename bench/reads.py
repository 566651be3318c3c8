"""The read measures of ``cdtt bench``: coverage per level (the selector in process and its API
over loopback), the worklist API, the province's XLSX export, and the field app's first load."""

import gzip
import io
import re
import time
from urllib.parse import quote

from bench.common import Http, Measure, NotMeasured, ms, percentile

BUDGET_S = 0.05
WORKLIST_BUDGET_S = 0.025  # issue 19: half of DESIGN.md §7's 50 ms, a margin for a slow day


def _coverage_level(run, level: str, sample: list, bare: dict) -> None:
    from cdtt.registry.selectors import coverage_of

    for unit in sample[:10]:
        coverage_of(unit)
    times = []
    for unit in sample:
        started = time.perf_counter()
        coverage_of(unit)
        times.append(time.perf_counter() - started)
    p95 = percentile(times, 95)
    run.add(
        Measure(
            f"coverage_selector_{level}",
            f"Coverage selector, {level} (p95 of {len(sample)})",
            ms(p95),
            "ms",
            reference=f"p50 {ms(percentile(times, 50))} ms, in process",
            budget="≤ 50 ms",
            passed=p95 <= BUDGET_S,
        )
    )
    api_times = run.timed_gets([f"/api/v1/coverage/{u.code}" for u in sample], token=run.token)
    p95 = percentile(api_times, 95)
    run.add(
        Measure(
            f"coverage_api_{level}",
            f"GET /api/v1/coverage/{{code}}, {level} (p95 of {len(sample)}, loopback)",
            ms(p95),
            "ms",
            reference=f"p50 {ms(percentile(api_times, 50))} ms; bare /healthz p50 "
            f"{bare['p50_ms']} ms, p95 {bare['p95_ms']} ms",
            budget="≤ 50 ms",
            passed=p95 <= BUDGET_S,
        )
    )


def coverage_measure(run) -> None:
    units = run.units_by_level()
    bare = run.bare()
    for level, sample in units.items():
        _coverage_level(run, level, sample, bare)


def worklist_measure(run) -> None:
    from django.db.models import Count

    from cdtt.geo.models import AdminUnit, Level
    from cdtt.registry.models import Household

    pool = list(
        AdminUnit.objects.filter(level=Level.VILLAGE, province=run.province).values_list(
            "pk", "code"
        )
    )
    sample = [run.rng.choice(pool) for _ in range(run.samples)]
    sizes = dict(
        Household.objects.filter(village_id__in=[pk for pk, _ in sample])
        .values("village_id")
        .annotate(n=Count("id"))
        .values_list("village_id", "n")
    )
    bare = run.bare()
    times = run.timed_gets(
        [f"/api/v1/worklist?village={quote(code)}" for _, code in sample], token=run.token
    )
    p95 = percentile(times, 95)
    mean_size = sum(sizes.get(pk, 0) for pk, _ in sample) / len(sample)
    run.add(
        Measure(
            "worklist_api",
            f"GET /api/v1/worklist?village=CODE (p95 of {len(sample)}, loopback)",
            ms(p95),
            "ms",
            reference=f"p50 {ms(percentile(times, 50))} ms, {mean_size:.0f} households a village "
            f"on average, max {max(sizes.values(), default=0)}; bare /healthz p95 "
            f"{bare['p95_ms']} ms",
            budget="≤ 25 ms",
            passed=p95 <= WORKLIST_BUDGET_S,
        )
    )


def export_measure(run) -> None:
    from openpyxl import load_workbook

    from cdtt.geo.models import AdminUnit, Level
    from cdtt.registry.exports import coverage_xlsx

    villages = AdminUnit.objects.filter(level=Level.VILLAGE, province=run.province).count()
    started = time.perf_counter()
    data = coverage_xlsx(run.province, villages=True)
    seconds = time.perf_counter() - started
    wb = load_workbook(io.BytesIO(data))
    rows = {ws.title: ws.max_row for ws in wb.worksheets}
    note = ""
    if max(rows.values(), default=0) < villages:
        note = (
            f"the workbook's largest sheet has {max(rows.values(), default=0)} rows for "
            f"{villages} villages: it does not list every village"
        )
    run.add(
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


def _field_assets(html: bytes) -> list[str]:
    """Same-origin paths the field page loads: scripts, style sheets and manifest it links, and
    the scripts named in its inline code (the service worker it registers)."""
    text = html.decode("utf-8", "replace")
    assets = re.findall(r'<script[^>]+src="([^"]+)"', text)
    assets += re.findall(r'<link[^>]+href="([^"]+)"[^>]*>', text)
    assets += re.findall(r"[\"'](/[^\"'\s]+\.(?:js|css|webmanifest|json))[\"']", text)
    return list(dict.fromkeys(a for a in assets if a.startswith("/")))


def field_app_measure(run) -> None:
    from django.urls import reverse

    path = reverse("campaigns:field")
    client = Http(run.base_url)
    status, html, _t = client.get(path)
    if status != 200:
        raise NotMeasured(f"GET {path} answered {status} to an anonymous first load")
    sizes = {path: (len(html), len(gzip.compress(html, 6)))}
    for url in _field_assets(html):
        status, body, _t = client.get(url)
        if status == 200:
            sizes[url] = (len(body), len(gzip.compress(body, 6)))
    client.close()
    raw = sum(a for a, _ in sizes.values())
    compressed = sum(b for _, b in sizes.values())
    run.add(
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
