"""Large loads into PostgreSQL tables: their keys and indexes dropped for the load and built
again after it (``bulk_load``). Shared by the population import and the student import."""

from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction

# A load at least this large, into a table holding no more rows than it brings, drops the
# table's secondary indexes, unique constraints and primary key (with the foreign keys that
# refer to it, when their tables are empty) first and builds them again after: one sorted
# build (and its WAL) costs far less than a million index insertions. The tables are locked
# until the load commits; a failure rolls the drop back with the rest.
BULK_MIN_ROWS = 50_000


def _fetch(cur, sql: str, params=()) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


def _keys(cur, table: str) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(name, definition) of the table's primary key and unique constraints, and of its other
    indexes; and (table, name, definition) of the foreign keys that refer to it. The primary
    key is left out (and the foreign keys with it) when a table that refers to it holds a row:
    its foreign key would be checked again row by row."""
    referring = _fetch(
        cur,
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND contype = 'f' ORDER BY 1, 2",
        [table],
    )
    kept = any(_fetch(cur, f"SELECT EXISTS (SELECT 1 FROM {t})")[0][0] for t, _n, _d in referring)
    constraints = _fetch(
        cur,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND (contype = 'u' OR contype = 'p' AND NOT %s) "
        "ORDER BY contype, conname",
        [table, kept],
    )
    indexes = _fetch(
        cur,
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [table],
    )
    return constraints, indexes, [] if kept else referring


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
    constraints, indexes, referring = _keys(cur, table)
    for other, name, _definition in referring:
        cur.execute(f'ALTER TABLE {other} DROP CONSTRAINT "{name}"')
    for name, _definition in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield True
    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cur.execute("SET LOCAL max_parallel_maintenance_workers = 1")
    for name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for other, name, definition in referring:  # on empty tables: nothing to check
        cur.execute(f'ALTER TABLE {other} ADD CONSTRAINT "{name}" {definition}')
    left = [d for _n, d in indexes if deferred is not None and deferred(d)]
    for _name, definition in indexes:
        if definition not in left:
            cur.execute(definition)
    if left and later is not None:
        transaction.on_commit(later)


def ids_reserve(cur, table: str, n: int) -> int:
    """The first of ``n`` consecutive new ids of ``table``'s ``id`` column, drawn from its
    sequence by two calls (the copy then need not call it for every row). Only for a table the
    transaction holds to itself (``bulk_load``): nobody else inserts into it meanwhile."""
    cur.execute(
        "SELECT setval(s, nextval(s) + %s - 1) - %s + 1 FROM "
        "(SELECT pg_get_serial_sequence(%s, 'id') AS s) q",
        [n, n, table],
    )
    return cur.fetchone()[0]
