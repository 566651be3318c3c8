"""Organization moves from accounts to its own app, keeping its table (accounts_organization)
and its rows: the state moves, the database does not change."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_users_roles_organizations"),
        ("geo", "0001_admin_units"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Organization",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="tên")),
                        ("short_name", models.CharField(blank=True, max_length=60, verbose_name="tên viết tắt")),
                        ("kind", models.CharField(choices=[("agency", "Cơ quan nhà nước"), ("peoples_committee", "Ủy ban nhân dân"), ("youth_union", "Đoàn Thanh niên"), ("enterprise", "Doanh nghiệp"), ("school", "Trường học"), ("media", "Báo chí, phát thanh - truyền hình"), ("police", "Công an"), ("health", "Y tế"), ("social", "Tổ chức chính trị - xã hội"), ("village", "Thôn, bản, tổ dân phố"), ("other", "Khác")], max_length=20, verbose_name="loại")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="điện thoại")),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        ("name_key", models.CharField(db_index=True, max_length=240)),
                        ("active", models.BooleanField(default=True)),
                        ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="branches", to="organizations.organization", verbose_name="trực thuộc")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="organizations", to="geo.adminunit", verbose_name="địa bàn")),
                    ],
                    options={
                        "verbose_name": "cơ quan, đơn vị",
                        "ordering": ["name"],
                        "db_table": "accounts_organization",
                        "constraints": [models.UniqueConstraint(fields=("unit", "name_key"), name="organization_unique_name")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
