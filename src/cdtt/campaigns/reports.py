"""The campaign's daily summary: its figures, and the XLSX and DOCX an officer sends upward.

The DOCX follows the layout of administrative documents in Decree 30/2020/NĐ-CP (Appendix I):
A4, Times New Roman, the two-cell header (governing and issuing body | national title and
motto), number and symbol, place and date, document type and summary, justified body,
signature block and recipients; page numbers centred at the top from page 2.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cdtt.campaigns import selectors
from cdtt.campaigns.models import DEFAULT_RECIPIENTS, Campaign, recipient_lines
from cdtt.geo.models import AdminUnit
from cdtt.lib.xlsx import xlsx_bytes


@dataclass
class SummaryRow:
    unit: AdminUnit
    target: int | None
    visits: int
    households: int  # distinct households visited that day
    reached: int  # distinct households reached since the start, up to that day
    covered_rate: str

    @property
    def percent(self) -> str:
        return f"{100 * self.reached / self.target:.1f}" if self.target else "—"


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
                covered_rate=fig.now.rate_percent if fig.now else "0.0",
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
        covered_rate=own.now.rate_percent if own.now else "0.0",
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


def _cells(row: SummaryRow) -> list:
    return [
        row.unit.full_name,
        row.target if row.target is not None else "",
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
    return xlsx_bytes(sheet, [str(h) for h in HEADERS], rows)


# --- DOCX (Decree 30/2020 layout) -------------------------------------------------------------


@dataclass
class Letterhead:
    """The parts of the report around its body. The defaults are the Department of Science and
    Technology's; a campaign stores its own (``letterhead_for``)."""

    governing_body: str = "UBND TỈNH THANH HÓA"
    issuing_body: str = "Sở Khoa học và Công nghệ"
    symbol: str = "SKHCN"
    place: str = "Thanh Hóa"
    signer_authority: str = "KT. GIÁM ĐỐC"
    signer_title: str = "PHÓ GIÁM ĐỐC"
    signer_name: str = ""
    recipients: tuple[str, ...] = tuple(recipient_lines(DEFAULT_RECIPIENTS))
    number: str = ""  # blank: the clerk writes it in by hand

    @property
    def number_line(self) -> str:
        return f"Số: {self.number or '     '}/BC-{self.symbol}"


# A Vietnamese syllable (diacritics split off): an onset, vowels, a final. Any other word in
# an issuer's name is an abbreviation (UBND, HĐND, KH&CN) and keeps its capitals.
SYLLABLE = re.compile(
    r"^(NGH|CH|GH|GI|KH|NG|NH|PH|QU|TH|TR|[BCDĐGHKLMNPRSTVX])?[AEIOUY]+(CH|NG|NH|[CMNPT])?$"
)


def in_sentence(body: str) -> str:
    """An issuer's name inside a sentence: as typed when typed in sentence case ("Sở Khoa học
    và Công nghệ"); typed all in capitals, only its first letter and its abbreviations stay
    capital ("Ủy ban nhân dân tỉnh", "Văn phòng HĐND tỉnh")."""
    if not body.isupper():
        return body
    words = []
    for i, word in enumerate(body.split()):
        bare = "".join(ch for ch in unicodedata.normalize("NFD", word) if ch.isalpha())
        if not SYLLABLE.match(bare):
            words.append(word)
        else:
            words.append(word.capitalize() if i == 0 else word.lower())
    return " ".join(words)


def _fold_body(name: str) -> str:
    return " ".join(name.upper().replace("ỦY BAN NHÂN DÂN", "UBND").split())


def letterhead_for(
    campaign: Campaign, unit: AdminUnit, *, number: str = "", signer_name: str | None = None
) -> Letterhead:
    """The campaign's stored letterhead under the province's People's Committee (the governing
    body, left out when the committee issues the report itself, as Decree 30 wants)."""
    province = unit if unit.level == "province" else unit.province
    governing = f"UBND {province.full_name}" if province else "UBND TỈNH"
    issuing = campaign.report_issuing_body
    if _fold_body(issuing) == _fold_body(governing):
        governing = ""
    return Letterhead(
        governing_body=governing,
        issuing_body=issuing,
        symbol=campaign.report_symbol,
        place=province.name if province else "",
        signer_authority=campaign.report_signer_authority,
        signer_title=campaign.report_signer_title,
        signer_name=campaign.report_signer_name if signer_name is None else signer_name,
        recipients=tuple(campaign.report_recipient_lines),
        number=number,
    )


def _date_line(place: str, day: date) -> str:
    # Day under 10 and months 1-2 get a leading zero (Decree 30/2020).
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def daily_docx(summary: DailySummary, head: Letterhead, issued_on: date) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True

    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)

    def para(
        container,
        text="",
        *,
        size=14,
        bold=False,
        italic=False,
        upper=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    ):
        p = container.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_after = Pt(after)
        if text:
            run = p.add_run(text.upper() if upper else text)
            run.font.size, run.bold, run.italic = Pt(size), bold, italic
        return p

    def rule(container, width_cm: float):
        # A solid line of a given length under a header line (a tiny bordered table would be
        # heavier); a bottom border on an indented empty paragraph of that width.
        p = container.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(2)
        run = p.add_run("\u2500" * max(1, int(width_cm * 2.6)))
        run.font.size = Pt(6)
        return p

    def no_borders(table):
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            el = OxmlElement(f"w:{edge}")
            el.set(qn("w:val"), "nil")
            borders.append(el)
        tbl_pr.append(borders)

    # Page numbers: centred in the top margin from page 2 (the first-page header stays empty).
    header_p = section.header.paragraphs[0]
    header_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header_p.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)

    # Header: governing and issuing body | national title and motto; number | place and date.
    top = doc.add_table(rows=2, cols=2)
    no_borders(top)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    top.autofit = False
    for row in top.rows:
        row.cells[0].width, row.cells[1].width = Cm(6.8), Cm(10)
    left, right = top.rows[0].cells
    left.paragraphs[0].text = ""
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if head.governing_body:
        r = p.add_run(head.governing_body.upper())
        r.font.size = Pt(13)
        p = para(left)
    r = p.add_run(head.issuing_body.upper())
    r.font.size, r.bold = Pt(13), True
    rule(left, 2.0)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    r.font.size, r.bold = Pt(12), True
    para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    rule(right, 5.8)
    num_cell, date_cell = top.rows[1].cells
    p = num_cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(head.number_line)
    r.font.size = Pt(13)
    p = date_cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    r = p.add_run(_date_line(head.place, issued_on))
    r.font.size, r.italic = Pt(14), True

    # Document type and summary line.
    para(doc, "", after=6)
    para(doc, "BÁO CÁO", size=14, bold=True)
    c = summary.campaign
    para(doc, f"Kết quả ngày thứ {summary.day_number} chiến dịch «{c.name}»", size=14, bold=True)
    para(
        doc,
        f"(số liệu đến hết ngày {summary.day:%d/%m/%Y}, {summary.unit.full_name})",
        size=14,
        bold=True,
    )
    rule(doc, 3.0)

    def body(text: str):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = p.paragraph_format
        fmt.first_line_indent = Cm(1.27)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.15
        return p

    t = summary.total
    body(
        f"Thực hiện chiến dịch «{c.name}» (từ ngày {c.starts_on:%d/%m/%Y} đến ngày "
        f"{c.ends_on:%d/%m/%Y}), {in_sentence(head.issuing_body)} báo cáo kết quả ngày "
        f"{summary.day:%d/%m/%Y} trên địa bàn {summary.unit.full_name} như sau:"
    )
    target = f"{t.target:,}".replace(",", ".") if t.target else "chưa giao"
    body(
        f"1. Trong ngày, các Tổ công nghệ số cộng đồng đã thực hiện {t.visits:,} lượt đến hộ, "
        f"tới {t.households:,} hộ gia đình.".replace(",", ".")
    )
    body(
        f"2. Lũy kế từ đầu chiến dịch: {t.reached:,} hộ đã được đến hướng dẫn".replace(",", ".")
        + f"; chỉ tiêu {target} hộ"
        + (f", đạt {t.percent}%." if t.target else ".")
    )
    body(
        f"3. Tỷ lệ hộ gia đình có ít nhất một người thành thạo 05 kỹ năng số cơ bản hiện đạt "
        f"{t.covered_rate.replace('.', ',')}%."
    )
    if summary.stale:
        body(
            f"4. Có {summary.stale} thôn, tổ dân phố chưa có lượt đến hộ trong hai ngày gần "
            "nhất; đề nghị các địa phương đôn đốc các Tổ công nghệ số cộng đồng."
        )
    if summary.rows:
        body("Kết quả theo từng đơn vị:")
        table = doc.add_table(rows=1, cols=len(HEADERS))
        table.style = "Table Grid"
        with translation.override("vi"):
            headers, total = [str(h) for h in HEADERS], str(TOTAL)
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.bold, run.font.size = True, Pt(11)
        lines = [_cells(r) for r in summary.rows] + [[total, *_cells(t)[1:]]]
        for values in lines:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = ""
                run = cell.paragraphs[0].add_run(str(value))
                run.font.size = Pt(11)
    para(doc, "", after=6)

    # Recipients (left) and signature block (right).
    sign = doc.add_table(rows=1, cols=2)
    no_borders(sign)
    sign.autofit = False
    sign.rows[0].cells[0].width, sign.rows[0].cells[1].width = Cm(7.5), Cm(9.3)
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
    r = p.add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for line in [*head.recipients, f"Lưu: VT, {head.symbol}."]:
        q = left.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.LEFT
        rr = q.add_run(f"- {line}")
        rr.font.size = Pt(11)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if head.signer_authority:
        r = p.add_run(head.signer_authority.upper())
        r.bold, r.font.size = True, Pt(14)
        p = para(right)
    r = p.add_run(head.signer_title.upper())
    r.bold, r.font.size = True, Pt(14)
    for _blank in range(3):
        para(right, "")
    para(right, head.signer_name, size=14, bold=True)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
