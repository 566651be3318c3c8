"""Writing a checked student list on PostgreSQL without a staging table (DESIGN.md §7).

The checked rows arrive as one polars frame. The classes they name are inserted by one
statement from a small temporary table (a class per few dozen rows). A class whose list is the
one last imported into it, its students unchanged since (the digest of that list is kept with
the class, and cleared by any other write: ``services.class_list_changed``), needs nothing
more. The students of the other classes that hold some are read back by one ``COPY … TO`` and
compared with the file's rows in polars: the new students are copied straight into their table
(its unique key and indexes dropped and built again after a load into a table holding no more
rows than it brings), the changed ones updated from a temporary table of those rows only, the
others left alone. The same file again writes nothing.

A student written by someone else between the reading and the writing (two lists of one class
imported at once) makes the copy, or the unique key built after it, fail: ``students_load``
then raises ``IntegrityError`` and the caller rolls its savepoint back and runs the staged
upsert, which takes whatever is there.
"""

import io

import polars as pl
from django.db import connection

from cdtt.lib.pgbulk import bulk_load, ids_reserve
from cdtt.lib.pgcopy import frame_copy

CLASS_KEY = ["school_id", "school_year", "class_key"]
STUDENT_KEY = ["class_id", "name_key", "birth_key"]
# The table's columns the copy writes, as the frame names them.
_NEW_ROW = [
    pl.col("class_id").alias("school_class_id"),
    pl.col("full_name"),
    pl.col("name_key"),
    pl.col("birth_date"),
    pl.col("birth_year"),
    pl.col("birth_key"),
    pl.col("gender").fill_null(""),
    pl.col("commune_id"),
    pl.col("household_code").fill_null(""),
]
# The columns of an existing student compared with the file's row.
_OLD = {
    "id": pl.Int64,
    "class_id": pl.Int64,
    "name_key": pl.String,
    "birth_key": pl.String,
    "old_full_name": pl.String,
    "old_gender": pl.String,
    "old_commune_id": pl.Int64,
    "old_household_code": pl.String,
}


def list_digests(good: pl.DataFrame) -> pl.DataFrame:
    """The digest of each class's rows (``CLASS_KEY``, ``digest``): the sum of a hash of each
    row's listed columns (48 bits of it: a class's sum stays within 64), whatever the rows'
    order. A polars of another version hashes otherwise: every list then differs once."""
    row = pl.struct(
        "name_key",
        "birth_key",
        "full_name",
        pl.col("gender").fill_null(""),
        "commune_id",
        pl.col("household_code").fill_null(""),
    )
    return good.group_by(CLASS_KEY).agg(
        (row.hash(seed=0) // 65536).cast(pl.Int64).sum().alias("digest")
    )


def _classes(cur, good: pl.DataFrame, now) -> tuple[pl.DataFrame, int]:
    """The file's classes (school_id, school_year, class_key, class_id, filled: whether it held
    a student before, ``same``: whether its list is the one last imported into it, students
    unchanged since, and the file's ``digest`` of it), the missing ones created; and how many
    were."""
    named = good.select(*CLASS_KEY, "class_name", "grade").unique()
    named = named.join(list_digests(good), on=CLASS_KEY, how="left")
    cur.execute("DROP TABLE IF EXISTS pg_temp.imp_classes")
    cur.execute(
        "CREATE TEMP TABLE imp_classes (school_id bigint, school_year varchar(9), "
        "class_key varchar(20), class_name varchar(20), grade smallint, digest bigint) "
        "ON COMMIT DROP"
    )
    frame_copy(cur, "imp_classes", named.columns, named)
    # A class made here takes the digest of its list now: its students are the file's.
    cur.execute(
        "INSERT INTO schools_schoolclass (school_id, name, name_key, grade, school_year, "
        "created_at, list_digest) SELECT i.school_id, MIN(i.class_name), i.class_key, "
        "MIN(i.grade), i.school_year, %s, MIN(i.digest) FROM imp_classes i WHERE NOT EXISTS "
        "(SELECT 1 FROM schools_schoolclass c WHERE c.school_id = i.school_id AND "
        "c.school_year = i.school_year AND c.name_key = i.class_key) "
        "GROUP BY i.school_id, i.school_year, i.class_key "
        "ON CONFLICT (school_id, school_year, name_key) DO NOTHING",
        [now],
    )
    created = max(cur.rowcount, 0)
    cur.execute("DROP TABLE IF EXISTS pg_temp.imp_class_ids")
    cur.execute(
        "CREATE TEMP TABLE imp_class_ids ON COMMIT DROP AS SELECT c.id AS class_id, "
        "c.school_id, c.school_year, c.name_key AS class_key, EXISTS (SELECT 1 FROM "
        "schools_student s WHERE s.school_class_id = c.id) AS filled, "
        "COALESCE(c.list_digest = i.digest, FALSE) AS same, i.digest "
        "FROM schools_schoolclass c JOIN (SELECT DISTINCT school_id, school_year, class_key, "
        "digest FROM imp_classes) i ON c.school_id = i.school_id AND c.school_year = "
        "i.school_year AND c.name_key = i.class_key"
    )
    cur.execute(
        "SELECT school_id, school_year, class_key, class_id, filled, same, digest "
        "FROM imp_class_ids"
    )
    classes = pl.DataFrame(
        cur.fetchall(),
        schema={
            "school_id": pl.Int64,
            "school_year": pl.String,
            "class_key": pl.String,
            "class_id": pl.Int64,
            "filled": pl.Boolean,
            "same": pl.Boolean,
            "digest": pl.Int64,
        },
        orient="row",
    )
    return classes, created


def _digests_keep(cur, classes: pl.DataFrame) -> None:
    """Keep with each class the digest of the list just written into it."""
    if classes.filter(~pl.col("same")).is_empty():
        return
    cur.execute(
        "UPDATE schools_schoolclass c SET list_digest = i.digest FROM imp_class_ids i "
        "WHERE c.id = i.class_id AND NOT i.same"
    )


def _existing(cur, classes: pl.Series) -> pl.DataFrame:
    """The students of these classes (``_OLD``'s columns), by one copy."""
    if classes.is_empty():
        return pl.DataFrame(schema=_OLD)
    cur.execute("DROP TABLE IF EXISTS pg_temp.imp_compared")
    cur.execute("CREATE TEMP TABLE imp_compared (class_id bigint) ON COMMIT DROP")
    frame_copy(cur, "imp_compared", ["class_id"], classes.to_frame())
    query = (
        "COPY (SELECT s.id, s.school_class_id, s.name_key, s.birth_key, s.full_name, s.gender, "
        "s.commune_id, s.household_code FROM schools_student s JOIN imp_compared c "
        "ON c.class_id = s.school_class_id) TO STDOUT (FORMAT csv)"
    )
    data = io.BytesIO()
    with connection.wrap_database_errors, cur.copy(query) as copy:
        for block in copy:
            data.write(block)
    if not data.tell():
        return pl.DataFrame(schema=_OLD)
    data.seek(0)
    frame = pl.read_csv(data, has_header=False, schema=_OLD)
    # Every compared column is NOT NULL: a missing value is an empty text.
    return frame.with_columns(pl.col(pl.String).fill_null(""))


def _compared(rows: pl.DataFrame, old: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The file's rows that are new students, and those of known students that change one of
    them (name, gender, commune, or a household code the file gives)."""
    if old.is_empty():  # a first list: every row is new
        return rows, rows.clear()
    joined = rows.join(old, on=STUDENT_KEY, how="left")
    new = joined.filter(pl.col("id").is_null())
    household = pl.col("household_code").fill_null("")
    differs = (
        (pl.col("full_name") != pl.col("old_full_name"))
        | (pl.col("gender").fill_null("") != pl.col("old_gender"))
        | (pl.col("commune_id") != pl.col("old_commune_id"))
        | ((household != "") & (household != pl.col("old_household_code")))
    )
    changed = joined.filter(pl.col("id").is_not_null() & differs)
    return new, changed


def _insert(cur, new: pl.DataFrame, now) -> None:
    """Copy the new students. Into a table the load holds to itself (its keys dropped), the
    rows go in the order of the unique key (its build after the copy finds them sorted) with
    ids drawn at once, and the time of creation is the column's default for the time of the
    copy instead of a value of every row."""
    if new.is_empty():
        return
    rows = new.select(_NEW_ROW)
    with bulk_load(cur, "schools_student", rows.height) as alone:
        if not alone:
            rows = rows.with_columns(pl.lit(now.isoformat()).alias("created_at"))
            frame_copy(cur, "schools_student", rows.columns, rows)
            return
        first = ids_reserve(cur, "schools_student", rows.height)
        rows = rows.sort("school_class_id", "name_key", "birth_key").with_columns(
            pl.int_range(first, first + rows.height, dtype=pl.Int64).alias("id")
        )
        # DDL takes no parameters; the ISO text of a datetime holds no quote.
        cur.execute(
            "ALTER TABLE schools_student ALTER COLUMN created_at "
            f"SET DEFAULT '{now.isoformat()}'::timestamptz"
        )
        frame_copy(cur, "schools_student", rows.columns, rows)
        cur.execute("ALTER TABLE schools_student ALTER COLUMN created_at DROP DEFAULT")


def _update(cur, changed: pl.DataFrame) -> None:
    """Update the students whose row changed (a household code is never emptied)."""
    if changed.is_empty():
        return
    rows = changed.select(
        "id",
        "full_name",
        pl.col("gender").fill_null(""),
        "commune_id",
        pl.col("household_code").fill_null(""),
    )
    cur.execute("DROP TABLE IF EXISTS pg_temp.imp_student_changes")
    cur.execute(
        "CREATE TEMP TABLE imp_student_changes (id bigint, full_name varchar(120), "
        "gender varchar(1), commune_id bigint, household_code varchar(40)) ON COMMIT DROP"
    )
    frame_copy(cur, "imp_student_changes", rows.columns, rows)
    cur.execute(
        "UPDATE schools_student s SET full_name = i.full_name, gender = i.gender, "
        "commune_id = i.commune_id, household_code = CASE WHEN i.household_code <> '' "
        "THEN i.household_code ELSE s.household_code END "
        "FROM imp_student_changes i WHERE s.id = i.id"
    )


def students_load(cur, good: pl.DataFrame, now) -> tuple[int, int]:
    """Write the checked rows ``good`` (the staging columns, no student twice): returns the
    classes and the students created. A class whose list is the one last imported into it is
    left alone; the rows of the other classes that held students are compared with them row
    by row. Each class then keeps the digest of its list."""
    classes, classes_created = _classes(cur, good, now)
    # A class whose list is the one last imported, unchanged since, brings nothing to write.
    listed = classes.filter(~(pl.col("filled") & pl.col("same"))).drop("same", "digest")
    # One chunk: the comparison's join is several times faster than over the file's batches.
    rows = good.join(listed, on=CLASS_KEY, how="inner").rechunk()
    compared = listed.filter(pl.col("filled")).get_column("class_id")
    new, changed = _compared(rows, _existing(cur, compared))
    _insert(cur, new, now)
    _update(cur, changed)
    _digests_keep(cur, classes)
    return classes_created, new.height
