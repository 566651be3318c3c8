"""``cdtt.lib.rows.rows_insert`` on the audit log's rows (keys drawn by the database): the keys
set on the objects, with or without a query sent along, and a statement's rows read by name;
``pg_array``'s text of an array read back as psycopg's own list would be."""

import datetime as dt
import decimal
import json
import uuid

import pytest
from django.db import DataError, connection
from psycopg.types.json import Jsonb

from cdtt.audit.models import AuditEntry
from cdtt.audit.services import audit_entry
from cdtt.lib.rows import pg_array, rows_insert

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[AuditEntry]:
    return [audit_entry(actor=None, action="test.rows", summary=f"entry {i}") for i in range(n)]


def test_the_keys_drawn_are_set_in_the_order_of_the_rows():
    entries = _entries(3)
    assert rows_insert(entries) is None
    stored = dict(AuditEntry.objects.values_list("pk", "summary"))
    assert [stored[e.pk] for e in entries] == ["entry 0", "entry 1", "entry 2"]
    assert not entries[0]._state.adding


def test_a_query_sent_along_returns_its_row_and_the_keys_are_set_still():
    entries = _entries(2)
    row = rows_insert(entries, query=("SELECT COUNT(*) FROM audit_auditentry", []))
    # The query does not see the rows inserted by its own statement (PostgreSQL); elsewhere
    # it runs after them.
    assert row[0] == (0 if connection.vendor == "postgresql" else 2)
    stored = dict(AuditEntry.objects.values_list("pk", "summary"))
    assert [stored[e.pk] for e in entries] == ["entry 0", "entry 1"]


def test_a_query_without_rows_returns_none_and_all_of_them_with_many():
    entries = _entries(2)
    empty = ("SELECT id FROM audit_auditentry WHERE action = %s", ["nothing"])
    assert rows_insert(entries, query=empty) is None
    assert rows_insert(_entries(1), query=empty, many=True) == []
    assert AuditEntry.objects.count() == 3 and all(e.pk for e in entries)
    rows = rows_insert(
        query=("SELECT summary FROM audit_auditentry ORDER BY summary", []), many=True
    )
    assert rows == [("entry 0",), ("entry 0",), ("entry 1",)]


def test_the_query_reads_what_a_named_statement_returns_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a statement's rows are read by name in one statement on PostgreSQL")
    rows_insert(_entries(3))
    rows = rows_insert(
        _entries(1),
        then=(
            (
                "UPDATE audit_auditentry SET summary = 'changed' WHERE summary <> %s "
                "RETURNING id, summary",
                ["entry 1"],
                "changed",
            ),
        ),
        query=("SELECT COUNT(*), MIN(summary) FROM changed", []),
        many=True,
    )
    assert rows == [(2, "changed")]
    assert AuditEntry.objects.filter(summary="changed").count() == 2
    assert AuditEntry.objects.count() == 4


def test_several_rows_go_as_arrays_in_one_statement_shape_on_postgresql():
    """However many rows, the statement is the same text (prepared once a connection): their
    values go as one array a column; a text is not cut to the column's length on the way."""
    if connection.vendor != "postgresql":
        pytest.skip("arrays of values: PostgreSQL")
    texts = []

    def sent(execute, sql, params, many, context):
        texts.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(sent):
        two, three = _entries(2), _entries(3)
        rows_insert(two)
        rows_insert(three)
    assert len(texts) == 2 and "unnest" in texts[0]
    assert texts[0] == texts[1]
    stored = dict(AuditEntry.objects.values_list("pk", "summary"))
    assert [stored[e.pk] for e in [*two, *three]] == [f"entry {i}" for i in (0, 1, 0, 1, 2)]
    long = _entries(2)
    long[1].summary = "x" * 400  # longer than the column: refused, not cut
    with pytest.raises(DataError, match="too long"):
        rows_insert(long)


_TRICKY = ['a"b', "back\\slash", "", "NULL", "{x,y}", " spaced ", "Nguyễn Thị Ánh"]


@pytest.mark.parametrize(
    ("cast", "values"),
    [
        ("bigint", [1, None, -5, 2**40]),
        ("smallint", [0, 2, None]),
        ("boolean", [True, False, None]),
        ("text", [*_TRICKY, None]),
        ("timestamptz", [dt.datetime(2026, 12, 6, 22, 46, 25, 887079, tzinfo=dt.UTC), None]),
        ("date", [dt.date(2013, 3, 5), None]),
        ("uuid", [uuid.UUID(int=5), uuid.uuid4()]),
        ("numeric", [decimal.Decimal("1.50"), decimal.Decimal("-1E+3")]),
        ("jsonb", [Jsonb([]), Jsonb({"a": _TRICKY}), Jsonb(["Bench", "x\\y"]), None]),
    ],
)
def test_an_array_s_text_reads_back_as_psycopg_would_send_the_list(cast, values):
    if connection.vendor != "postgresql":
        pytest.skip("arrays of values: PostgreSQL")
    text = pg_array(values)
    assert isinstance(text, str)
    with connection.cursor() as cur:
        cur.execute(f"SELECT %s::{cast}[] = %s::{cast}[], %s::{cast}[]", [text, values, text])
        same, read = cur.fetchone()
    assert same
    if cast == "jsonb":  # Django's connection reads JSON as its text
        read = [None if v is None else json.loads(v) for v in read]
    assert read == [v.obj if isinstance(v, Jsonb) else v for v in values]


def test_a_list_holding_a_value_of_another_type_is_left_to_psycopg():
    values = [1.5, 2.5]
    assert pg_array(values) is values
    assert pg_array([b"bytes"]) == [b"bytes"]
