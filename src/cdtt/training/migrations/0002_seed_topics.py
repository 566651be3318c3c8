"""The topic catalog as the province starts it: the five basic digital skills (their codes are
the skills'), information security, how to guide residents, policy, and the platform itself."""

from django.db import migrations

TOPICS = [
    ("public_services", "Dịch vụ công trực tuyến"),
    ("shopping", "Mua sắm trực tuyến"),
    ("payment", "Thanh toán trực tuyến"),
    ("safety", "An toàn trên không gian mạng"),
    ("local_platform", "Nền tảng số khác của địa phương"),
    ("information_security", "An toàn thông tin"),
    ("guiding_residents", "Kỹ năng hướng dẫn người dân"),
    ("policy", "Chủ trương, chính sách về chuyển đổi số"),
    ("platform", "Sử dụng nền tảng Tổ công nghệ số cộng đồng"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("training", "Topic")
    for position, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("training", "Topic").objects.filter(
        code__in=[code for code, _ in TOPICS], courses__isnull=True, questions__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_courses_sessions_attendance_tests_completions")]
    operations = [migrations.RunPython(seed, unseed)]
