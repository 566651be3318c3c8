import datetime as dt

import polars as pl
import pytest
from django.db import connection

from cdtt.lib.pgcopy import frame_copy


def test_texts_that_copy_reads_specially_come_back_as_they_were(db):
    """Backslashes, tabs, line breaks, a literal \\N, empty texts and NULLs survive the COPY."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    texts = ["a\\b", "tab\there", "line\nbreak\r\n", "\\N", "", None, "Nguyễn Thị Ánh", "\\"]
    frame = pl.DataFrame(
        {
            "n": list(range(len(texts))),
            "t": texts,
            "d": [dt.date(1990, 1, 31), None, *[dt.date(2000, 2, 29)] * (len(texts) - 2)],
            "b": [True, False, None, *[True] * (len(texts) - 3)],
        }
    )
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE copied (n integer, t text, d date, b boolean)")
        frame_copy(cur, "copied", ["n", "t", "d", "b"], frame)
        cur.execute("SELECT n, t, d, b FROM copied ORDER BY n")
        assert cur.fetchall() == list(frame.iter_rows())
        cur.execute("DROP TABLE copied")


def test_a_frame_is_copied_a_slice_at_a_time_in_its_order(db, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    monkeypatch.setattr("cdtt.lib.pgcopy.COPY_SLICE", 3)
    frame = pl.DataFrame({"n": list(range(10)), "t": [f"row {i}" for i in range(10)]})
    with connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE sliced (k serial, n integer, t text)")
        frame_copy(cur, "sliced", ["n", "t"], frame)
        cur.execute("SELECT n, t FROM sliced ORDER BY k")
        assert cur.fetchall() == list(frame.iter_rows())
        cur.execute("DROP TABLE sliced")
