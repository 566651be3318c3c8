"""The builder's layout, read back with python-docx against Decree 30/2020/NĐ-CP, Appendix I."""

import io
from datetime import date

from docx import Document
from docx.shared import Pt

from cdtt.documents.builder import Heading, build_docx
from cdtt.documents.text import date_line

from .samples import SIGNER, sample_document


def _read(document=None):
    return Document(io.BytesIO(build_docx(document or sample_document())))


def _texts(cell):
    return [p.text for p in cell.paragraphs]


def _runs(cell, text):
    return [r for p in cell.paragraphs for r in p.runs if r.text == text]


def test_the_page_is_a4_with_the_decrees_margins_and_font():
    doc = _read()
    section = doc.sections[0]

    # Stored in twips: read back to the tenth of a millimetre.
    def mm(length):
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)


def test_page_numbers_start_on_page_two():
    doc = _read()
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_the_header_table_carries_issuer_title_number_and_date():
    top = _read().tables[0]
    left, right = top.rows[0].cells
    assert _texts(left)[:2] == ["UBND TỈNH THANH HÓA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    issuer = _runs(left, "SỞ KHOA HỌC VÀ CÔNG NGHỆ")[0]
    assert issuer.bold and issuer.font.size == Pt(13)
    assert _runs(left, "UBND TỈNH THANH HÓA")[0].font.size == Pt(13)
    assert _texts(right)[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert _runs(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")[0].font.size == Pt(12)
    motto = _runs(right, "Độc lập - Tự do - Hạnh phúc")[0]
    assert motto.bold and motto.font.size == Pt(13)
    number, when = top.rows[1].cells
    assert _texts(number) == ["Số: 07/BC-SKHCN"]
    assert _runs(number, "Số: 07/BC-SKHCN")[0].font.size == Pt(13)
    assert _texts(when) == ["Thanh Hóa, ngày 05 tháng 02 năm 2026"]
    date_run = _runs(when, "Thanh Hóa, ngày 05 tháng 02 năm 2026")[0]
    assert date_run.italic and date_run.font.size == Pt(14)


def test_the_date_line_and_the_number_follow_the_decree():
    # Days under 10 and months 1-2 take a leading zero; other months do not.
    assert date_line("Thanh Hóa", date(2026, 1, 9)) == "Thanh Hóa, ngày 09 tháng 01 năm 2026"
    assert date_line("Thanh Hóa", date(2026, 3, 15)) == "Thanh Hóa, ngày 15 tháng 3 năm 2026"
    assert date_line("Sầm Sơn", date(2026, 12, 1)) == "Sầm Sơn, ngày 01 tháng 12 năm 2026"
    # No number: a blank for the clerk.
    assert sample_document(number="").number_line == "Số:      /BC-SKHCN"


def test_the_type_summary_and_body():
    doc = _read()
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("BÁO CÁO")
    assert texts[start + 1 : start + 3] == [
        "Kết quả chiến dịch chuyển đổi số",
        "(số liệu đến hết ngày 04/02/2026)",
    ]
    kind = doc.paragraphs[start].runs[0]
    assert kind.bold and kind.font.size == Pt(14)
    body = doc.paragraphs[texts.index("Sở Khoa học và Công nghệ báo cáo kết quả như sau:")]
    assert body.alignment == 3  # justified
    assert body.paragraph_format.first_line_indent is not None
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["Đơn vị", "Số hộ"]
    assert [c.text for c in table.rows[1].cells] == ["Xã Quảng Định", "1.234"]


def test_the_signature_block_and_recipients():
    left, right = _read().tables[-1].rows[0].cells
    assert _texts(left) == [
        "Nơi nhận:",
        "- Bộ Khoa học và Công nghệ (để b/c);",
        "- Chủ tịch UBND tỉnh (để b/c);",
        "- Lưu: VT, SKHCN.",
    ]
    heading = _runs(left, "Nơi nhận:")[0]
    assert heading.bold and heading.italic and heading.font.size == Pt(12)
    assert _runs(left, "- Lưu: VT, SKHCN.")[0].font.size == Pt(11)
    sign = _texts(right)
    assert sign[:2] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"] and sign[-1] == SIGNER
    assert _runs(right, SIGNER)[0].bold


def test_a_body_issuing_itself_has_no_governing_line():
    doc = _read(
        sample_document(
            heading=Heading(
                governing_body="UBND tỉnh Thanh Hóa",
                issuing_body="Ủy ban nhân dân tỉnh Thanh Hóa",
                symbol="UBND",
                place="Thanh Hóa",
            )
        )
    )
    left = doc.tables[0].rows[0].cells[0]
    assert _texts(left)[0] == "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"
    assert "UBND TỈNH THANH HÓA" not in _texts(left)
