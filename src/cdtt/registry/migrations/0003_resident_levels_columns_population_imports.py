# Each resident's current level per skill moves from the skills_residentskill table to five
# columns of the resident row (docs/decisions.md); the levels are copied over before that table
# goes (skills 0004).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


SKILL_CODES = ["public_services", "shopping", "payment", "safety", "local_platform"]

# One pass, one new version of each assessed resident's row (five passes would leave five).
COPY_LEVELS = f"""
    UPDATE registry_resident SET {", ".join(f"level_{c} = COALESCE(p.l_{c}, 0)" for c in SKILL_CODES)}
    FROM (
        SELECT rs.resident_id,
               {", ".join(f"MAX(CASE WHEN s.code = '{c}' THEN rs.level END) AS l_{c}" for c in SKILL_CODES)}
        FROM skills_residentskill rs JOIN skills_skill s ON s.id = rs.skill_id
        GROUP BY rs.resident_id
    ) p
    WHERE registry_resident.id = p.resident_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_fact_tables_without_db_foreign_keys_and_unused_indexes"),
        ("skills", "0003_assessments_levels_without_db_foreign_keys_and_unused_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="resident",
            name="level_local_platform",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Chưa biết"), (1, "Cơ bản"), (2, "Thành thạo")], default=0
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="level_payment",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Chưa biết"), (1, "Cơ bản"), (2, "Thành thạo")], default=0
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="level_public_services",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Chưa biết"), (1, "Cơ bản"), (2, "Thành thạo")], default=0
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="level_safety",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Chưa biết"), (1, "Cơ bản"), (2, "Thành thạo")], default=0
            ),
        ),
        migrations.AddField(
            model_name="resident",
            name="level_shopping",
            field=models.PositiveSmallIntegerField(
                choices=[(0, "Chưa biết"), (1, "Cơ bản"), (2, "Thành thạo")], default=0
            ),
        ),
        migrations.CreateModel(
            name="PopulationImport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(blank=True, max_length=255, verbose_name="tệp")),
                (
                    "checksum",
                    models.CharField(blank=True, max_length=64, verbose_name="mã kiểm tra SHA-256"),
                ),
                ("skills", models.JSONField(default=list)),
                ("rows", models.IntegerField(default=0)),
                ("households_created", models.IntegerField(default=0)),
                ("households_updated", models.IntegerField(default=0)),
                ("residents_created", models.IntegerField(default=0)),
                ("residents_updated", models.IntegerField(default=0)),
                ("levels_set", models.IntegerField(default=0)),
                ("actor_name", models.CharField(blank=True, max_length=120)),
                ("created_at", models.DateTimeField(verbose_name="thời điểm")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "lần nhập tệp nhân khẩu",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.AddField(
            model_name="resident",
            name="levels_import",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.populationimport",
            ),
        ),
        migrations.RunSQL(COPY_LEVELS, migrations.RunSQL.noop),
    ]
