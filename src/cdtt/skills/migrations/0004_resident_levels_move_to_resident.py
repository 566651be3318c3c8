# The current levels now live on the resident row (registry 0003 copied them).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0003_assessments_levels_without_db_foreign_keys_and_unused_indexes"),
        ("registry", "0003_resident_levels_columns_population_imports"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ResidentSkill",
        ),
    ]
