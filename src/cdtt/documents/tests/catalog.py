"""Every type of official document the project makes, each with the samples the document tests
read back (layout against Decree 30/2020, text rules, PDF). A module that starts building a new
document type adds it here: ``test_every_module_that_builds_documents_is_in_the_catalog`` fails
until it does.

The samples need no database: they are built from unsaved records, with figures large enough to
need a thousands separator and rates with decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cdtt.campaigns.models import Campaign
from cdtt.campaigns.reports import DailySummary, SummaryRow, daily_document
from cdtt.documents.builder import OfficialDocument
from cdtt.documents.models import department_letterhead
from cdtt.geo.models import AdminUnit, Level

from .samples import sample_document

# The modules (outside cdtt.documents) that call the builder; each has its types below.
BUILDERS = {
    "cdtt.campaigns.reports": ["campaigns.daily"],
    "cdtt.training.certificates": ["training.certificate"],
    "cdtt.reports.content": ["reports.ministry", "reports.chairman", "reports.campaign"],
    # The pages and the command line build what cdtt.reports.content describes.
    "cdtt.reports.views": ["reports.ministry"],
    "cdtt.reports.management.commands.report": ["reports.ministry"],
    "cdtt.honours.documents": ["honours.submission", "honours.certificate", "honours.dialogue"],
}


@dataclass(frozen=True)
class Sample:
    type: str  # the document type, e.g. "campaigns.daily"
    name: str  # this sample among the type's
    make: Callable[[], OfficialDocument]

    @property
    def id(self) -> str:
        return f"{self.type}:{self.name}"


PROVINCE = AdminUnit(code="38", name="Thanh Hóa", unit_type="Tỉnh", level=Level.PROVINCE)
COMMUNE = AdminUnit(code="16000", name="Quảng Định", unit_type="Xã", level=Level.COMMUNE)
VILLAGES = [
    AdminUnit(code="16000-001", name="Thôn 1", unit_type="", level=Level.VILLAGE),
    AdminUnit(code="16000-002", name="Đông Hải", unit_type="Thôn", level=Level.VILLAGE),
]
DAY = date(2024, 10, 5)


def daily_summary_sample(*, target: int | None = 2_000, stale: int = 3) -> DailySummary:
    """The daily summary of a commune on 05/10/2024, fifth day of its campaign."""
    campaign = Campaign(
        name="Chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người”",
        starts_on=date(2024, 10, 1),
        ends_on=date(2024, 10, 31),
    )
    rows = [
        SummaryRow(VILLAGES[0], 1_200, 1_034, 812, 1_122, 58.333),
        SummaryRow(VILLAGES[1], None, 200, 175, 278, 0.0),
    ]
    total = SummaryRow(COMMUNE, target, 1_234, 987, 1_400, 41.25)
    return DailySummary(
        campaign=campaign,
        unit=COMMUNE,
        day=DAY,
        total=total,
        rows=rows,
        stale=stale,
        day_number=5,
    )


def daily_report_sample(*, signer: str = "Lê Thị Hoa", **options) -> OfficialDocument:
    return daily_document(
        daily_summary_sample(**options),
        department_letterhead(PROVINCE),
        issued_on=date(2024, 10, 6),
        number="7",
        signer_name=signer,
    )


def certificate_sample() -> OfficialDocument:
    from cdtt.training.certificates import CertificateFacts, certificate_of

    return certificate_of(
        CertificateFacts(
            holder="Nguyễn Thị Hường",
            course="Bồi dưỡng kỹ năng số cho Tổ công nghệ số cộng đồng",
            organizer="Sở Khoa học và Công nghệ",
            organizer_symbol="SKHCN",
            topics=["An toàn trên không gian mạng", "Thanh toán trực tuyến"],
            first_day=date(2024, 9, 9),
            last_day=date(2024, 9, 11),
            code="AB12-CD34",
            issued_on=date(2024, 9, 12),
            province=PROVINCE,
        )
    )


def _report_figures(scale: int) -> dict:
    """Figures of a unit as the report builder gathers them (cdtt.figures), without a database."""
    from cdtt.reports.content import CODES

    values = dict.fromkeys(CODES, 0)
    values.update(
        teams=38 * scale,
        villages=41 * scale,
        villages_with_team=38 * scale,
        members=412 * scale,
        members_core=120 * scale,
        members_trained=215 * scale,
        members_per_100=1.37,
        residents=30_120 * scale,
        households=8_034 * scale,
        covered=4_687 * scale,
        rate=0.5834,
        proficient=6_210 * scale,
        visits=12_345 * scale,
        households_visited=7_654 * scale,
    )
    return values


def report_data() -> dict:
    return {
        "unit": {
            "code": "38",
            "name": "Tỉnh Thanh Hóa",
            "level": "province",
            "in_sentence": "tỉnh Thanh Hóa",
        },
        "period": {"from": "2024-09-01", "to": "2024-09-30", "cutoff": "2024-09-30"},
        "now": _report_figures(2),
        "end": _report_figures(2),
        "start": _report_figures(1),
        "children": [
            {"code": "16000", "name": "Xã Quảng Định", "figures": _report_figures(1)},
            {"code": "16001", "name": "Xã Quảng Nhân", "figures": _report_figures(1)},
        ],
    }


def report_sample(kind: str) -> Callable[[], OfficialDocument]:
    def make() -> OfficialDocument:
        from cdtt.reports.content import Letter, Words, document

        head = department_letterhead(PROVINCE)
        head.signer_name = "Nguyễn Văn Hùng"
        words = Words(
            achievements="Tỉnh đoàn cử 1.200 đoàn viên tham gia hướng dẫn người dân.",
            difficulties="Một số thôn vùng cao chưa có sóng di động.",
            proposals="Đề nghị hỗ trợ kinh phí tập huấn.",
        )
        letter = Letter(letterhead=head, issued_on=date(2024, 10, 2), number="15")
        return document(kind, report_data(), words, letter)

    return make


def honours_submission_sample() -> OfficialDocument:
    from cdtt.honours.documents import Nominee, SubmissionFacts, submission_of

    return submission_of(
        SubmissionFacts(
            title="Khen thưởng chuyên đề Ngày Chuyển đổi số",
            year=2025,
            award_form="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
            criteria="Tổ hướng dẫn từ 1.000 hộ trở lên; thành viên hoàn thành khóa tập huấn.",
            nominees=[
                Nominee(
                    "Tổ CNSCĐ thôn Yên Trung",
                    "Tập thể",
                    "UBND xã Quảng Định",
                    "Hướng dẫn 1.234 hộ cài đặt ứng dụng định danh điện tử.",
                ),
                Nominee("Nguyễn Thị Hường", "Cá nhân", "Sở Nội vụ", "Tổ trưởng tiêu biểu."),
            ],
            issued_on=date(2025, 9, 25),
            province=PROVINCE,
        )
    )


def honours_certificate_sample(collective: bool = False) -> OfficialDocument:
    from cdtt.honours.documents import CertificateFacts, certificate_of

    return certificate_of(
        CertificateFacts(
            holder="Tổ CNSCĐ thôn Yên Trung" if collective else "Nguyễn Thị Hường",
            collective=collective,
            form="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
            citation="Hướng dẫn 1.234 hộ dân sử dụng dịch vụ công trực tuyến.",
            decision_number="1234/QĐ-UBND",
            decision_date=date(2025, 10, 8),
            signer="Đỗ Minh Tuấn",
            year=2025,
            province=PROVINCE,
        )
    )


def honours_dialogue_sample() -> OfficialDocument:
    from cdtt.honours.documents import DialogueEntry, DialogueFacts, dialogue_of

    entry = DialogueEntry(
        [
            ("Họ và tên", "Lê Văn Tổ"),
            ("Năm sinh", "1990"),
            ("Giới tính", "Nam"),
            ("Tổ công nghệ số cộng đồng", "Tổ CNSCĐ thôn Yên Trung"),
            ("Vai trò trong tổ", "Tổ trưởng"),
            ("Thành tích nổi bật", "Hướng dẫn 1.234 hộ; 56 người thành thạo kỹ năng số."),
        ]
    )
    return dialogue_of(
        DialogueFacts(
            year=2025, entries=[entry, entry], issued_on=date(2025, 9, 5), province=PROVINCE
        )
    )


SAMPLES = [
    Sample("documents.builder", "sample", sample_document),
    Sample("campaigns.daily", "with a target", daily_report_sample),
    Sample(
        "campaigns.daily",
        "no target, nothing stale, signed by hand",
        lambda: daily_report_sample(target=None, stale=0, signer=""),
    ),
    Sample("training.certificate", "a member's certificate", certificate_sample),
    Sample("reports.ministry", "September, province", report_sample("ministry")),
    Sample("reports.chairman", "September, province", report_sample("chairman")),
    Sample("reports.campaign", "September, province", report_sample("campaign")),
    Sample("honours.submission", "two nominees", honours_submission_sample),
    Sample("honours.certificate", "a member", honours_certificate_sample),
    Sample("honours.certificate", "a team", lambda: honours_certificate_sample(collective=True)),
    Sample("honours.dialogue", "two members", honours_dialogue_sample),
]
