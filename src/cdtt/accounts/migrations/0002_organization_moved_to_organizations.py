"""Organization leaves accounts for its own app: the user's organisation points there, and the
model leaves the accounts state. Table and rows stay (accounts_organization)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_users_roles_organizations"),
        ("organizations", "0001_organization_moved_from_accounts"),
        ("teams", "0002_person_organization_in_organizations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="organization",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="users", to="organizations.organization", verbose_name="cơ quan, đơn vị"),
                ),
                migrations.DeleteModel(name="Organization"),
            ],
            database_operations=[],
        ),
    ]
