"""The daily report reads right as a whole: its full text for a fixed day, as the Department
sends it (numbers in Vietnamese style, the campaign's name quoted once, a missing target said
as a person would)."""

import io

from docx import Document

from cdtt.documents.builder import build_docx
from cdtt.documents.tests.catalog import daily_report_sample

EXPECTED = """\
UBND TỈNH THANH HÓA
SỞ KHOA HỌC VÀ CÔNG NGHỆ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 07/BC-SKHCN
Thanh Hóa, ngày 06 tháng 10 năm 2024
BÁO CÁO
Kết quả ngày thứ 5 chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người”
(số liệu đến hết ngày 05/10/2024, Xã Quảng Định)
Thực hiện chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người” (từ ngày 01/10/2024 \
đến ngày 31/10/2024), Sở Khoa học và Công nghệ báo cáo kết quả ngày 05/10/2024 trên địa bàn \
Xã Quảng Định như sau:
1. Trong ngày, các Tổ công nghệ số cộng đồng đã thực hiện 1.234 lượt đến hộ, tới 987 hộ gia \
đình.
2. Lũy kế từ đầu chiến dịch: 1.400 hộ đã được đến hướng dẫn; chỉ tiêu 2.000 hộ, đạt 70,0%.
3. Tỷ lệ hộ gia đình có ít nhất một người thành thạo 05 kỹ năng số cơ bản hiện đạt 41,3%.
4. Có 3 thôn, tổ dân phố chưa có lượt đến hộ trong hai ngày gần nhất; đề nghị các địa phương \
đôn đốc các Tổ công nghệ số cộng đồng.
Kết quả theo từng đơn vị:
Đơn vị | Chỉ tiêu (hộ) | Lượt đến hộ trong ngày | Hộ được đến trong ngày | Hộ đã đến (lũy kế) \
| % chỉ tiêu | Tỷ lệ hộ có người thành thạo 5 kỹ năng (%)
Thôn 1 | 1.200 | 1.034 | 812 | 1.122 | 93,5 | 58,3
Thôn Đông Hải | — | 200 | 175 | 278 | — | 0,0
Tổng cộng | 2.000 | 1.234 | 987 | 1.400 | 70,0 | 41,3
Nơi nhận:
- Bộ Khoa học và Công nghệ (để b/c);
- Chủ tịch UBND tỉnh (để b/c);
- UBND các huyện, thị xã, thành phố;
- Lưu: VT, SKHCN.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Lê Thị Hoa"""


def full_text(data: bytes) -> str:
    """The document's text in reading order: paragraphs, and tables row by row (the header's
    two-cell tables cell by cell); the decorative rules and blank lines left out."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    lines: list[str] = []

    def add(text: str) -> None:
        for line in text.splitlines():
            if line.strip() and set(line.strip()) != {"─"}:
                lines.append(line)

    for element in doc.element.body.iterchildren():
        if element.tag.endswith("}p"):
            add(Paragraph(element, doc).text)
        elif element.tag.endswith("}tbl"):
            table = Table(element, doc)
            if table.style is not None and table.style.name == "Table Grid":
                for row in table.rows:
                    add(" | ".join(c.text for c in row.cells))
            else:
                for row in table.rows:
                    for cell in row.cells:
                        add(cell.text)
    return "\n".join(lines)


def test_the_daily_report_of_a_fixed_day_reads_as_expected():
    assert full_text(build_docx(daily_report_sample())) == EXPECTED


def test_without_a_target_the_report_says_none_is_set():
    text = full_text(build_docx(daily_report_sample(target=None, stale=0, signer="")))
    assert "2. Lũy kế từ đầu chiến dịch: 1.400 hộ đã được đến hướng dẫn; chưa giao chỉ tiêu." in (
        text.splitlines()
    )
    assert "chỉ tiêu chưa giao" not in text and "4. Có" not in text
    assert "Tổng cộng | — | 1.234 | 987 | 1.400 | — | 41,3" in text.splitlines()
