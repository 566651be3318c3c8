"""Benchmark of the report builder (DESIGN.md §10): a report of the province built ≤ 10 s.

"Built" is what the officer waits for: every figure of the province, of the day before the period
and of each child unit, read through ``cdtt.figures`` as of a past cut-off, then the DOCX (Decree
30/2020 layout) and the XLSX annex. The PDF (LibreOffice, a separate process of its own cost) is
measured on its own row and has no budget.
"""

import datetime as dt
import time

BUDGET_S = 10.0
DAYS_BACK = 30

PLANNED = [
    ("report_province", "A report of the province built (figures, DOCX, annex)", "≤ 10 s"),
    ("report_province_pdf", "Its PDF made by LibreOffice", "—"),
]


def reports_measure(run) -> None:
    """``run`` is the BenchRun: its province and measures."""
    from django.utils import timezone

    from bench.common import Measure
    from cdtt.documents.builder import build_docx
    from cdtt.documents.models import department_letterhead
    from cdtt.documents.pdf import PdfError, docx_to_pdf
    from cdtt.registry.figures import snapshot_day
    from cdtt.registry.rollups import snapshot_take
    from cdtt.reports import content

    today = timezone.localdate()
    cutoff = today - dt.timedelta(days=DAYS_BACK)
    if snapshot_day(cutoff) is None:
        snapshot_take(cutoff)
    province = run.province
    period = content.Period(cutoff - dt.timedelta(days=29), cutoff, cutoff)
    letter = content.Letter(letterhead=department_letterhead(province), issued_on=today)
    started = time.perf_counter()
    data = content.gather(province, period)
    docx = build_docx(content.document("ministry", data, content.Words(), letter))
    annex = content.annex(data)
    seconds = time.perf_counter() - started
    run.add(
        Measure(
            "report_province",
            f"A report of the province as of {cutoff:%d/%m/%Y} built: figures of "
            f"{len(data['children'])} children, DOCX and annex",
            round(seconds, 2),
            "s",
            reference=f"DOCX {len(docx) // 1024} KB, annex {len(annex) // 1024} KB",
            budget="≤ 10 s",
            passed=seconds <= BUDGET_S,
        )
    )
    started = time.perf_counter()
    try:
        docx_to_pdf(docx)
    except PdfError as exc:
        run.add(Measure("report_province_pdf", PLANNED[1][1], None, "", budget="—", note=str(exc)))
        return
    run.add(
        Measure(
            "report_province_pdf",
            "Its PDF made by LibreOffice (headless, own profile)",
            round(time.perf_counter() - started, 2),
            "s",
            reference="no budget",
            budget="—",
            passed=True,
        )
    )
