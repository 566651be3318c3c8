"""The campaign's daily summary: its figures, and the XLSX and DOCX an officer sends upward.

The report is an official document built by ``cdtt.documents`` (Decree 30/2020/NĐ-CP layout)
under the campaign's letterhead; its PDF is made from the DOCX by ``cdtt.documents.pdf``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cdtt.campaigns import selectors
from cdtt.campaigns.models import Campaign
from cdtt.documents.builder import REPORT, OfficialDocument, Table, build_docx
from cdtt.documents.models import Letterhead, department_letterhead
from cdtt.documents.text import in_sentence, named
from cdtt.geo.models import AdminUnit
from cdtt.lib.numbers import vn_int, vn_percent
from cdtt.lib.xlsx import INTEGER, RATE, TEXT, xlsx_bytes


@dataclass
class SummaryRow:
    unit: AdminUnit
    target: int | None
    visits: int
    households: int  # distinct households visited that day
    reached: int  # distinct households reached since the start, up to that day
    covered_rate: float  # percent of households with someone proficient in the five skills

    @property
    def percent(self) -> float | None:
        """Households reached, in percent of the target; None when no target is set."""
        return 100 * self.reached / self.target if self.target else None


@dataclass
class DailySummary:
    campaign: Campaign
    unit: AdminUnit
    day: date
    total: SummaryRow
    rows: list[SummaryRow] = field(default_factory=list)
    stale: int = 0
    day_number: int = 0


def daily_summary(campaign: Campaign, unit: AdminUnit, day: date) -> DailySummary:
    children = selectors.children_figures(campaign, unit)
    column = selectors.COLUMN[children[0].unit.level] if children else None
    days = selectors.days_of(campaign, unit)
    today, upto = {}, {}
    if column:
        today = {
            r[column]: r
            for r in days.filter(day=day)
            .values(column)
            .annotate(visits=Sum("visits"), households=Sum("households"))
            .order_by()
        }
        upto = {
            r[column]: r["reached"] or 0
            for r in days.filter(day__lte=day)
            .values(column)
            .annotate(reached=Sum("new_households"))
            .order_by()
        }
    base = days.filter(day__lte=day)
    rows = []
    for fig in children:
        d = today.get(fig.unit.pk, {})
        rows.append(
            SummaryRow(
                unit=fig.unit,
                target=fig.households_to_visit,
                visits=d.get("visits") or 0,
                households=d.get("households") or 0,
                reached=upto.get(fig.unit.pk, 0),
                covered_rate=100 * fig.now.rate if fig.now else 0.0,
            )
        )
    own = selectors.unit_figures(campaign, unit)
    day_totals = (
        selectors.days_of(campaign, unit)
        .filter(day=day)
        .aggregate(visits=Sum("visits"), households=Sum("households"))
    )
    total = SummaryRow(
        unit=unit,
        target=own.households_to_visit,
        visits=day_totals["visits"] or 0,
        households=day_totals["households"] or 0,
        reached=base.aggregate(n=Sum("new_households"))["n"] or 0,
        covered_rate=100 * own.now.rate if own.now else 0.0,
    )
    stale, _ = selectors.stale_villages(campaign, unit, today=day, limit=0)
    return DailySummary(
        campaign=campaign,
        unit=unit,
        day=day,
        total=total,
        rows=rows,
        stale=stale,
        day_number=(day - campaign.starts_on).days + 1,
    )


# The table's headers, in the active language for the workbook; the DOCX report, an official
# Vietnamese document, always writes them in Vietnamese.
HEADERS = [
    _("Đơn vị"),
    _("Chỉ tiêu (hộ)"),
    _("Lượt đến hộ trong ngày"),
    _("Hộ được đến trong ngày"),
    _("Hộ đã đến (lũy kế)"),
    pgettext_lazy("percent of target", "% chỉ tiêu"),
    _("Tỷ lệ hộ có người thành thạo 5 kỹ năng (%)"),
]
TOTAL = _("Tổng cộng")


KINDS = [TEXT, INTEGER, INTEGER, INTEGER, INTEGER, RATE, RATE]


def _cells(row: SummaryRow) -> list:
    """A row's values, numbers as numbers (None: no target set)."""
    return [
        row.unit.full_name,
        row.target,
        row.visits,
        row.households,
        row.reached,
        row.percent,
        row.covered_rate,
    ]


def daily_xlsx(summary: DailySummary) -> bytes:
    """The summary's table as a workbook, in the active language."""
    rows = [_cells(r) for r in summary.rows] + [[str(TOTAL), *_cells(summary.total)[1:]]]
    sheet = gettext("Ngày %(d)s") % {"d": f"{summary.day:%d-%m-%Y}"}
    return xlsx_bytes(
        sheet,
        [str(h) for h in HEADERS],
        rows,
        kinds=KINDS,
        unit=summary.unit.full_name,
        as_of=summary.day,
    )


# --- the report (an official document, Decree 30/2020 layout) --------------------------------


def report_letterhead(campaign: Campaign, unit: AdminUnit) -> Letterhead:
    """The campaign's letterhead, or the Department of Science and Technology's under the
    province's People's Committee when it has chosen none."""
    if campaign.letterhead is not None:
        return campaign.letterhead
    return department_letterhead(unit if unit.level == "province" else unit.province)


def daily_document(
    summary: DailySummary,
    letterhead: Letterhead,
    *,
    issued_on: date,
    number: str = "",
    signer_name: str | None = None,
) -> OfficialDocument:
    """The daily summary as an official report: ``number`` blank for the clerk to write in,
    ``signer_name`` replacing the letterhead's signer (empty: signed by hand)."""
    c, t = summary.campaign, summary.total
    issuer = in_sentence(letterhead.issuing_body)
    campaign = named("chiến dịch", c.name)
    if t.target:
        target = f"chỉ tiêu {vn_int(t.target)} hộ, đạt {vn_percent(t.percent)}."
    else:
        target = "chưa giao chỉ tiêu."
    body: list[str | Table] = [
        f"Thực hiện {campaign} (từ ngày {c.starts_on:%d/%m/%Y} đến ngày "
        f"{c.ends_on:%d/%m/%Y}), {issuer} báo cáo kết quả ngày "
        f"{summary.day:%d/%m/%Y} trên địa bàn {summary.unit.full_name} như sau:",
        f"1. Trong ngày, các Tổ công nghệ số cộng đồng đã thực hiện {vn_int(t.visits)} lượt "
        f"đến hộ, tới {vn_int(t.households)} hộ gia đình.",
        f"2. Lũy kế từ đầu chiến dịch: {vn_int(t.reached)} hộ đã được đến hướng dẫn; {target}",
        "3. Tỷ lệ hộ gia đình có ít nhất một người thành thạo 05 kỹ năng số cơ bản hiện đạt "
        f"{vn_percent(t.covered_rate)}.",
    ]
    if summary.stale:
        body.append(
            f"4. Có {vn_int(summary.stale)} thôn, tổ dân phố chưa có lượt đến hộ trong hai ngày gần "
            "nhất; đề nghị các địa phương đôn đốc các Tổ công nghệ số cộng đồng."
        )
    if summary.rows:
        with translation.override("vi"):
            headers, total = [str(h) for h in HEADERS], str(TOTAL)
        lines = [_cells(r) for r in summary.rows] + [[total, *_cells(t)[1:]]]
        body += ["Kết quả theo từng đơn vị:", Table(headers=headers, rows=lines)]
    return OfficialDocument(
        heading=letterhead.heading(),
        kind=REPORT,
        number=number,
        issued_on=issued_on,
        summary=[
            f"Kết quả ngày thứ {summary.day_number} {campaign}",
            f"(số liệu đến hết ngày {summary.day:%d/%m/%Y}, {summary.unit.full_name})",
        ],
        body=body,
        signature=letterhead.signature(signer_name),
        recipients=letterhead.recipient_lines,
    )


def daily_docx(summary: DailySummary, letterhead: Letterhead, **options) -> bytes:
    """The report as DOCX (``options``: those of ``daily_document``)."""
    return build_docx(daily_document(summary, letterhead, **options))
