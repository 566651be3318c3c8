"""The seed directive as demo data: the provincial letter on the Community Digital Technology
Teams (UBND-CNTT, 2024) with every clause (1a–1c, 2a–2e) as a task with its agencies, written
through the services. Idempotent: a second run finds the directive and adds nothing."""

import datetime as dt
from decimal import Decimal

from cdtt.directives.models import Directive, Recurrence
from cdtt.directives.services import directive_create, task_create
from cdtt.geo.models import AdminUnit
from cdtt.lib.text import fold
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.organizations.services import organization_create

NUMBER = "…/UBND-CNTT"  # the seed leaves the number and the day blank: the demo dates it
ISSUED_ON = dt.date(2024, 8, 20)
END_2024 = dt.date(2024, 12, 31)

AGENCIES = {
    "edu": ("Sở Giáo dục và Đào tạo", OrganizationKind.AGENCY),
    "ict": ("Sở Thông tin và Truyền thông", OrganizationKind.AGENCY),
    "home": ("Sở Nội vụ", OrganizationKind.AGENCY),
    "youth": ("Tỉnh đoàn Thanh Hóa", OrganizationKind.YOUTH_UNION),
    "telecom": (
        "Các doanh nghiệp bưu chính, viễn thông, công nghệ thông tin",
        OrganizationKind.ENTERPRISE,
    ),
    "paper": ("Báo Thanh Hóa", OrganizationKind.MEDIA),
    "radio": ("Đài Phát thanh và Truyền hình tỉnh", OrganizationKind.MEDIA),
}

# clause, what must be done, lead, co-ordinating, schedule, expected output, figure, target
TASKS = [
    (
        "1a",
        "Xây dựng chương trình, kế hoạch đưa 05 nội dung kỹ năng số cơ bản vào tiết học ngoại khóa cho học sinh THCS, THPT; phấn đấu trong năm 2024 mỗi hộ gia đình có ít nhất 01 người thành thạo 05 kỹ năng số cơ bản.",
        "edu",
        ["ict"],
        {"deadline": END_2024},
        "Chương trình, kế hoạch giảng dạy ngoại khóa",
        "rate",
        Decimal(1),
    ),
    (
        "1b",
        "Chỉ đạo các tổ chức cơ sở đoàn cử thành viên tham gia lực lượng nòng cốt trong Tổ CNSCĐ; phát động phong trào thi đua tiên phong sử dụng nền tảng, ứng dụng công nghệ số.",
        "youth",
        [],
        {"deadline": END_2024},
        "Đoàn viên tham gia Tổ CNSCĐ",
        "members",
        None,
    ),
    (
        "1c",
        "Cử cán bộ đầu mối thành thạo kỹ năng số tham gia Tổ CNSCĐ; có chính sách ưu đãi giá sản phẩm, dịch vụ số cho thành viên Tổ CNSCĐ.",
        "telecom",
        [],
        {"deadline": END_2024},
        "Cán bộ đầu mối, chính sách ưu đãi",
        "",
        None,
    ),
    (
        "2a",
        "Đề xuất, triển khai các mô hình chuyển đổi số tại thôn, bản, xóm, tổ dân phố gắn với 05 kỹ năng số cơ bản; tổng hợp, phổ biến mô hình, cách làm hay của Tổ CNSCĐ.",
        "ict",
        [],
        {"deadline": END_2024},
        "Mô hình chuyển đổi số ở thôn",
        "villages_with_team",
        None,
    ),
    (
        "2b",
        "Tổ chức các lớp bồi dưỡng, tập huấn kiến thức, kỹ năng số và an toàn thông tin mạng cho thành viên Tổ CNSCĐ (Phụ lục 1, Công văn 3240/BTTTT-CĐSQG).",
        "ict",
        [],
        {"deadline": END_2024},
        "Các lớp tập huấn",
        "members_trained",
        None,
    ),
    (
        "2c",
        "Phát động, triển khai chiến dịch “đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân” từ 01/10/2024 đến hết 10/10/2024.",
        "ict",
        [],
        {"deadline": dt.date(2024, 10, 10)},
        "Chiến dịch 10 ngày",
        "households_visited",
        None,
    ),
    (
        "2d",
        "Hướng dẫn, lựa chọn trình Chủ tịch UBND tỉnh tôn vinh, khen thưởng tập thể, cá nhân tiêu biểu vào dịp Ngày chuyển đổi số (10/10) hằng năm; chọn 02 thành viên Tổ CNSCĐ tiêu biểu gửi Bộ trước 10/9/2024.",
        "ict",
        ["home"],
        {"recurrence": Recurrence.YEARLY, "due_day": 10, "due_month": 10},
        "Tờ trình khen thưởng",
        "",
        None,
    ),
    (
        "2đ",
        "Chỉ đạo, hướng dẫn Báo Thanh Hóa, Đài Phát thanh và Truyền hình tỉnh đẩy mạnh truyền thông về lợi ích của nền tảng số và hoạt động của Tổ CNSCĐ hưởng ứng Ngày Chuyển đổi số quốc gia năm 2024.",
        "ict",
        ["paper", "radio"],
        {"deadline": dt.date(2024, 10, 10)},
        "Tin, bài, phóng sự",
        "",
        None,
    ),
    (
        "2e",
        "Theo dõi, đôn đốc, hỗ trợ các cơ quan, đơn vị triển khai; tổng hợp, báo cáo kết quả về Bộ Thông tin và Truyền thông, Chủ tịch UBND tỉnh.",
        "ict",
        [],
        {"recurrence": Recurrence.MONTHLY, "due_day": 25},
        "Báo cáo định kỳ",
        "",
        None,
    ),
]


def _agency(province: AdminUnit, name: str, kind: str) -> Organization:
    found = Organization.objects.filter(unit=province, name_key=fold(name)).first()
    return found or organization_create(actor=None, name=name, kind=kind, unit=province)


def seed_directive_ensure(*, actor, province: AdminUnit) -> Directive:
    existing = Directive.objects.filter(number=NUMBER).first()
    if existing is not None:
        return existing
    orgs = {key: _agency(province, name, kind) for key, (name, kind) in AGENCIES.items()}
    directive = directive_create(
        actor=actor,
        number=NUMBER,
        issued_on=ISSUED_ON,
        issuer="Ủy ban nhân dân tỉnh Thanh Hóa",
        signer="Lê Việt Hiếu",
        summary="V/v thúc đẩy hoạt động của Tổ công nghệ số cộng đồng trên địa bàn tỉnh",
        unit=province,
    )
    for clause, title, lead, co, when, output, figure, target in TASKS:
        task_create(
            actor=actor,
            directive=directive,
            clause=clause,
            title=title,
            lead=orgs[lead],
            co_agencies=[orgs[c] for c in co],
            output=output,
            figure_code=figure,
            figure_target=target,
            **when,
        )
    return directive
