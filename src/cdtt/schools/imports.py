"""Importing a school's student list (DESIGN.md §10): classes and students, set-based.

The file (XLSX or CSV; headers ``Mã trường``, ``Lớp``, ``Năm học``, ``Họ và tên``, ``Ngày sinh``,
``Giới tính``, ``Mã xã``, optional ``Mã hộ``) is read in column batches and checked in two large
parts at once, column by column, each distinct value judged once (school codes, classes, school
years, births, genders, communes) and joined back, as the population import does; a student listed
twice in a class is found in the whole file's good rows. On PostgreSQL the good rows are then
compared with the students of their classes in memory and only the new ones copied, the changed
ones updated (``cdtt.schools.student_load``); on SQLite (and on PostgreSQL when a concurrent import
wrote one of the file's students meanwhile) they go into a staging table and the classes and the
students are each upserted by one statement. All or nothing unless ``skip_invalid``; a dry run
rolls back; re-importing the same file changes nothing. A row of a school the importer may not
write to (a teacher's list naming a class of another school) is refused.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.imports import Column, ImportKind, ImportResult, Progress, import_kind_register
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.frames import Judged
from cdtt.lib.pgcopy import frame_copy
from cdtt.lib.prefetch import mapped
from cdtt.lib.tabular import FileProblem, RowError, Table, open_table_path
from cdtt.lib.text import fold, header_key
from cdtt.registry.population_checks import GENDERS, name_keys, parse_birth
from cdtt.schools.models import School
from cdtt.schools.selectors import can_teach, schools_for
from cdtt.schools.services import class_grade, school_year_check
from cdtt.schools.student_load import students_load

CHUNK = 20_000
# The list is checked in this many parts at once (polars lets go of the GIL as it works): the
# checks of a province's list on one core leave the other idle.
CHECK_THREADS = 2
MAX_ERRORS = 10_000
COLUMNS = (
    Column("Mã trường", True, _lazy("mã trường")),
    Column("Lớp", True, _lazy("tên lớp, bắt đầu bằng khối 6–12 (6A, 10A1…)")),
    Column("Năm học", True, _lazy("năm học, ví dụ 2025-2026")),
    Column("Họ và tên", True, _lazy("họ và tên học sinh")),
    Column("Ngày sinh", True, _lazy("dd/mm/yyyy hoặc năm sinh")),
    Column("Giới tính", False, _lazy("Nam / Nữ / Khác")),
    Column("Mã xã", True, _lazy("mã xã nơi học sinh cư trú")),
    Column("Mã hộ", False, _lazy("mã hộ của gia đình học sinh, nếu biết")),
)
# The file's columns by the names the checks use.
NAMES = {
    "Mã trường": "school_raw",
    "Lớp": "class_raw",
    "Năm học": "year_raw",
    "Họ và tên": "full_name",
    "Ngày sinh": "birth_raw",
    "Giới tính": "gender_raw",
    "Mã xã": "commune_raw",
    "Mã hộ": "household_code",
}
STAGING = [
    ("row_no", "integer"),
    ("school_id", "bigint"),
    ("school_year", "varchar(9)"),
    ("class_key", "varchar(20)"),
    ("class_name", "varchar(20)"),
    ("grade", "smallint"),
    ("full_name", "varchar(120)"),
    ("name_key", "varchar(120)"),
    ("birth_date", "date"),
    ("birth_year", "integer"),
    ("birth_key", "varchar(10)"),
    ("gender", "varchar(1)"),
    ("commune_id", "bigint"),
    ("household_code", "varchar(40)"),
]
STAGING_NAMES = [n for n, _t in STAGING]
# The checked rows' polars types (the date as its ISO text).
STAGING_SCHEMA = {
    n: pl.Int64 if t in ("integer", "bigint", "smallint") else pl.String for n, t in STAGING
}


@dataclass
class _Result:
    rows: int = 0
    imported: int = 0
    classes_created: int = 0
    students_created: int = 0
    students_updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors_total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, reason))

    def message(self, dry_run: bool) -> str:
        text = _("Đã nhập %(s)d học sinh (%(n)d mới) vào %(c)d lớp mới.") % {
            "s": self.students_created + self.students_updated,
            "n": self.students_created,
            "c": self.classes_created,
        }
        if dry_run:
            text = _("Kiểm tra thử, chưa ghi gì: ") + text
        if self.errors_total:
            text += " " + _("%(n)d dòng lỗi.") % {"n": self.errors_total}
        return text


class _Rollback(Exception):
    pass


def _frames(table: Table) -> Iterator[pl.DataFrame]:
    """The file's rows as column batches named as in ``NAMES`` (absent optional columns empty)."""
    index = {h: table.keys.index(header_key(h)) for h in NAMES if header_key(h) in table.keys}

    def named(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.col("row_no").cast(pl.Int64),
            *(
                (pl.col(f"c{index[h]}") if h in index else pl.lit("")).fill_null("").alias(name)
                for h, name in NAMES.items()
            ),
        )

    if table.frames is not None:
        for frame in table.frames():
            yield named(frame)
        return
    width = len(table.headers)
    batch: list = []

    def frame():
        return named(
            pl.DataFrame(
                {
                    "row_no": [n for n, _c in batch],
                    **{
                        f"c{i}": [cells[i] if i < len(cells) else "" for _n, cells in batch]
                        for i in range(width)
                    },
                },
                schema={"row_no": pl.Int64, **{f"c{i}": pl.String for i in range(width)}},
            )
        )

    for number, cells in table.rows:
        batch.append((number, cells))
        if len(batch) >= CHUNK:
            yield frame()
            batch = []
    if batch:
        yield frame()


def _class_judged(raw: str) -> tuple:
    """A class cell as (name, key, grade, error)."""
    if not raw:
        return None, None, None, _("Thiếu tên lớp.")
    name = raw.upper().replace(" ", "")[:20]
    try:
        return name, fold(name), class_grade(name), None
    except Exception as exc:  # ValidationError: its message is the reason
        return None, None, None, " ".join(getattr(exc, "messages", [str(exc)]))


def _year_judged(raw: str) -> tuple:
    """A school year cell as (school year, error)."""
    try:
        return school_year_check(raw), None
    except Exception as exc:
        return None, " ".join(getattr(exc, "messages", [str(exc)]))


def _gender_judged(raw: str) -> tuple:
    """A gender cell as (gender, error); an empty cell is no gender."""
    if not raw:
        return "", None
    value = GENDERS.get(fold(raw))
    if value is None:
        return None, _("Giới tính “%(v)s” phải là Nam, Nữ hoặc Khác.") % {"v": raw}
    return value, None


class _Checks:
    """The checks of one file, for an importer who may write to ``allowed`` schools."""

    def __init__(self, schools: dict[str, tuple[int, str]], allowed: set[int], communes: dict):
        self.schools, self.allowed, self.communes = schools, allowed, communes
        self.today = timezone.localdate()
        S, N = pl.String, pl.Int64  # noqa: N806
        # (header, the file's column, its judge) of each column judged value by value.
        self.judges = [
            ("Mã trường", "school_raw", Judged(self._school, {"school_id": N, "e_school": S})),
            (
                "Lớp",
                "class_raw",
                Judged(_class_judged, {"class_name": S, "class_key": S, "grade": N, "e_class": S}),
            ),
            ("Năm học", "year_raw", Judged(_year_judged, {"school_year": S, "e_year": S})),
            (
                "Ngày sinh",
                "birth_raw",
                Judged(
                    self._birth, {"birth_date": S, "birth_year": N, "birth_key": S, "e_birth": S}
                ),
            ),
            ("Giới tính", "gender_raw", Judged(_gender_judged, {"gender": S, "e_gender": S})),
            ("Mã xã", "commune_raw", Judged(self._commune, {"commune_id": N, "e_commune": S})),
        ]

    def _school(self, raw: str) -> tuple:
        """A school code as (school id, error): a known school the importer may write to."""
        if not raw:
            return None, _("Thiếu mã trường.")
        found = self.schools.get(raw.upper())
        if found is None:
            return None, _("Không có trường mã “%(v)s”.") % {"v": raw}
        if found[0] not in self.allowed:
            return None, _(
                "Trường “%(v)s” (%(n)s) không phải trường bạn được nhập danh sách: "
                "không nhận lớp của trường khác."
            ) % {"v": raw, "n": found[1]}
        return found[0], None

    def _birth(self, raw: str) -> tuple:
        """A birth cell as (date, year, key, error)."""
        parsed = parse_birth(raw, self.today) if raw else _("Thiếu ngày sinh.")
        if isinstance(parsed, str):
            return None, None, None, parsed
        return (*parsed, None)

    def _commune(self, raw: str) -> tuple:
        """A commune code as (commune id, error)."""
        found = self.communes.get(raw)
        if found is None:
            return None, _("Không có xã mã “%(v)s”.") % {"v": raw}
        return found, None

    def check(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError]]:
        for _header, column, judge in self.judges:
            frame = judge.join(frame, column)
        frame = frame.with_columns(
            name_keys(frame.get_column("full_name")).alias("name_key"),
            pl.when(pl.col("full_name") == "")
            .then(pl.lit(_("Thiếu họ và tên.")))
            .when(pl.col("full_name").str.len_chars() > 120)
            .then(pl.lit(_("Họ và tên dài quá 120 ký tự.")))
            .alias("e_name"),
            pl.when(pl.col("household_code").str.len_chars() > 40)
            .then(pl.lit(_("Mã hộ dài quá 40 ký tự.")))
            .alias("e_household"),
        )
        # (header, error column) of each check, in the file's column order: the errors of a
        # row are reported in that order. A judge's last output is its error.
        judged = {header: list(judge.schema)[-1] for header, _c, judge in self.judges}
        errors_of = {**judged, "Họ và tên": "e_name", "Mã hộ": "e_household"}
        checks = [(c.header, errors_of[c.header]) for c in COLUMNS]
        errors = pl.concat(
            [
                frame.filter(pl.col(col).is_not_null()).select(
                    "row_no",
                    pl.lit(i).alias("order"),
                    pl.lit(header).alias("column"),
                    pl.col(col).alias("reason"),
                )
                for i, (header, col) in enumerate(checks)
            ]
        ).sort(["row_no", "order"])
        bad = pl.any_horizontal(pl.col(col).is_not_null() for _h, col in checks)
        good = frame.filter(~bad).select(STAGING_NAMES)
        return good, [RowError(r, c, m) for r, _o, c, m in errors.iter_rows()]


def _staging_create(cur) -> None:
    columns = ", ".join(f"{n} {t}" for n, t in STAGING)
    # Dropped first: inside an outer transaction (a test, a caller's atomic block) the table
    # of an earlier import is still there.
    if connection.vendor == "postgresql":
        cur.execute("DROP TABLE IF EXISTS pg_temp.imp_students")
        cur.execute(f"CREATE TEMP TABLE imp_students ({columns}) ON COMMIT DROP")
    else:
        cur.execute("DROP TABLE IF EXISTS temp.imp_students")
        cur.execute(f"CREATE TEMP TABLE imp_students ({columns})")


def _stage(cur, good: pl.DataFrame) -> None:
    if good.is_empty():
        return
    if connection.vendor == "postgresql":
        frame_copy(cur, "imp_students", STAGING_NAMES, good)
        return
    marks = ", ".join(["%s"] * len(STAGING_NAMES))
    cur.executemany(
        f"INSERT INTO imp_students ({', '.join(STAGING_NAMES)}) VALUES ({marks})",
        good.rows(),
    )


def _duplicates(good: pl.DataFrame, result: _Result) -> pl.DataFrame:
    """The rows listing a student already listed above in the same class (same name and
    birth) reported; the other rows returned."""
    key = ["school_id", "school_year", "class_key", "name_key", "birth_key"]
    # A hash of the key first: twice as fast as comparing the keys, and a file that lists
    # nobody twice (the usual one) needs nothing more.
    if not good.select(pl.struct(key).hash().is_duplicated().any()).item():
        return good
    twice = good.filter(pl.struct(key).is_duplicated())
    if twice.is_empty():
        return good
    later = (
        twice.with_columns(pl.col("row_no").min().over(key).alias("first_row"))
        .filter(pl.col("row_no") != pl.col("first_row"))
        .sort("row_no")
    )
    for row_no, first in later.select("row_no", "first_row").iter_rows():
        result.error(
            row_no,
            "Họ và tên",
            _("Học sinh đã có ở dòng %(r)d (cùng lớp, họ tên và ngày sinh).") % {"r": first},
        )
    return good.filter(~pl.col("row_no").is_in(later.get_column("row_no").implode()))


_CLASS_JOIN = (
    "JOIN schools_schoolclass c ON c.school_id = i.school_id "
    "AND c.school_year = i.school_year AND c.name_key = i.class_key"
)


_STUDENT_COLUMNS = (
    "school_class_id, full_name, name_key, birth_date, birth_year, birth_key, gender, "
    "commune_id, household_code, created_at"
)
_STUDENT_VALUES = (
    "c.id, i.full_name, i.name_key, i.birth_date, i.birth_year, i.birth_key, "
    "COALESCE(i.gender, ''), i.commune_id, COALESCE(i.household_code, ''), %s"
)
_STUDENT_UPSERT = (
    "ON CONFLICT (school_class_id, name_key, birth_key) DO UPDATE SET "
    "full_name = excluded.full_name, gender = excluded.gender, "
    "commune_id = excluded.commune_id, household_code = CASE WHEN "
    "excluded.household_code <> '' THEN excluded.household_code ELSE "
    "schools_student.household_code END WHERE schools_student.full_name <> "
    "excluded.full_name OR schools_student.gender <> excluded.gender OR "
    "schools_student.commune_id <> excluded.commune_id OR (excluded.household_code <> '' "
    "AND schools_student.household_code <> excluded.household_code)"
)


def _students_apply(cur, result: _Result, now) -> None:
    """The students by one upsert; those new counted first."""
    cur.execute(
        f"SELECT COUNT(*) FROM imp_students i {_CLASS_JOIN} WHERE NOT EXISTS (SELECT 1 FROM "
        "schools_student s WHERE s.school_class_id = c.id AND s.name_key = i.name_key "
        "AND s.birth_key = i.birth_key)"
    )
    result.students_created = cur.fetchone()[0]
    cur.execute(
        f"INSERT INTO schools_student ({_STUDENT_COLUMNS}) SELECT {_STUDENT_VALUES} "
        f"FROM imp_students i {_CLASS_JOIN} WHERE 1 = 1 {_STUDENT_UPSERT}",
        [now],
    )
    result.students_updated = result.imported - result.students_created


def _apply(cur, result: _Result, now) -> None:
    """The staged rows: the classes by one statement, then the students."""
    now = connection.ops.adapt_datetimefield_value(now)
    cur.execute(
        "INSERT INTO schools_schoolclass (school_id, name, name_key, grade, school_year, "
        "created_at) SELECT school_id, MIN(class_name), class_key, MIN(grade), school_year, %s "
        "FROM imp_students WHERE 1 = 1 GROUP BY school_id, school_year, class_key "
        "ON CONFLICT (school_id, school_year, name_key) DO NOTHING",
        [now],
    )
    result.classes_created = max(cur.rowcount, 0)
    _students_apply(cur, result, now)
    # Written row by row: the digest of a class's list, if any, is no longer its students'.
    cur.execute(
        "UPDATE schools_schoolclass SET list_digest = NULL WHERE list_digest IS NOT NULL AND "
        f"id IN (SELECT c.id FROM imp_students i {_CLASS_JOIN})"
    )


def _rows_write(cur, good: pl.DataFrame, result: _Result) -> None:
    """Write the checked rows: on PostgreSQL compared in memory and copied (student_load);
    staged and upserted on SQLite, or when a concurrent import wrote one of the file's students
    meanwhile (the copy then fails and is rolled back to its savepoint)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                result.classes_created, result.students_created = students_load(cur, good, now)
            result.students_updated = result.imported - result.students_created
            return
        except IntegrityError:
            pass
    _staging_create(cur)
    _stage(cur, good)
    _apply(cur, result, now)
    if connection.vendor != "postgresql":
        cur.execute("DROP TABLE IF EXISTS temp.imp_students")


def _reach(actor) -> tuple[dict[str, tuple[int, str]], set[int], dict[str, int]]:
    """Every school (code -> id, name), those the importer may write to, and the communes."""
    schools = {
        code: (pk, name)
        for pk, code, name in School.objects.values_list("pk", "code", "organization__name")
    }
    if actor is None:
        allowed = {pk for pk, _n in schools.values()}
    else:
        allowed = {s.pk for s in schools_for(actor) if can_teach(actor, s)}
    communes = dict(
        AdminUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True).values_list(
            "code", "pk"
        )
    )
    return schools, allowed, communes


def _required_columns_check(table: Table, result: _Result) -> None:
    """Report each required column the file lacks, and stop if any."""
    required = [c.header for c in COLUMNS if c.required]
    missing = [h for h in required if header_key(h) not in table.keys]
    if missing:
        for h in missing:
            result.error(1, h, _("Thiếu cột bắt buộc “%(c)s”.") % {"c": h})
        raise _Rollback


def _parts(rows: pl.DataFrame, n: int) -> list[pl.DataFrame]:
    """``rows`` in ``n`` parts of consecutive rows (fewer for a short list)."""
    size = max(-(-rows.height // n), CHUNK)
    return [rows.slice(start, size) for start in range(0, rows.height, size)]


def _students_check(
    table: Table, checks: _Checks, result: _Result, progress: Progress | None
) -> pl.DataFrame:
    """Read the file (its batches counted as read) and check it in a few large parts at once (a
    province's list of 350,000 rows: each judge's join once a part, not once a batch),
    reporting the bad rows in the file's order; the good ones, each student once (a student
    listed twice in a class is reported at the later rows)."""
    read = []
    for frame in _frames(table):
        read.append(frame)
        result.rows += frame.height
        if progress:
            progress(result.rows, max(table.lines - 1, result.rows))
    # The staging columns' types first: a column the file leaves empty takes them.
    goods = [pl.DataFrame(schema=STAGING_SCHEMA)]
    if read:
        rows = pl.concat(read).rechunk()
        for good, errors in mapped(checks.check, _parts(rows, CHECK_THREADS)):
            goods.append(good)
            for e in errors:
                result.error(e.row, e.column, e.reason)
    good = _duplicates(pl.concat(goods, how="vertical_relaxed"), result)
    result.imported = good.height
    return good


def _students_write(
    cur, good: pl.DataFrame, *, actor, result: _Result, dry_run: bool, skip_invalid: bool
) -> None:
    """Write the good rows and audit it; a dry run rolls back."""
    if result.errors_total and not skip_invalid:
        raise _Rollback
    _rows_write(cur, good, result)
    if result.imported:
        audit_record(
            actor=actor,
            action="school.students_import",
            object_type="schools.Student",
            unit=getattr(actor, "scope_unit", None),
            summary=result.message(dry_run),
            changes={"rows": result.rows, "errors": result.errors_total},
        )
    if dry_run:
        raise _Rollback


def _students_result(result: _Result, *, dry_run: bool, skip_invalid: bool) -> ImportResult:
    """What the import reports; nothing counts as imported when nothing was written."""
    ok = not result.errors_total
    written = ok or (skip_invalid and result.imported > 0)
    if not written:
        result.imported = result.classes_created = 0
        result.students_created = result.students_updated = 0
    return ImportResult(
        message=result.message(dry_run),
        counts={
            "rows": result.rows,
            "classes_created": result.classes_created,
            "students_created": result.students_created,
            "students_updated": result.students_updated,
        },
        errors=result.errors,
        errors_total=result.errors_total,
        imported=result.imported,
        written=written,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )


def students_import(
    *,
    actor,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    file_name: str = "",
) -> ImportResult:
    """Import a student list; see the module's docstring for the rules."""
    result = _Result()
    try:
        table = open_table_path(path)
        _required_columns_check(table, result)
        checks = _Checks(*_reach(actor))
        good = _students_check(table, checks, result, progress)
        with transaction.atomic(), connection.cursor() as cur:
            _students_write(
                cur, good, actor=actor, result=result, dry_run=dry_run, skip_invalid=skip_invalid
            )
    except _Rollback:
        pass
    except FileProblem as exc:
        result.error(0, "", str(exc))
    return _students_result(result, dry_run=dry_run, skip_invalid=skip_invalid)


def _template_rows(user) -> list[list]:
    school = schools_for(user).first() if user is not None else None
    code = school.code if school else "TH001"
    commune = school.commune.code if school else "16000"
    born = dt.date(2013, 3, 5)  # a date cell: the reader takes it as dd/mm/yyyy
    return [[code, "6A", "2025-2026", "Nguyễn Văn An", born, "Nam", commune, "HK0001"]]


STUDENTS = import_kind_register(
    ImportKind(
        code="students",
        label=_lazy("Học sinh của trường"),
        columns=COLUMNS,
        roles=frozenset(roles.MANAGE_UNITS | {roles.Role.TEACHER}),
        run=students_import,
        job_title=_lazy("Nhập danh sách học sinh từ %(f)s"),
        help=_lazy(
            "Tệp XLSX hoặc CSV (UTF-8), mỗi dòng một học sinh. Lớp được tạo khi chưa có; "
            "một học sinh được nhận ra theo lớp, họ tên và ngày sinh. Giáo viên chỉ nhập "
            "được học sinh của trường mình."
        ),
        sheet=_lazy("Học sinh"),
        template_name="mau-danh-sach-hoc-sinh.xlsx",
        template_rows=_template_rows,
    )
)
