"""Copying polars frames into PostgreSQL tables (COPY … FROM STDIN, CSV written by polars)."""

import io

from django.db import connection


def frame_csv(frame) -> memoryview:
    """The frame's rows as COPY's CSV: no header, ``\\N`` for NULL, text quoted."""
    text = io.BytesIO()
    frame.write_csv(text, include_header=False, null_value="\\N", quote_style="non_numeric")
    return text.getbuffer()


def copy_sql(table: str, columns: list[str]) -> str:
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv, NULL '\\N')"


def frame_copy(cur, table: str, columns: list[str], frame) -> None:
    """COPY the frame (its columns in the order of ``columns``) into ``table``; database errors
    are raised as Django's."""
    if frame.is_empty():
        return
    with connection.wrap_database_errors, cur.copy(copy_sql(table, columns)) as copy:
        copy.write(frame_csv(frame))
