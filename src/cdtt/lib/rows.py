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

import datetime as dt
import decimal
import json
import uuid
from functools import cache

from django.db import connection, models, transaction
from psycopg.types.json import Json, Jsonb


@cache
def _columns(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    head = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({head}) VALUES ", fields


@cache
def _arrays(model: type[models.Model]) -> str | None:
    """PostgreSQL: ``SELECT`` of the model's columns from one array a column (``unnest``), the
    arrays' types without their lengths (a cast to ``varchar(n)`` would cut a value, not refuse
    it), as Django's ``bulk_create`` writes them; None when a column's type is not one of the
    backend's own (an array, say)."""
    _head, fields = _columns(model)
    types = [(f.target_field if f.is_relation else f).get_internal_type() for f in fields]
    if any(t not in connection.data_types for t in types):
        return None
    casts = [f.db_type(connection).split("(")[0] for f in fields]
    return "SELECT * FROM unnest(" + ", ".join(f"%s::{t}[]" for t in casts) + ")"


# Values written into an array's text as their ``str``, quoted (PostgreSQL reads each with its
# element type's input).
_AS_TEXT = (dt.datetime, dt.date, dt.time, uuid.UUID, decimal.Decimal)


def _element(value) -> str | None:
    """A prepared value as an element of an array's text; None if it is of another type."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):  # an enumeration's member too: its number
        return int.__repr__(value)
    if isinstance(value, str):  # an enumeration's member too: its text
        text = str.__str__(value)
    elif isinstance(value, (Json, Jsonb)):
        text = (value.dumps or json.dumps)(value.obj)
    elif isinstance(value, _AS_TEXT):
        text = str(value)
    else:
        return None
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values: list) -> str | list:
    """PostgreSQL: the text of an array of ``values`` (prepared as for a column: numbers, texts,
    times, UUIDs, JSON), for a parameter cast to the array's type (``%s::bigint[]``). psycopg's
    own adaptation of a list looks at every element's type in Python: for the arrays of a visit
    it cost more than anything else the statement's parameters need. A list holding a value of
    another type is returned as it is, for psycopg."""
    elements = []
    for value in values:
        element = _element(value)
        if element is None:
            return values
        elements.append(element)
    return "{" + ",".join(elements) + "}"


def _insert(objs: list[models.Model], returning: bool) -> tuple[str, list]:
    """The insert of ``objs`` and its parameters. On PostgreSQL several rows are sent as one
    array a column: the statement has one shape whatever their number (a visit's assessments,
    one to a dozen), so that it is prepared once a connection and planned once."""
    head, fields = _columns(type(objs[0]))
    db = transaction.get_connection()  # the connection itself: the proxy looks it up each time
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields] for obj in objs]
    arrays = _arrays(type(objs[0])) if len(objs) > 1 and connection.vendor == "postgresql" else None
    if arrays is not None:
        sql = head.removesuffix("VALUES ") + arrays
        params = [pg_array(list(column)) for column in zip(*rows, strict=True)]
    else:
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = head + ", ".join([one] * len(objs))
        params = [value for row in rows for value in row]
    if returning:
        sql += f" RETURNING {connection.ops.quote_name(objs[0]._meta.pk.column)}"
    return sql, params


def _saved(objs: list[models.Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def rows_insert(
    *groups: list[models.Model],
    then: tuple[tuple, ...] = (),
    query: tuple[str, list] | None = None,
    many: bool = False,
) -> tuple | list | None:
    """Insert each group of objects (each of one model; empty groups are skipped) and run the
    statements ``then`` ((sql, params) pairs that return nothing, or (sql, params, name): on
    PostgreSQL the ``query`` may read what such a statement returns by that name). The primary
    keys the database draws are set on the objects, unless a ``query`` ((sql, params) of a
    SELECT, which does not see the rows written here) is sent along: then its first row is
    returned instead (``many``: all its rows)."""
    groups = tuple(g for g in groups if g)
    if connection.vendor == "postgresql":
        return _together(groups, then, query, many)
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
        for sql, params, *_name in then:
            cursor.execute(sql, params)
        if query is not None:
            cursor.execute(*query)
            return cursor.fetchall() if many else cursor.fetchone()
    return None


def _together(groups: tuple[list[models.Model], ...], then, query, many) -> tuple | list | None:
    """PostgreSQL: every insert and statement as a WITH clause of one SELECT: the ``query``
    (which must then be a SELECT), beside it the keys each group drew as an array; or one that
    returns the drawn keys, tagged by group. Either way the keys come in the order of the rows
    (as Django's ``bulk_create`` reads them)."""
    clauses, params, keyed = [], [], []
    for i, objs in enumerate(groups):
        returning = objs[0]._meta.pk.db_returning
        sql, values = _insert(objs, returning)
        clauses.append(f"g{i} AS ({sql})")
        params += values
        if returning:
            keyed.append((i, connection.ops.quote_name(objs[0]._meta.pk.column)))
    for j, (sql, values, *name) in enumerate(then):
        clauses.append(f"{name[0] if name else f't{j}'} AS ({sql})")
        params += values
    if query is None and not clauses:
        return None
    if query is None:
        main = " UNION ALL ".join(f"SELECT {i}, {pk} FROM g{i}" for i, pk in keyed)
        main = main or "SELECT 0, 0"
    else:
        main, values = query
        params += values
        if keyed:  # the keys beside the query's rows; one row of them when it has none
            keys = ", ".join(f"(SELECT array_agg({pk}) FROM g{i})" for i, pk in keyed)
            main = (
                f"SELECT {keys}, q.* FROM (SELECT 1) one "
                f"LEFT JOIN (SELECT 1, * FROM ({main}) q0) q ON TRUE"
            )
    with connection.cursor() as cursor:
        cursor.execute(("WITH " + ", ".join(clauses) + " " if clauses else "") + main, params)
        rows = cursor.fetchall() if query is not None or keyed else []
    drawn: dict[int, list] = {}
    if query is None:
        for group, pk in rows:
            drawn.setdefault(group, []).append(pk)
    elif keyed:
        k = len(keyed)
        drawn = {i: list(keys) for (i, _pk), keys in zip(keyed, rows[0][:k], strict=True)}
        rows = [row[k + 1 :] for row in rows if row[k] is not None]
    for i, objs in enumerate(groups):
        if i in drawn:
            for obj, pk in zip(objs, drawn[i], strict=True):
                obj.pk = pk
        _saved(objs)
    if query is None:
        return None
    return rows if many else (rows[0] if rows else None)
