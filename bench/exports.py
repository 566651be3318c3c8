"""The export of the province's households and their residents (issue: province-sized exports),
as the background job writes it (``cdtt.core.exports.write_export``: the household list's
columns, its residents, typed cells, streamed), beside a bare write of the same rows with the
same library (openpyxl write-only, the values straight from one streaming SQL query) in the same
run. Budget: ≤ 2 × the bare write, memory flat (the peak resident set grows by no more than a
bounded amount whatever the number of rows)."""

import tempfile
import time
from pathlib import Path

from bench.common import Measure

PLANNED = {
    "households export": [
        (
            "export_households_vs_bare",
            "Export of the households and residents vs a bare write",
            "≤ 2×",
        ),
        ("export_households_memory", "Export of the households: peak memory growth", "≤ 200 MB"),
    ]
}
# Memory that does not grow with the rows: the writer's and the chunk's buffers, at most.
MEMORY_BUDGET_MB = 200
ROUNDS = 2


def _rss_reset() -> int:
    """Reset the process's peak resident set (Linux) and return the current one, in bytes."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status("VmRSS")


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _measured(fn) -> tuple[float, float, int]:
    """(seconds, peak growth in MB, rows) of ``fn()``, which returns its row count."""
    before = _rss_reset()
    started = time.perf_counter()
    rows = fn()
    seconds = time.perf_counter() - started
    return seconds, max(0, _status("VmHWM") - before) / 1e6, rows


_BARE_SQL = """
SELECT c.code, h.code, v.name, h.address, v.name, count(r.id),
       string_agg(r.full_name, ', ' ORDER BY r.id), '', ''
  FROM registry_household h
  JOIN geo_adminunit c ON c.id = h.commune_id
  JOIN geo_adminunit v ON v.id = h.village_id
  LEFT JOIN registry_resident r ON r.household_id = h.id AND r.status = 'current'
 WHERE h.province_id = %s
 GROUP BY h.id, c.code, v.name
"""


def _bare_write(province, path: str) -> int:
    """The same rows, the same library, nothing else: values from one streaming query."""
    from django.db import connection, transaction
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("bare")
    count = 0
    with transaction.atomic():
        cursor = connection.chunked_cursor()
        cursor.execute(_BARE_SQL, [province.pk])
        while chunk := cursor.fetchmany(2000):
            for row in chunk:
                if count and count % 1_048_575 == 0:
                    ws = wb.create_sheet(f"bare {count // 1_048_575 + 1}")
                ws.append(list(row))
                count += 1
        cursor.close()
    wb.save(path)
    return count


def households_export_measure(run) -> None:
    from cdtt.core.exports import write_export
    from cdtt.registry.models import Household
    from cdtt.registry.views import HOUSEHOLDS

    province = run.province
    queryset = Household.objects.filter(province=province).select_related("village", "commune")
    if HOUSEHOLDS.ordering:
        queryset = queryset.order_by(*HOUSEHOLDS.ordering)
    with tempfile.TemporaryDirectory(prefix="cdtt-bench-export-") as tmp:
        bare_path, export_path = f"{tmp}/bare.xlsx", f"{tmp}/export.xlsx"
        unit = {"code": province.code, "name": province.full_name, "path": province.path}
        bare, export = [], []
        # Twice each, alternating: other work on the machine only ever adds time, to either
        # side; the best of each is compared (as the import's measure does).
        for _round in range(ROUNDS):
            bare.append(_measured(lambda: _bare_write(province, bare_path)))
            export.append(
                _measured(
                    lambda: write_export(HOUSEHOLDS, queryset, export_path, unit=unit, total=0)
                )
            )
        bare_s, bare_rows = min(b[0] for b in bare), bare[0][2]
        export_s, rows = min(e[0] for e in export), export[0][2]
        bare_mb, export_mb = max(b[1] for b in bare), max(e[1] for e in export)
        sizes = (Path(bare_path).stat().st_size, Path(export_path).stat().st_size)
    ratio = export_s / bare_s if bare_s else float("inf")
    run.add(
        Measure(
            "export_households_vs_bare",
            "Export of the households and residents vs a bare write",
            round(ratio, 2),
            "×",
            reference=(
                f"export {export_s:.1f} s, bare write {bare_s:.1f} s; {rows:,} households "
                f"({bare_rows:,} in the bare write); {sizes[1] / 1e6:.1f} MB vs "
                f"{sizes[0] / 1e6:.1f} MB"
            ),
            budget="≤ 2×",
            passed=ratio <= 2 and rows == bare_rows,
            details={
                "export_s": [round(e[0], 2) for e in export],
                "bare_s": [round(b[0], 2) for b in bare],
                "rows": rows,
            },
        )
    )
    run.add(
        Measure(
            "export_households_memory",
            "Export of the households: peak memory growth",
            round(export_mb, 1),
            "MB",
            reference=f"bare write {bare_mb:.1f} MB; {rows:,} rows",
            budget=f"≤ {MEMORY_BUDGET_MB} MB",
            passed=export_mb <= MEMORY_BUDGET_MB,
        )
    )
