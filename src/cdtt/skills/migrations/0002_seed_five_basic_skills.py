"""Seed the five basic digital skills of Dispatch 3240/BTTTT-CĐSQG with starting checklists.

The province edits them afterwards; running this again (or on a database that already has a
skill with one of these codes) leaves existing skills as they are.
"""

from django.db import migrations

SKILLS = [
    (
        "public_services",
        "Sử dụng dịch vụ công trực tuyến",
        "Tự thực hiện thủ tục hành chính trên Cổng Dịch vụ công quốc gia và ứng dụng VNeID.",
        [
            "Kích hoạt tài khoản định danh điện tử mức 2 trên VNeID (số CCCD, số điện thoại, OTP, mật khẩu, mã bảo vệ 6 số)",
            "Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID",
            "Nộp một hồ sơ thủ tục hành chính trực tuyến",
            "Tra cứu tình trạng hồ sơ bằng mã biên nhận",
            "Thêm giấy tờ (ví dụ thẻ bảo hiểm y tế) vào ví giấy tờ VNeID",
        ],
    ),
    (
        "shopping",
        "Mua sắm trực tuyến",
        "Mua hàng trên sàn thương mại điện tử, website bán hàng một cách an toàn.",
        [
            "Kiểm tra website/cửa hàng đã đăng ký với Bộ Công Thương (biểu tượng đã đăng ký)",
            "Đọc đánh giá người bán và chính sách đổi trả",
            "Đặt một đơn hàng",
            "Theo dõi đơn hàng",
            "Biết nơi khiếu nại (tổng đài bảo vệ người tiêu dùng)",
        ],
    ),
    (
        "payment",
        "Thanh toán trực tuyến",
        "Thanh toán, chuyển tiền bằng ứng dụng ngân hàng, ví điện tử, mã QR.",
        [
            "Cài đặt và đăng nhập ứng dụng ngân hàng hoặc ví điện tử",
            "Đăng ký sinh trắc học (bắt buộc từ 01/7/2024 với giao dịch trên 10 triệu đồng)",
            "Thanh toán bằng quét mã VietQR",
            "Thanh toán hóa đơn hoặc phí, lệ phí dịch vụ công trực tuyến",
        ],
    ),
    (
        "safety",
        "Tự bảo vệ mình trên không gian mạng",
        "Giữ an toàn tài khoản, nhận biết và báo cáo lừa đảo trực tuyến.",
        [
            "Không chia sẻ mã OTP, mật khẩu cho người khác",
            "Đặt mật khẩu mạnh và bật xác thực hai lớp",
            "Nhận biết cuộc gọi, tin nhắn, đường link lừa đảo",
            "Kiểm tra website trên danh sách tín nhiệm mạng quốc gia",
            "Báo cáo tin nhắn rác, lừa đảo (nhắn 156 / 5656, trang cảnh báo quốc gia)",
        ],
    ),
    (
        "local_platform",
        "Sử dụng nền tảng số khác",
        "Nền tảng số do tỉnh lựa chọn (Thanh Hóa: Phản hồi Thanh Hóa, nhóm Zalo của thôn, sổ sức khỏe điện tử).",
        [
            "Gửi phản ánh, kiến nghị qua ứng dụng “Phản hồi Thanh Hóa”",
            "Tham gia nhóm Zalo của thôn, tổ dân phố",
            "Sử dụng sổ sức khỏe điện tử trên VNeID",
        ],
    ),
]


def seed(apps, schema_editor):
    Skill = apps.get_model("skills", "Skill")
    ChecklistItem = apps.get_model("skills", "ChecklistItem")
    for position, (code, name, description, items) in enumerate(SKILLS, start=1):
        skill, created = Skill.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )
        if created:
            ChecklistItem.objects.bulk_create(
                [
                    ChecklistItem(skill=skill, text=text, position=i)
                    for i, text in enumerate(items, start=1)
                ]
            )


def unseed(apps, schema_editor):
    """Leave the catalog: assessments may refer to it."""


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_skill_catalog_assessments")]

    operations = [migrations.RunPython(seed, unseed)]
