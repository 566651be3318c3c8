"""The one builder of official documents in the layout of Decree 30/2020/NĐ-CP (Appendix I).

A4, margins 20/20/30/15 mm, Times New Roman; the two-cell header (governing and issuing body |
national title and motto), number and symbol, place and date; the document type and its summary
("trích yếu"); a justified body of paragraphs and tables; recipients and the signature block;
page numbers centred at the top from page 2. Every document the platform issues (the campaign's
daily report, reports to the Ministry and the Chairman, nominations, certificates) describes
itself as an ``OfficialDocument`` and calls ``build_docx``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from cdtt.documents.text import date_line, same_body
from cdtt.lib.numbers import DASH, vn_int, vn_number

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


@dataclass(frozen=True)
class Heading:
    """Who issues the document: the body above the issuer (empty when there is none, e.g. the
    People's Committee issuing itself), the issuer, its symbol and the place of the date line."""

    governing_body: str
    issuing_body: str
    symbol: str
    place: str


@dataclass(frozen=True)
class Signature:
    title: str
    name: str = ""  # empty: written by hand
    authority: str = ""  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"; empty when the head signs


@dataclass(frozen=True)
class Kind:
    """A type of document: its name printed above the summary and its code in the number."""

    name: str
    code: str


REPORT = Kind("Báo cáo", "BC")


@dataclass(frozen=True)
class Table:
    """A table of the body. Cells may be numbers: counts are written "1.234", other numbers
    with ``places`` decimals ("58,3"), None as a dash."""

    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    places: int = 1

    def text(self, value: object) -> str:
        if value is None:
            return DASH
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return vn_int(value)
        if isinstance(value, float | Decimal):
            return vn_number(value, self.places)
        return str(value)


@dataclass
class OfficialDocument:
    heading: Heading
    kind: Kind
    issued_on: date
    summary: Sequence[str]  # the "trích yếu", one or more lines printed bold under the type
    signature: Signature
    recipients: Sequence[str]  # "Lưu: VT, <symbol>." is added
    body: Sequence[str | Table] = field(default_factory=list)
    number: str = ""  # blank: the clerk writes it in by hand

    @property
    def number_line(self) -> str:
        number = self.number.strip()
        if number.isascii() and number.isdigit():
            number = f"{int(number):02d}"  # numbers below 10 take a leading zero
        return f"Số: {number or '     '}/{self.kind.code}-{self.heading.symbol}"

    @property
    def recipient_lines(self) -> list[str]:
        return [*self.recipients, f"Lưu: VT, {self.heading.symbol}."]


def build_docx(document: OfficialDocument) -> bytes:
    """The document as DOCX bytes."""
    doc = Document()
    _page_setup(doc)
    _header(doc, document)
    _title(doc, document)
    _body(doc, document.body)
    _para(doc, "", after=6)
    _closing(doc, document)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# --- parts ------------------------------------------------------------------------------------


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    _page_numbers(section)


def _page_numbers(section) -> None:
    """Centred in the top margin from page 2 (the first page's header stays empty)."""
    p = section.header.paragraphs[0]
    p.alignment = CENTER
    run = p.add_run()
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


def _header(doc, document: OfficialDocument) -> None:
    """Governing and issuing body | national title and motto; number | place and date."""
    head = document.heading
    top = doc.add_table(rows=2, cols=2)
    _no_borders(top)
    top.alignment = WD_TABLE_ALIGNMENT.CENTER
    top.autofit = False
    for row in top.rows:
        row.cells[0].width, row.cells[1].width = Cm(6.8), Cm(10)
    left, right = top.rows[0].cells
    p = left.paragraphs[0]
    p.alignment = CENTER
    # Left out when the governing body issues the document itself (Decree 30/2020).
    if head.governing_body and not same_body(head.governing_body, head.issuing_body):
        _run(p, head.governing_body.upper(), size=13)
        p = _para(left)
    _run(p, head.issuing_body.upper(), size=13, bold=True)
    _rule(left, 2.0)
    p = right.paragraphs[0]
    p.alignment = CENTER
    _run(p, NATIONAL_TITLE, size=12, bold=True)
    _para(right, MOTTO, size=13, bold=True)
    _rule(right, 5.8)
    num_cell, date_cell = top.rows[1].cells
    num_cell.paragraphs[0].alignment = CENTER
    _run(num_cell.paragraphs[0], document.number_line, size=13)
    date_cell.paragraphs[0].alignment = CENTER
    _run(date_cell.paragraphs[0], date_line(head.place, document.issued_on), italic=True)


def _title(doc, document: OfficialDocument) -> None:
    _para(doc, "", after=6)
    _para(doc, document.kind.name.upper(), bold=True)
    for line in document.summary:
        _para(doc, line, bold=True)
    _rule(doc, 3.0)


def _body(doc, items: Sequence[str | Table]) -> None:
    for item in items:
        if isinstance(item, Table):
            _table(doc, item)
            continue
        p = doc.add_paragraph(item)
        p.alignment = JUSTIFY
        fmt = p.paragraph_format
        fmt.first_line_indent = Cm(1.27)
        fmt.space_after = Pt(6)
        fmt.line_spacing = 1.15


def _table(doc, table: Table) -> None:
    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        _run(cell.paragraphs[0], str(text), size=11, bold=True)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                cell.paragraphs[0].alignment = RIGHT
            _run(cell.paragraphs[0], table.text(value), size=11)


def _closing(doc, document: OfficialDocument) -> None:
    """Recipients (left) and the signature block (right)."""
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    sign.autofit = False
    sign.rows[0].cells[0].width, sign.rows[0].cells[1].width = Cm(7.5), Cm(9.3)
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    p.alignment = LEFT
    _run(p, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in document.recipient_lines:
        _para(left, f"- {line}", size=11, align=LEFT)
    signature = document.signature
    p = right.paragraphs[0]
    p.alignment = CENTER
    if signature.authority:
        _run(p, signature.authority.upper(), bold=True)
        p = _para(right)
    _run(p, signature.title.upper(), bold=True)
    for _blank in range(3):
        _para(right, "")
    _para(right, signature.name, bold=True)


# --- helpers ----------------------------------------------------------------------------------


def _run(p, text: str, *, size: int = 14, bold: bool = False, italic: bool = False):
    run = p.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return run


def _para(container, text="", *, size=14, bold=False, italic=False, align=CENTER, after=0):
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(after)
    if text:
        _run(p, text, size=size, bold=bold, italic=italic)
    return p


def _rule(container, width_cm: float):
    """A solid line of a given length under a header line (a tiny bordered table would be
    heavier): box-drawing characters in a small size."""
    p = container.add_paragraph()
    p.alignment = CENTER
    p.paragraph_format.space_after = Pt(2)
    _run(p, "\u2500" * max(1, int(width_cm * 2.6)), size=6)
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)
