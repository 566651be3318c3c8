"""Inserting model rows without the ORM's per-save machinery, for the hottest write paths
(a visit, its assessments, its audit entry: hundreds a second in a campaign).

Values are prepared by each field exactly as ``Model.save()`` prepares them (``pre_save`` fills
``auto_now_add``; ``get_db_prep_save`` adapts JSON, dates and UUIDs for the backend), so the row
is the one the ORM would have written. No signals are sent: the models written here have no
receivers.

On PostgreSQL several groups of rows, and further writes that return nothing, go in one
statement (data-modifying WITH clauses): one round trip instead of one per table. Elsewhere
they are sent one after another. Either way they run in the caller's transaction.
"""

from functools import cache

from django.db import connection, models


@cache
def _columns(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    head = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({head}) VALUES ", fields


def _insert(objs: list[models.Model], returning: bool) -> tuple[str, list]:
    head, fields = _columns(type(objs[0]))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = head + ", ".join([one] * len(objs))
    if returning:
        sql += f" RETURNING {connection.ops.quote_name(objs[0]._meta.pk.column)}"
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    return sql, params


def _saved(objs: list[models.Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def rows_insert(
    *groups: list[models.Model],
    then: tuple[tuple[str, list], ...] = (),
    query: tuple[str, list] | None = None,
) -> tuple | None:
    """Insert each group of objects (each of one model; empty groups are skipped) and run the
    statements ``then`` ((sql, params) pairs that return nothing). The primary keys the database
    draws are set on the objects, unless a ``query`` ((sql, params) of a SELECT, which does not
    see the rows inserted here) is sent along: then its first row is returned instead."""
    groups = tuple(g for g in groups if g)
    if connection.vendor == "postgresql":
        return _together(groups, then, query)
    with connection.cursor() as cursor:
        for objs in groups:
            draws_pk = objs[0]._meta.pk.db_returning
            returning = draws_pk and connection.features.can_return_rows_from_bulk_insert
            if draws_pk and not returning:  # one row at a time, each id read back
                for obj in objs:
                    cursor.execute(*_insert([obj], False))
                    obj.pk = cursor.lastrowid
            else:
                cursor.execute(*_insert(objs, returning))
                if returning:
                    for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                        obj.pk = value
            _saved(objs)
        for sql, params in then:
            cursor.execute(sql, params)
        if query is not None:
            cursor.execute(*query)
            return cursor.fetchone()
    return None


def _together(groups: tuple[list[models.Model], ...], then, query) -> tuple | None:
    """PostgreSQL: every insert and statement as a WITH clause of one SELECT: the ``query``, or
    one that returns the drawn keys, tagged by group, in the order of the rows."""
    clauses, params, selects = [], [], []
    for i, objs in enumerate(groups):
        returning = objs[0]._meta.pk.db_returning and query is None
        sql, values = _insert(objs, returning)
        clauses.append(f"g{i} AS ({sql})")
        params += values
        if returning:
            pk = connection.ops.quote_name(objs[0]._meta.pk.column)
            selects.append(f"SELECT {i}, {pk} FROM g{i}")
    for j, (sql, values) in enumerate(then):
        clauses.append(f"t{j} AS ({sql})")
        params += values
    if query is not None:
        main, values = query
        params += values
    elif not clauses:
        return None
    else:
        main = " UNION ALL ".join(selects) or "SELECT 0, 0"
    with connection.cursor() as cursor:
        cursor.execute(("WITH " + ", ".join(clauses) + " " if clauses else "") + main, params)
        if query is not None:
            row = cursor.fetchone()
        rows = cursor.fetchall() if selects else []
    drawn: dict[int, list] = {}
    for group, pk in rows:
        drawn.setdefault(group, []).append(pk)
    for i, objs in enumerate(groups):
        if i in drawn:
            for obj, pk in zip(objs, drawn[i], strict=True):
                obj.pk = pk
        _saved(objs)
    return row if query is not None else None
