"""Seed the catalog of services and apps teams guide residents in (a starting point the province
edits; source: the public reference on the five skills and the services used in 2024-2025)."""

from django.db import migrations

SERVICES = [
    ("vneid", "VNeID", "Định danh điện tử, ví giấy tờ, sổ sức khỏe điện tử",
     ["public_services", "safety"]),
    ("public_service_portal", "Cổng Dịch vụ công quốc gia",
     "Thủ tục trực tuyến, thanh toán phí, lệ phí", ["public_services", "payment"]),
    ("vssid", "VssID", "Tra cứu, thủ tục bảo hiểm xã hội, bảo hiểm y tế", ["public_services"]),
    ("etax_mobile", "eTax Mobile", "Tra cứu và nộp thuế", ["public_services", "payment"]),
    ("bank_app_vietqr", "Ứng dụng ngân hàng, VietQR", "Chuyển khoản, thanh toán bằng mã QR",
     ["payment"]),
    ("mobile_money", "Mobile Money, ví điện tử (Viettel Money, VNPT Money, …)",
     "Thanh toán hóa đơn, thanh toán không cần tài khoản ngân hàng", ["payment"]),
    ("ecommerce", "Thương mại điện tử (Postmart, Voso, các sàn lớn)",
     "Mua bán trực tuyến, tiêu thụ nông sản", ["shopping"]),
    ("trust_list_spam_report", "Danh sách website tín nhiệm, báo cáo tin rác 156 / 5656",
     "Kiểm tra website, phản ánh lừa đảo", ["safety"]),
    ("phan_hoi_thanh_hoa", "Phản hồi Thanh Hóa", "Gửi phản ánh, kiến nghị đến tỉnh",
     ["local_platform"]),
    ("village_zalo", "Nhóm Zalo của thôn", "Tin tức địa phương, liên hệ Tổ CNSCĐ",
     ["local_platform"]),
]


def seed(apps, schema_editor):
    Service = apps.get_model("campaigns", "Service")
    for position, (code, name, purpose, skills) in enumerate(SERVICES, start=1):
        Service.objects.update_or_create(
            code=code,
            defaults={"name": name, "purpose": purpose, "skill_codes": skills,
                      "position": position},
        )


def unseed(apps, schema_editor):
    Service = apps.get_model("campaigns", "Service")
    Service.objects.filter(code__in=[s[0] for s in SERVICES], campaigns__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_campaigns_visits_daily_counters")]

    operations = [migrations.RunPython(seed, unseed)]
