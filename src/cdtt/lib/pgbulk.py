"""Large loads into PostgreSQL tables: their keys and indexes dropped for the load and built
again after it (``bulk_load``). Shared by the population import and the student import."""

from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction

# A load at least this large, into a table holding no more rows than it brings, drops the
# table's secondary indexes, unique constraints and primary key (unless a foreign key needs it)
# first and builds them again after: one sorted build (and its WAL) costs far less than
# a million index insertions. The table is locked until the load commits; a failure rolls the
# drop back with the rest.
BULK_MIN_ROWS = 50_000


def _fetch(cur, sql: str, params=()) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


def _keys(cur, table: str) -> tuple[list[tuple], list[tuple]]:
    """(name, definition) of the table's unique constraints and primary key (unless a foreign
    key depends on it), and of its other indexes."""
    constraints = _fetch(
        cur,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint c "
        "WHERE conrelid = %s::regclass AND (contype = 'u' OR contype = 'p' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint f WHERE f.confrelid = c.conrelid AND f.contype = 'f')) "
        "ORDER BY contype, conname",
        [table],
    )
    indexes = _fetch(
        cur,
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [table],
    )
    return constraints, indexes


@contextmanager
def bulk_load(
    cur,
    table: str,
    incoming: int,
    *,
    min_rows: int | None = None,
    deferred: Callable[[str], bool] | None = None,
    later: Callable[[], None] | None = None,
):
    """Around the load of ``incoming`` rows into ``table`` (PostgreSQL). Yields whether it
    dropped the table's keys and indexes (and so holds the table to itself until the commit).
    An index whose definition ``deferred`` accepts is not built again here: ``later`` runs
    after the commit (to build it concurrently)."""
    if min_rows is None:
        min_rows = BULK_MIN_ROWS
    if connection.vendor != "postgresql" or incoming < min_rows:
        yield False
        return
    cur.execute(f"SELECT 1 FROM {table} OFFSET %s LIMIT 1", [incoming])
    if cur.fetchone() is not None:  # more rows there already than the load brings
        yield False
        return
    constraints, indexes = _keys(cur, table)
    for name, _definition in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield True
    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cur.execute("SET LOCAL max_parallel_maintenance_workers = 1")
    for name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    left = [d for _n, d in indexes if deferred is not None and deferred(d)]
    for _name, definition in indexes:
        if definition not in left:
            cur.execute(definition)
    if left and later is not None:
        transaction.on_commit(later)
