"""Inserting model rows without the ORM's per-save machinery, for the hottest write paths
(a visit, its assessments, its audit entry: hundreds a second in a campaign).

Values are prepared by each field exactly as ``Model.save()`` prepares them (``pre_save`` fills
``auto_now_add``; ``get_db_prep_save`` adapts JSON, dates and UUIDs for the backend), so the row
is the one the ORM would have written. No signals are sent: the models written here have no
receivers.
"""

from functools import cache

from django.db import connection, models


@cache
def _columns(model: type[models.Model]) -> tuple[str, list[models.Field]]:
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
    head = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({head}) VALUES ", fields


def rows_insert(objs: list[models.Model]) -> None:
    """Insert ``objs`` (all of one model) in one statement; the primary keys the database
    draws are set on the objects. Runs in the caller's transaction."""
    if not objs:
        return
    model = type(objs[0])
    head, fields = _columns(model)
    pk = model._meta.pk
    draws_pk = pk.db_returning
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = head + ", ".join([one] * len(objs))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    returning = draws_pk and connection.features.can_return_rows_from_bulk_insert
    if returning:
        sql += f" RETURNING {connection.ops.quote_name(pk.column)}"
    with connection.cursor() as cursor:
        if draws_pk and not returning:  # one row at a time, each id read back
            for i, obj in enumerate(objs):
                cursor.execute(head + one, params[i * len(fields) : (i + 1) * len(fields)])
                obj.pk = cursor.lastrowid
        else:
            cursor.execute(sql, params)
            if returning:
                for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                    obj.pk = value
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
