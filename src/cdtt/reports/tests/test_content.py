"""The report's content: figures only through cdtt.figures as of the cut-off (checked against a
recount of the tables), the Decree 30 parts and the figures read back from the DOCX, the annex,
a period with no data."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from cdtt.documents.builder import MOTTO, NATIONAL_TITLE, build_docx
from cdtt.documents.models import department_letterhead
from cdtt.registry.models import CoverageSnapshot
from cdtt.reports import content
from cdtt.teams.models import Membership, Team

from .factories import Data, days_ago

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def period(d: Data) -> content.Period:
    return content.Period(d.period_from, d.period_to, d.cutoff)


def test_the_figures_of_a_past_cut_off_match_a_recount_of_the_tables(tree):
    d = Data(tree)
    figures = content.gather(tree.district, period(d))
    cut = d.cutoff
    teams = Team.objects.filter(district=tree.district, decision_date__lte=cut)
    members = Membership.objects.filter(team__in=teams, joined_on__lte=cut)
    snapshot = CoverageSnapshot.objects.filter(day__lte=cut, district_id=tree.district.pk)
    now = figures["now"]
    assert now["teams"] == teams.count() == 1
    assert now["members"] == members.count() == 2
    assert now["members_core"] == members.filter(core_force=True).count() == 1
    trained = members.filter(
        person__completions__completed_on__lte=cut, person__completions__revoked_at=None
    )
    assert now["members_trained"] == trained.distinct().count() == 1
    assert now["households"] == sum(s.households for s in snapshot) == 3
    assert now["covered"] == sum(s.covered for s in snapshot) == 1
    # At the period's start (45 days ago) there was no team and no snapshot yet.
    assert figures["start"]["teams"] == 0 and figures["start"]["households"] is None
    # One row per child unit: the district's two communes, as of the cut-off.
    rows = {c["code"]: c["figures"] for c in figures["children"]}
    assert set(rows) == {"16000", "16001"}
    assert rows["16000"]["teams"] == 1 and rows["16001"]["teams"] == 0


def test_the_docx_reads_back_with_the_decree_30_parts_and_the_figures(tree):
    d = Data(tree)
    figures = content.gather(tree.province, period(d))
    head = department_letterhead(tree.province)
    head.signer_name = "Nguyễn Văn Hùng"
    letter = content.Letter(letterhead=head, issued_on=days_ago(1), number="15")
    words = content.Words(
        achievements="Tỉnh đoàn cử 200 đoàn viên tham gia.", proposals="Hỗ trợ kinh phí."
    )
    text = docx_text(build_docx(content.document("ministry", figures, words, letter)))
    yesterday = days_ago(1)
    month = f"{yesterday.month:02d}" if yesterday.month <= 2 else str(yesterday.month)
    for part in (
        NATIONAL_TITLE,
        MOTTO,
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số: 15/BC-SKHCN",
        f"Thanh Hóa, ngày {yesterday.day:02d} tháng {month} năm {yesterday.year}",
        "BÁO CÁO",
        "Kết quả hoạt động của Tổ công nghệ số cộng đồng",
        "Nơi nhận:",
        "- Bộ Khoa học và Công nghệ (để b/c);",
        "- Lưu: VT, SKHCN.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Nguyễn Văn Hùng",
    ):
        assert part in text, part
    cut = f"{d.cutoff:%d/%m/%Y}"
    assert f"Đến hết ngày {cut}, trên địa bàn có 1 Tổ công nghệ số cộng đồng" in text
    assert "với 2 thành viên (trong đó 1 thành viên thuộc lực lượng nòng cốt)" in text
    assert "Có 1/3 hộ gia đình có ít nhất 01 người thành thạo" in text
    assert "đạt tỷ lệ 33,3%" in text  # Vietnamese decimals
    assert "Tỉnh đoàn cử 200 đoàn viên tham gia." in text and "Hỗ trợ kinh phí." in text
    assert "II. KHÓ KHĂN, VƯỚNG MẮC\nKhông có." in text


def test_a_period_with_no_data_says_so(tree):
    period = content.Period(days_ago(60), days_ago(50), days_ago(50))
    figures = content.gather(tree.province, period)
    assert not content.has_data(figures)
    head = department_letterhead(tree.province)
    letter = content.Letter(letterhead=head, issued_on=days_ago(0))
    files = content.build_files("chairman", figures, content.Words(), letter)
    text = docx_text(files.docx)
    assert "kỳ báo cáo này chưa có số liệu để tổng hợp" in text
    assert "Chủ tịch Ủy ban nhân dân tỉnh" in text
    sheet = load_workbook(io.BytesIO(files.xlsx)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Huyện Nga Sơn", "Huyện Quảng Xương", "Tổng cộng: Tỉnh Thanh Hóa"]


def test_the_annex_has_one_row_per_child_unit_with_typed_figures(tree):
    d = Data(tree)
    figures = content.gather(tree.district, period(d))
    sheet = load_workbook(io.BytesIO(content.annex(figures))).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:3] == ("Mã đơn vị", "Đơn vị", "Tổ CNSCĐ đang hoạt động (tổ)")
    assert [r[0] for r in rows[1:]] == ["16000", "16001", "400"]
    teams = headers.index("Tổ CNSCĐ đang hoạt động (tổ)")
    assert [r[teams] for r in rows[1:]] == [1, 0, 1]  # numbers, not text


def test_the_campaign_report_opens_with_the_visits(tree):
    d = Data(tree)
    figures = content.gather(tree.province, period(d))
    head = department_letterhead(tree.province)
    letter = content.Letter(letterhead=head, issued_on=days_ago(0))
    doc = content.document("campaign", figures, content.Words(), letter)
    titles = [p for p in doc.body if isinstance(p, str) and p[:2] in ("1.", "2.")]
    assert titles[0] == "1. Về hoạt động đến từng hộ, hướng dẫn từng người dân"
    assert "Tổng kết chiến dịch" in doc.summary[0]
