"""The trigram indexes of the search of households (residents' names, codes, addresses) (PostgreSQL only; see
cdtt.registry.search_index). Built concurrently: the migration runs outside a transaction."""

from django.db import migrations


def forward(apps, schema_editor):
    from cdtt.registry.search_index import search_index_ensure

    search_index_ensure(concurrently=True)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from cdtt.registry.search_index import INDEXES

        for name in INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0006_snapshot_copies_every_counter"),
    ]

    operations = [migrations.RunPython(forward, backward)]
