"""Copying polars frames into PostgreSQL tables (COPY … FROM STDIN, CSV written by polars)."""

import io

import polars as pl
from django.db import connection


def frame_csv(frame) -> memoryview:
    """The frame's rows as COPY's CSV: no header, NULL as nothing, an empty text as ``""``,
    quotes only where a value needs them (as COPY reads CSV by default)."""
    text = io.BytesIO()
    frame.write_csv(text, include_header=False, quote_style="necessary")
    return text.getbuffer()


def copy_sql(table: str, columns: list[str]) -> str:
    return f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)"


def frame_copy(cur, table: str, columns: list[str], frame) -> None:
    """COPY the frame (its columns in the order of ``columns``) into ``table``; database errors
    are raised as Django's."""
    if frame.is_empty():
        return
    with connection.wrap_database_errors, cur.copy(copy_sql(table, columns)) as copy:
        copy.write(frame_csv(frame))


def objects_frame(model, objects: list) -> pl.DataFrame:
    """Model instances as a frame of their table's columns (values as the database takes
    them), for a COPY."""
    fields = model._meta.concrete_fields
    return pl.DataFrame(
        [[f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objects],
        schema=[f.column for f in fields],
        orient="row",
    )
