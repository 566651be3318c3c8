"""Backups with the database's own tools, and their restore, checked against the backup's counts.

A backup is one tar file: the database (SQLite's online backup API, which copies a consistent
image while the app keeps running; PostgreSQL's ``pg_dump`` in its custom format), the stored
files (uploads under MEDIA_ROOT) and a manifest with the row count of every table and the state
of the roll-ups when it was taken. ``restore`` puts the database and the files back and, with
``verify``, recounts every table and rechecks the roll-ups against the manifest.
"""

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, connections

from cdtt.core.rollups import checkers

MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
FORMAT = 1


class BackupError(Exception):
    """A backup or a restore that could not be done; the message says why."""


@dataclass
class Verification:
    """What a restore found against its manifest: tables whose counts differ, roll-up diffs."""

    tables: int = 0
    rows: int = 0
    count_diffs: dict[str, tuple[int, int]] = field(default_factory=dict)
    rollup_diffs: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.count_diffs and not self.rollup_diffs


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database: {vendor}")
    return vendor


def table_counts() -> dict[str, int]:
    """The row count of every table of the database (Django's and the apps' alike)."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def rollup_state() -> list[str]:
    """Every roll-up's differences from a recount (empty when exact)."""
    return [f"{c.name}: {d}" for c in checkers() for d in c.check()]


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} not found: install postgresql-client") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


def _dump_database(engine: str, into: Path) -> Path:
    if engine == "sqlite":
        target = into / SQLITE_MEMBER
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    target = into / PG_MEMBER
    name = connection.settings_dict["NAME"]
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), name])
    return target


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(path: Path) -> dict:
    """Write a backup of the database and the stored files to ``path``; return its manifest."""
    engine = _engine()
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "taken_at": dt.datetime.now(dt.UTC).isoformat(),
        "counts": table_counts(),
        "rollups": rollup_state(),
    }
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        dump = _dump_database(engine, Path(tmp))
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
            tar.add(dump, arcname=dump.name)
            if media.is_dir():
                tar.add(media, arcname="media")
        os.replace(partial, path)  # a backup that stopped half-way never takes the name
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, ValueError) as exc:
        raise BackupError(f"{path} is not a backup of this application: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    return manifest


def _restore_sqlite(source: Path) -> None:
    connection.ensure_connection()
    origin = sqlite3.connect(source)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()


def _restore_pg(source: Path) -> None:
    name = connection.settings_dict["NAME"]
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "-d",
            name,
            str(source),
        ]
    )


def _restore_media(tmp: Path) -> None:
    source = tmp / "media"
    if not source.is_dir():
        return
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, media, dirs_exist_ok=True)


def restore(path: Path, *, verify: bool = False) -> Verification | None:
    """Put the backup's database and files in place of the current ones."""
    manifest = read_manifest(path)
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of a {manifest['engine']} database, this one is {engine}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with tarfile.open(path, "r") as tar:
            tar.extractall(tmp, filter="data")
        if engine == "sqlite":
            _restore_sqlite(tmp / SQLITE_MEMBER)
        else:
            _restore_pg(tmp / PG_MEMBER)
        _restore_media(tmp)
    return verify_against(manifest) if verify else None


def verify_against(manifest: dict) -> Verification:
    """Recount every table and recheck the roll-ups against what the manifest recorded."""
    counts = table_counts()
    expected = manifest["counts"]
    result = Verification(tables=len(expected), rows=sum(expected.values()))
    for name in sorted(set(expected) | set(counts)):
        if expected.get(name) != counts.get(name):
            result.count_diffs[name] = (expected.get(name, -1), counts.get(name, -1))
    result.rollup_diffs = [d for d in rollup_state() if d not in manifest["rollups"]]
    return result
