"""A person's organisation now lives in the organizations app (same table, same column)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_teams_members"),
        ("organizations", "0001_organization_moved_from_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="organization",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="focal_staff", to="organizations.organization", verbose_name="cơ quan, đơn vị cử"),
                ),
            ],
            database_operations=[],
        ),
    ]
