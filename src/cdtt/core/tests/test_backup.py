"""cdtt backup / cdtt restore: a backup restored into an emptied database gives back every
table's rows and roll-ups that are still exact."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cdtt.core.backup import read_manifest, rollup_state, table_counts

# serialized_rollback: the catalogs seeded by migrations survive the emptying and the flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _seed(tree, make_user):
    from cdtt.campaigns.tests.factories import Field

    return Field(tree, make_user)


def _empty_every_table():
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            quoted = ", ".join(connection.ops.quote_name(n) for n in names)
            cursor.execute(f"TRUNCATE {quoted} CASCADE")
        return
    with connection.constraint_checks_disabled():
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(name)}")


def test_a_backup_restores_every_table_and_the_rollups(tree, make_user, tmp_path, capsys):
    _seed(tree, make_user)
    before = table_counts()
    assert rollup_state() == []
    path = tmp_path / "cdtt.backup"
    call_command("backup", "-o", str(path))
    manifest = read_manifest(path)
    assert manifest["counts"] == before
    _empty_every_table()
    assert sum(table_counts().values()) == 0
    call_command("restore", str(path), "--verify")
    out = capsys.readouterr().out
    assert "Verified:" in out
    assert table_counts() == before
    assert rollup_state() == []
    assert sum(before.values()) > 100  # the seed reached the tables the backup must carry


def test_restore_verify_fails_when_the_backup_disagrees(tree, make_user, tmp_path):
    import json
    import tarfile

    _seed(tree, make_user)
    path = tmp_path / "cdtt.backup"
    call_command("backup", "-o", str(path))
    manifest = read_manifest(path)
    manifest["counts"]["registry_household"] += 1  # a backup whose data lost a row
    forged = tmp_path / "forged.backup"
    with tarfile.open(path) as src, tarfile.open(forged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name == "manifest.json":
                body = json.dumps(manifest).encode()
                member.size = len(body)
                import io

                data = io.BytesIO(body)
            dst.addfile(member, data)
    with pytest.raises(CommandError, match="differs"):
        call_command("restore", str(forged), "--verify")


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bad = tmp_path / "x.backup"
    bad.write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(bad))
