"""The bench's own PostgreSQL database: dropped and created at each run (kept with
``--reuse-db``), copied aside before the first import and restored before the next, and the
addresses the bench's processes and its app server use to reach it."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class BenchDatabase:
    name: str
    conninfo: dict = field(default_factory=dict)
    url: str = ""  # what the bench's own processes use (the import's): TCP as configured
    server_url: str = ""  # what the app server uses: the Unix socket when local

    @property
    def kept(self) -> str:
        return f"{self.name}_before_import"

    def raw(self):
        """A psycopg connection to the bench database."""
        import psycopg

        return psycopg.connect(dbname=self.name, **self.conninfo)

    def maintenance(self):
        """A connection (autocommit) to the server's maintenance database."""
        import psycopg

        return psycopg.connect(dbname="postgres", autocommit=True, **self.conninfo)

    def admin(self, *statements: str) -> None:
        """Run statements on the server's maintenance database, with every connection of this
        process to the bench database closed first."""
        from django.db import connections

        connections.close_all()
        with self.maintenance() as admin:
            for sql in statements:
                admin.execute(sql)

    def keep(self) -> None:
        """A copy of the bench database as it is before the import, for the next round."""
        self.admin(
            f'DROP DATABASE IF EXISTS "{self.kept}" WITH (FORCE)',
            f'CREATE DATABASE "{self.kept}" TEMPLATE "{self.name}"',
        )

    def restore(self) -> None:
        """The bench database back as it was before the first import."""
        self.admin(
            f'DROP DATABASE "{self.name}" WITH (FORCE)',
            f'CREATE DATABASE "{self.name}" TEMPLATE "{self.kept}"',
        )

    def forget(self) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{self.kept}" WITH (FORCE)')

    def addresses_set(self, sockets: str, *, use_socket: bool) -> str:
        """Set both URLs; the app server's connection, described (e.g. ``Unix socket /run``)."""
        auth = self.conninfo["user"]
        if self.conninfo["password"]:
            auth += ":" + quote(self.conninfo["password"], safe="")
        host, port = self.conninfo["host"], self.conninfo["port"]
        self.url = self.server_url = f"postgres://{auth}@{host}:{port}/{self.name}"
        # The app server reaches a PostgreSQL on the same machine through its Unix socket, as a
        # deployment on one server would (docs/operations.md); --db-tcp keeps TCP.
        socket_dir = next((d.strip() for d in sockets.split(",") if d.strip()), "")
        socket_file = Path(socket_dir) / f".s.PGSQL.{port}"
        if use_socket and host in LOOPBACK and socket_dir and socket_file.exists():
            self.server_url = f"postgres://{auth}@{quote(socket_dir, safe='')}:{port}/{self.name}"
            return f"Unix socket {socket_dir}"
        return "TCP " + host

    def settle(self, out) -> None:
        """Start a measure from a quiet state: the files just written flushed to disk and a
        checkpoint made, so that neither the reference nor the import pays for the other's
        writes (or for the population file's)."""
        os.sync()
        with self.raw() as conn:
            conn.autocommit = True
            try:
                conn.execute("CHECKPOINT")
            except Exception as exc:  # a role without the right to: measure all the same
                out(f"   (no checkpoint before the measure: {exc})")


def database_prepare(run) -> None:
    """The bench database made afresh (or reused), migrated, the province's units in it; the
    Django connection of this process switched to it."""
    from django.core.management import call_command
    from django.db import connections

    from cdtt.site.demo import units_ensure

    db = run.db
    conn = connections["default"]
    params = conn.settings_dict
    db.conninfo = dict(
        host=params.get("HOST") or "127.0.0.1",
        port=int(params.get("PORT") or 5432),
        user=params.get("USER") or "postgres",
        password=params.get("PASSWORD") or None,
    )
    conn.close()
    with db.maintenance() as admin:
        if not run.reuse:
            admin.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{db.name}"')
        run.info["postgres"] = admin.execute("SHOW server_version").fetchone()[0]
        sockets = admin.execute("SHOW unix_socket_directories").fetchone()[0]
    conn.settings_dict["NAME"] = db.name
    run.info["app_database_connection"] = db.addresses_set(sockets, use_socket=run.db_socket)
    verb = "reused" if run.reuse else "created"
    run.out(f"   database {db.name} {verb} (PostgreSQL {run.info['postgres']})")
    call_command("migrate", interactive=False, verbosity=0)
    run.province = units_ensure(run.out)
