"""Importing the population file (DESIGN.md §6): households, residents and their skill levels.

All in one transaction, read batch by batch and checked column by column (population_checks),
the next batch read while the current one is written (cdtt.lib.prefetch). Two ways through:

- the first load (``first_load``, PostgreSQL): when no commune the importer may write to holds
  a household, a clean file is copied straight into the tables; anything to report sends it
  back, with nothing written, to
- the staged import, for any file into any state of the database:
  1. the good rows go into a temporary staging table (COPY on PostgreSQL, executemany on
     SQLite);
  2. checks that need the whole file (a household code used with two villages, a resident
     listed twice) run as SQL over it;
  3. with any error and no ``skip_invalid`` the transaction is rolled back: nothing is written;
  4. otherwise each table is upserted set-based (villages created when new, households,
     residents with their levels), then the flags and the counters of the villages touched
     are recomputed (cdtt.registry.rollups).

The levels a file sets are stated by one PopulationImport record the residents point to, not by
an assessment row per level (docs/decisions.md). Re-importing the same file changes nothing. A
dry run does all of it and rolls back.
"""

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.services import village_build, village_type_guess
from cdtt.lib.frames import key_runs
from cdtt.lib.pgcopy import frame_copy
from cdtt.lib.prefetch import prefetched
from cdtt.lib.tabular import FileProblem, RowError, Table, open_table, open_table_path
from cdtt.lib.text import fold, header_key
from cdtt.lib.xlsx import xlsx_bytes
from cdtt.registry import first_load, rollups
from cdtt.registry.models import PopulationImport, VillageCoverage
from cdtt.registry.population_checks import SKILL_HEADERS, RowChecks
from cdtt.skills.models import SKILL_CODES, Skill

log = logging.getLogger(__name__)

CHUNK = 20_000  # rows of an XLSX file checked at a time
MAX_ERRORS = 10_000  # reported in full; beyond that only counted

REQUIRED = ["Mã xã", "Thôn", "Mã hộ", "Họ và tên", "Ngày sinh"]
OPTIONAL = ["Địa chỉ", "Giới tính", "Quan hệ với chủ hộ", "Số điện thoại"]
TEMPLATE_HEADERS = [
    "Mã xã",
    "Thôn",
    "Mã hộ",
    "Địa chỉ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Quan hệ với chủ hộ",
    "Số điện thoại",
    *SKILL_HEADERS.values(),
]


Progress = Callable[[int, int], None]


@dataclass
class PopulationImportResult:
    rows: int = 0
    rows_imported: int = 0
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    levels_set: int = 0  # residents whose skill levels the file set
    villages_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors_total

    @property
    def written(self) -> bool:
        """Whether the database changed (or, on a dry run, would have)."""
        return (self.ok or self.rows_imported > 0) and not self.dry_run

    def message(self) -> str:
        text = _(
            "Đã nhập %(h)d hộ (%(hc)d mới), %(r)d nhân khẩu (%(rc)d mới); "
            "cập nhật mức kỹ năng của %(a)d nhân khẩu."
        ) % {
            "h": self.households_created + self.households_updated,
            "hc": self.households_created,
            "r": self.residents_created + self.residents_updated,
            "rc": self.residents_created,
            "a": self.levels_set,
        }
        if self.dry_run:
            text = _("Kiểm tra thử, chưa ghi gì: ") + text
        if self.errors_total:
            text += " " + _("%(n)d dòng lỗi.") % {"n": self.errors_total}
        return text


def _nothing_written(result: PopulationImportResult) -> None:
    result.rows_imported = result.levels_set = result.villages_created = 0
    result.households_created = result.households_updated = 0
    result.residents_created = result.residents_updated = 0


def record_counts(
    record: PopulationImport, result: PopulationImportResult, checksum: Callable[[], str]
) -> None:
    record.checksum = checksum()
    record.rows = result.rows
    record.households_created = result.households_created
    record.households_updated = result.households_updated
    record.residents_created = result.residents_created
    record.residents_updated = result.residents_updated
    record.levels_set = result.levels_set
    record.save(
        update_fields=[
            "checksum",
            "rows",
            "households_created",
            "households_updated",
            "residents_created",
            "residents_updated",
            "levels_set",
        ]
    )


class _Rollback(Exception):
    """Leave the transaction without writing (errors, or a dry run)."""


def _error(result: PopulationImportResult, row: int, column: str, reason: str) -> None:
    result.errors_total += 1
    if len(result.errors) < MAX_ERRORS:
        result.errors.append(RowError(row, column, reason))


class _Villages:
    """Resolve 'Thôn' cells to village ids. A new name creates the village at once, inside the
    import's transaction: a failed or dry-run import rolls it back with everything else.
    ``write`` stores the new villages and gives them their ids (the first load hands them to
    its copy instead)."""

    def __init__(self, commune_ids: list[int]):
        self.commune_ids = commune_ids
        self.ids: dict[tuple[int, str], int] = {}
        self.names: dict[int, str] = {}
        for pk, commune_id, name, unit_type in AdminUnit.objects.filter(
            level=Level.VILLAGE, commune_id__in=commune_ids, valid_to__isnull=True
        ).values_list("pk", "commune_id", "name", "unit_type"):
            self.names[pk] = f"{unit_type} {name}".strip()
            self.ids.setdefault((commune_id, fold(name)), pk)
            self.ids.setdefault((commune_id, fold(f"{unit_type} {name}")), pk)
        self.created = 0
        self.write: Callable[[list[AdminUnit]], object] = AdminUnit.objects.bulk_create
        self._communes: dict[int, AdminUnit] = {}
        self._last: dict[int, int] | None = None  # the last village number of each commune

    def resolve(self, pairs: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
        """Village ids of (commune id, 'Thôn' cell) pairs; the new villages are created in one
        statement, numbered after the last village code of their commune."""
        wanted: dict[tuple[int, str], tuple[str, str]] = {}  # (commune, folded name) -> new
        for commune_id, raw in pairs:
            if (commune_id, fold(raw)) in self.ids:
                continue
            unit_type, name = village_type_guess(raw)
            pk = self.ids.get((commune_id, fold(name)))
            if pk is not None:
                self.ids[(commune_id, fold(raw))] = pk
            else:
                wanted.setdefault((commune_id, fold(name)), (unit_type, name))
        if wanted:
            self._create(wanted)
        for commune_id, raw in pairs:
            if (commune_id, fold(raw)) not in self.ids:
                _unit_type, name = village_type_guess(raw)
                self.ids[(commune_id, fold(raw))] = self.ids[(commune_id, fold(name))]
        return {(c, raw): self.ids[(c, fold(raw))] for c, raw in pairs}

    def _numbering(self) -> dict[int, int]:
        """The communes and the last village number of each, read once (the villages this
        import creates are counted as it creates them)."""
        if self._last is None:
            self._communes = AdminUnit.objects.in_bulk(self.commune_ids)
            self._last = dict.fromkeys(self._communes, 0)
            for commune_id, code in AdminUnit.objects.filter(
                level=Level.VILLAGE, parent_id__in=self.commune_ids
            ).values_list("parent_id", "code"):
                tail = code.rsplit("-", 1)[-1]
                if tail.isdigit():
                    self._last[commune_id] = max(self._last[commune_id], int(tail))
        return self._last

    def _create(self, wanted: dict[tuple[int, str], tuple[str, str]]) -> None:
        last = self._numbering()
        made = []
        for (commune_id, key), (unit_type, name) in wanted.items():
            commune = self._communes[commune_id]
            last[commune_id] += 1
            code = f"{commune.code}-{last[commune_id]:03d}"
            made.append(
                (key, village_build(commune=commune, name=name, unit_type=unit_type, code=code))
            )
        self.write([v for _k, v in made])
        for key, village in made:
            self.ids[(village.parent_id, key)] = village.pk
            self.names[village.pk] = village.full_name
        self.created += len(made)


_STAGING_COLUMNS = [
    ("row_no", "integer"),
    ("commune_id", "bigint"),
    ("village_id", "bigint"),
    ("hh_code", "varchar(40)"),
    ("address", "varchar(250)"),
    ("full_name", "varchar(120)"),
    ("name_key", "varchar(120)"),
    ("birth_date", "date"),
    ("birth_year", "integer"),
    ("birth_key", "varchar(10)"),
    ("gender", "varchar(1)"),
    ("relation", "varchar(40)"),
    ("phone", "varchar(15)"),
    *[(f"s_{code}", "smallint") for code in SKILL_CODES],
]
_NAMES = [c for c, _t in _STAGING_COLUMNS]


class _Staging:
    """The temporary table good rows are copied into: COPY of CSV written by polars on
    PostgreSQL, executemany of the rows on SQLite."""

    def __init__(self, cursor):
        self.cur = cursor
        self.pg = connection.vendor == "postgresql"
        cols = ", ".join(f"{c} {t}" for c, t in _STAGING_COLUMNS)
        self.cur.execute("DROP TABLE IF EXISTS imp_rows")
        extra = " ON COMMIT DROP" if self.pg else ""
        self.cur.execute(f"CREATE TEMPORARY TABLE imp_rows ({cols}){extra}")

    def write(self, rows) -> None:
        """Append a polars DataFrame with the staging columns, in their order."""
        if rows.is_empty():
            return
        if self.pg:
            frame_copy(self.cur, "imp_rows", _NAMES, rows)
        else:
            marks = ", ".join(["%s"] * len(_NAMES))
            self.cur.executemany(
                f"INSERT INTO imp_rows ({', '.join(_NAMES)}) VALUES ({marks})", rows.iter_rows()
            )


def _columns(table: Table) -> tuple[dict[str, int], dict[str, int]]:
    """Column index of each header we know (by display name); skill columns by skill code."""
    cols = table.require({header_key(h): h for h in REQUIRED})
    named = {h: cols[header_key(h)] for h in REQUIRED}
    for h in OPTIONAL:
        if header_key(h) in table.keys:
            named[h] = table.keys.index(header_key(h))
    skills = {
        code: table.keys.index(header_key(h))
        for code, h in SKILL_HEADERS.items()
        if header_key(h) in table.keys
    }
    return named, skills


def _frames(table: Table) -> Iterator:
    """The table's rows as column batches: read by polars from a CSV, gathered from an XLSX."""
    if table.frames is not None:
        yield from table.frames()
        return
    width = len(table.headers)
    names = [f"c{i}" for i in range(width)]
    batch: list = []

    def frame():
        columns = {
            name: [cells[i] if i < len(cells) else "" for _n, cells in batch]
            for i, name in enumerate(names)
        }
        return pl.DataFrame(
            {"row_no": [n for n, _c in batch], **columns},
            schema={"row_no": pl.Int64, **dict.fromkeys(names, pl.String)},
        )

    for number, cells in table.rows:
        if not any(cells[:width]):  # nothing under any header: a blank row, as in a CSV
            continue
        batch.append((number, cells))
        if len(batch) >= CHUNK:
            yield frame()
            batch = []
    if batch:
        yield frame()


def _checked(
    table: Table, result: PopulationImportResult, communes: dict[str, int]
) -> Iterator[pl.DataFrame]:
    """Check the rows batch by batch, column by column: every problem goes to ``result``, the
    good rows come out. No database here (it runs ahead, in a thread of its own)."""
    named, skills = _columns(table)
    checks = RowChecks(named, skills, communes)
    for rows in _frames(table):
        good, problems = checks.check(rows)
        if problems.height:
            errors = problems.sort(["row_no", "order"]).head(MAX_ERRORS).iter_rows()
            problems = [RowError(row, column, reason) for row, _order, column, reason in errors]
        else:
            problems = []
        yield rows.height, good, problems


def good_frames(
    table: Table,
    result: PopulationImportResult,
    communes: dict[str, int],
    villages: _Villages,
    progress: Progress | None,
    total: int,
) -> Iterator[pl.DataFrame]:
    """The good rows of the file in the staging columns (``_NAMES``), their villages resolved,
    batch by batch; every problem goes to ``result``. The next batch is read and checked while
    the caller writes this one."""
    village_ids: dict[tuple[int, str], int] = {}
    for height, good, problems in prefetched(_checked(table, result, communes)):
        result.rows += height
        result.rows_imported += good.height
        result.errors_total += len(problems)
        result.errors += problems[: MAX_ERRORS - len(result.errors)]
        # The village of each run of rows naming the same one (few runs in a file exported
        # village by village), resolved once a run.
        starts, runs = key_runs(good, ["commune_id", "village_raw"])
        pairs = list(good.filter(starts).select("commune_id", "village_raw").iter_rows())
        unseen = [pair for pair in dict.fromkeys(pairs) if pair not in village_ids]
        if unseen:
            village_ids.update(villages.resolve(unseen))
        of_runs = pl.Series([village_ids[pair] for pair in pairs], dtype=pl.Int64)
        good = good.with_columns(of_runs.gather(runs).alias("village_id"))
        yield good.select(_NAMES)
        if progress:
            progress(result.rows, max(total, result.rows))


def _fetch(cur, sql: str, params=()) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


def _temp(pg: bool) -> str:
    return "ON COMMIT DROP" if pg else ""


def _new_ids(cur, pg: bool, table: str, order: str) -> str:
    """SQL for the id of a new row of ``table``, drawn before the row is written: the rows that
    reference it (residents, levels) are then built without looking it up again."""
    if pg:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cur.fetchone()
        return f"nextval('{sequence}')"
    # SQLite: one writer at a time; numbers above the largest id (gaps are harmless).
    ((top,),) = _fetch(cur, f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return f"({int(top)} + ROW_NUMBER() OVER (ORDER BY {order}))"


def _proficient_sql(has: set[str], active: set[str]) -> str:
    """Whether a new resident is proficient in every active skill, from the file's levels."""
    if not active or not active <= has:
        return "1 = 0"
    return " AND ".join(f"COALESCE(s.s_{code}, 0) = 2" for code in SKILL_CODES if code in active)


def _stage_joins(cur, pg: bool, proficient: str) -> None:
    """imp_households (each household once: its first row, the existing row if any, its id)
    and imp_residents (each good row with its household's and its own id, new or existing)."""
    temp = _temp(pg)
    cur.execute("DROP TABLE IF EXISTS imp_households")
    cur.execute("DROP TABLE IF EXISTS imp_residents")
    if not pg:
        # SQLite joins unindexed temporary tables by nested loops: quadratic in the file's rows.
        cur.execute("CREATE INDEX IF NOT EXISTS imp_rows_row ON imp_rows (row_no)")
        cur.execute(
            "CREATE INDEX IF NOT EXISTS imp_rows_household ON imp_rows (commune_id, hh_code)"
        )
    new_household = _new_ids(cur, pg, "registry_household", "f.row_no")
    cur.execute(f"""
        CREATE TEMPORARY TABLE imp_households {temp} AS
        SELECT f.commune_id, f.hh_code, f.address, f.row_no AS first_row,
               COALESCE(h.village_id, f.village_id) AS village_id,
               c.district_id, c.province_id,
               h.id IS NOT NULL AS existed,
               COALESCE(h.id, {new_household}) AS household_id
        FROM imp_rows f
        JOIN (SELECT MIN(row_no) AS first FROM imp_rows GROUP BY commune_id, hh_code) m
          ON m.first = f.row_no
        JOIN geo_adminunit c ON c.id = f.commune_id
        LEFT JOIN registry_household h ON h.commune_id = f.commune_id AND h.code = f.hh_code""")
    _analyze(cur, "imp_households")
    if not pg:
        cur.execute(
            "CREATE INDEX IF NOT EXISTS imp_households_code ON imp_households (commune_id, hh_code)"
        )
    ((existing,),) = _fetch(
        cur, "SELECT COUNT(*) FROM imp_households WHERE household_id IS NOT NULL AND existed"
    )
    new_resident = _new_ids(cur, pg, "registry_resident", "s.row_no")
    if existing:
        old = """r.id AS old_id, r.full_name AS old_full_name, r.birth_date AS old_birth_date,
                 r.gender AS old_gender, r.relation AS old_relation, r.phone AS old_phone"""
        residents = """LEFT JOIN registry_resident r
                         ON h.existed AND r.household_id = h.household_id
                       AND r.name_key = s.name_key AND r.birth_key = s.birth_key"""
        new_id = f"COALESCE(r.id, {new_resident})"
    else:  # only new households: nobody to look up
        old = ", ".join(
            f"CAST(NULL AS {t}) AS old_{c}"
            for c, t in [
                ("id", "bigint"),
                ("full_name", "varchar(120)"),
                ("birth_date", "date"),
                ("gender", "varchar(1)"),
                ("relation", "varchar(40)"),
                ("phone", "varchar(15)"),
            ]
        )
        residents = ""
        new_id = new_resident
    cur.execute(f"""
        CREATE TEMPORARY TABLE imp_residents {temp} AS
        SELECT s.*, h.household_id, h.village_id AS h_village_id, h.first_row AS h_first_row,
               h.existed AS h_existed, h.district_id, h.province_id, {old},
               {new_id} AS resident_id,
               CASE WHEN {proficient} THEN 1 ELSE 0 END AS proficient
        FROM imp_rows s
        JOIN imp_households h ON h.commune_id = s.commune_id AND h.hh_code = s.hh_code
        {residents}""")
    _analyze(cur, "imp_residents")


def _file_checks(cur, result: PopulationImportResult, villages: _Villages) -> list[int]:
    """Checks over the whole file; returns the bad rows' numbers."""
    bad: list[int] = []
    # A resident listed twice (same household, name and birth).
    for row_no, first in _fetch(
        cur,
        """
        SELECT s.row_no, d.first FROM imp_residents s JOIN (
            SELECT household_id, name_key, birth_key, MIN(row_no) AS first FROM imp_residents
            GROUP BY household_id, name_key, birth_key HAVING COUNT(*) > 1
        ) d ON d.household_id = s.household_id AND d.name_key = s.name_key
               AND d.birth_key = s.birth_key
        WHERE s.row_no <> d.first ORDER BY s.row_no""",
    ):
        bad.append(row_no)
        _error(
            result,
            row_no,
            "Họ và tên",
            _("Nhân khẩu trùng họ tên và ngày sinh với dòng %(r)d cùng hộ.") % {"r": first},
        )
    # A household code with two villages: in the database, or else at its first row in the file.
    rows = _fetch(
        cur,
        """
        SELECT row_no, hh_code, h_village_id, h_existed, h_first_row FROM imp_residents
        WHERE village_id <> h_village_id ORDER BY row_no""",
    )
    db_names = {
        pk: f"{unit_type} {name}".strip()
        for pk, unit_type, name in AdminUnit.objects.filter(
            pk__in={r[2] for r in rows}
        ).values_list("pk", "unit_type", "name")
    }
    for row_no, hh_code, village_id, in_db, first in rows:
        bad.append(row_no)
        name = villages.names.get(village_id) or db_names.get(village_id, "")
        if in_db:
            reason = _(
                "Mã hộ “%(c)s” đã có trong dữ liệu, thuộc %(v)s, không phải thôn ở dòng này."
            )
        else:
            reason = _("Mã hộ “%(c)s” đã dùng ở dòng %(r)d cho %(v)s, không phải thôn ở dòng này.")
        _error(result, row_no, "Mã hộ", reason % {"c": hh_code, "v": name, "r": first})
    return sorted(set(bad))


def _unpivot(pg: bool, skills: list[tuple[str, int]], where: str) -> str:
    """(resident_id, skill_id, level) of imp_residents ``i`` for the given skills, resident by
    resident on PostgreSQL (the order of the (resident, skill) index)."""
    if pg:
        values = ", ".join(f"({sid}, i.s_{code})" for code, sid in skills)
        return f"""SELECT i.resident_id, v.skill_id, v.level FROM imp_residents i
                   CROSS JOIN LATERAL (VALUES {values}) AS v(skill_id, level)
                   WHERE {where} AND v.level IS NOT NULL"""
    return " UNION ALL ".join(
        f"""SELECT i.resident_id, {sid} AS skill_id, i.s_{code} AS level FROM imp_residents i
            WHERE {where} AND i.s_{code} IS NOT NULL"""
        for code, sid in skills
    )


# A load at least this large, into a table holding no more rows than it brings, drops the
# table's secondary indexes, unique constraints and primary key (unless a foreign key needs it)
# first and builds them again after: one sorted build (and its WAL) costs far less than
# millions of index insertions. The table is locked
# until the import commits; a failure rolls the drop back with the rest.
BULK_MIN_ROWS = 50_000


@contextmanager
def _bulk_load(cur, table: str, incoming: int):
    """Around the INSERT of ``incoming`` rows into ``table`` (PostgreSQL). Yields whether it
    dropped the table's keys and indexes (and so holds the table to itself until the commit)."""
    if connection.vendor != "postgresql" or incoming < BULK_MIN_ROWS:
        yield False
        return
    cur.execute(f"SELECT 1 FROM {table} OFFSET %s LIMIT 1", [incoming])
    if cur.fetchone() is not None:  # more rows there already than the load brings
        yield False
        return
    # Unique constraints, and the primary key unless a foreign key depends on it.
    constraints = _fetch(
        cur,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint c "
        "WHERE conrelid = %s::regclass AND (contype = 'u' OR contype = 'p' AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint f WHERE f.confrelid = c.conrelid AND f.contype = 'f')) "
        "ORDER BY contype, conname",
        [table],
    )
    indexes = _fetch(
        cur,
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [table],
    )
    for name, _definition in constraints:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    yield True
    cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
    cur.execute("SET LOCAL max_parallel_maintenance_workers = 1")
    for name, definition in constraints:
        cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        cur.execute(definition)


def _apply(
    cur, result: PopulationImportResult, record: PopulationImport, has: set[str], timer
) -> None:
    pg = connection.vendor == "postgresql"
    now = record.created_at
    ((new_households,),) = _fetch(cur, "SELECT COUNT(*) FROM imp_households WHERE NOT existed")
    ((new_residents,),) = _fetch(cur, "SELECT COUNT(*) FROM imp_residents WHERE old_id IS NULL")
    # Households: new ones with their covered flag (all their residents are new), then the
    # existing ones whose address changed.
    with _bulk_load(cur, "registry_household", new_households):
        cur.execute(
            """
        INSERT INTO registry_household (id, code, address, covered, created_at, updated_at,
                                        village_id, commune_id, district_id, province_id)
        SELECT h.household_id, h.hh_code, COALESCE(h.address, ''),
               h.household_id IN (SELECT household_id FROM imp_residents WHERE proficient = 1),
               %s, %s, h.village_id, h.commune_id, h.district_id, h.province_id
        FROM imp_households h WHERE NOT h.existed ORDER BY h.household_id""",
            [now, now],
        )
        result.households_created = max(cur.rowcount, 0)
    if "address" in has:
        cur.execute(
            """
            UPDATE registry_household SET address = i.address, updated_at = %s
            FROM imp_households i
            WHERE i.existed AND registry_household.id = i.household_id AND i.address IS NOT NULL
              AND registry_household.address <> i.address""",
            [now],
        )
        result.households_updated = max(cur.rowcount, 0)
    timer("households")

    # Residents: the new ones (ids drawn already) with the file's levels, then the existing
    # ones that differ.
    levels = ", ".join(f"COALESCE(r.s_{c}, 0)" if c in has else "0" for c in SKILL_CODES)
    with _bulk_load(cur, "registry_resident", new_residents):
        cur.execute(
            f"""
        INSERT INTO registry_resident (id, household_id, village_id, commune_id, district_id,
            province_id, full_name, name_key, birth_date, birth_year, birth_key, gender, relation,
            phone, status, proficient, created_at, updated_at,
            {", ".join(f"level_{c}" for c in SKILL_CODES)}, levels_import_id)
        SELECT r.resident_id, r.household_id, r.h_village_id, r.commune_id, r.district_id,
               r.province_id, r.full_name, r.name_key, r.birth_date, r.birth_year, r.birth_key,
               COALESCE(r.gender, ''), COALESCE(r.relation, ''), COALESCE(r.phone, ''),
               'current', r.proficient = 1, %s, %s, {levels}, %s
        FROM imp_residents r WHERE r.old_id IS NULL ORDER BY r.resident_id""",
            [now, now, record.pk if has & set(SKILL_CODES) else None],
        )
        result.residents_created = max(cur.rowcount, 0)
    fields = ["full_name", "birth_date"] + [f for f in ("gender", "relation", "phone") if f in has]
    distinct = "IS DISTINCT FROM" if pg else "IS NOT"
    cur.execute(
        f"""
        UPDATE registry_resident SET {", ".join(f"{f} = i.{f}" for f in fields)}, updated_at = %s
        FROM imp_residents i
        WHERE i.old_id IS NOT NULL AND registry_resident.id = i.old_id
          AND ({" OR ".join(f"registry_resident.{f} {distinct} i.{f}" for f in fields)})""",
        [now],
    )
    result.residents_updated = max(cur.rowcount, 0)
    timer("residents")

    # Levels of existing residents, where the file's differ (an empty cell says nothing).
    skills = [c for c in SKILL_CODES if c in has]
    if skills:
        cur.execute(
            f"""
            UPDATE registry_resident SET levels_import_id = %s,
                {
                ", ".join(
                    f"level_{c} = COALESCE(i.s_{c}, registry_resident.level_{c})" for c in skills
                )
            }
            FROM imp_residents i
            WHERE i.old_id IS NOT NULL AND registry_resident.id = i.old_id AND ({
                " OR ".join(
                    f"(i.s_{c} IS NOT NULL AND registry_resident.level_{c} <> i.s_{c})"
                    for c in skills
                )
            })""",
            [record.pk],
        )
        result.levels_set = result.residents_created + max(cur.rowcount, 0)
    timer("skill levels")


def _analyze(cur, table: str) -> None:
    """Temporary tables have no statistics until analysed: without them PostgreSQL plans for a
    handful of rows (nested loops over millions)."""
    if connection.vendor == "postgresql":
        cur.execute(f"ANALYZE {table}")


class _Timer:
    """Phase durations, logged for benchmarks."""

    def __init__(self):
        self.start = self.last = time.monotonic()

    def __call__(self, phase: str) -> None:
        now = time.monotonic()
        log.info(
            "population import: %s %.2fs (total %.2fs)", phase, now - self.last, now - self.start
        )
        self.last = now


def village_deltas_apply(cur) -> None:
    """Add the temporary table imp_village_delta (village_id and each counter) to the villages'
    counters, creating the rows of villages that had none. The rows are locked already."""
    counters = ", ".join(rollups.COUNTERS)
    cur.execute(f"""
        UPDATE registry_villagecoverage
        SET {", ".join(f"{c} = registry_villagecoverage.{c} + d.{c}" for c in rollups.COUNTERS)}
        FROM imp_village_delta d WHERE registry_villagecoverage.village_id = d.village_id""")
    cur.execute(f"""
        INSERT INTO registry_villagecoverage (village_id, commune_id, district_id, province_id,
                                              {counters})
        SELECT d.village_id, v.commune_id, v.district_id, v.province_id,
               {", ".join(f"d.{c}" for c in rollups.COUNTERS)}
        FROM imp_village_delta d JOIN geo_adminunit v ON v.id = d.village_id
        WHERE NOT EXISTS (SELECT 1 FROM registry_villagecoverage vc
                          WHERE vc.village_id = d.village_id)""")


def _refresh_touched(cur, has: set[str]) -> None:
    """Flags and village counters of what the import touched, set-based. New households hold
    only new residents, whose flags were written with them: their villages' counters move by
    what they add. A village with an existing household in the file is recounted."""
    pg = connection.vendor == "postgresql"
    touched = [v for (v,) in _fetch(cur, "SELECT DISTINCT village_id FROM imp_households")]
    recount = [
        v for (v,) in _fetch(cur, "SELECT DISTINCT village_id FROM imp_households WHERE existed")
    ]
    # Lock the rows first: a concurrent write's increment then lands after ours, not under it.
    list(
        VillageCoverage.objects.select_for_update().filter(village_id__in=touched).values_list("pk")
    )
    if recount:
        rollups.flags_refresh(
            "SELECT household_id FROM imp_households WHERE existed"
            if pg
            else "SELECT household_id FROM imp_households WHERE existed = 1"
        )
    if len(recount) < len(touched):
        per_skill = ", ".join(
            f"SUM(CASE WHEN s_{c} = 2 THEN 1 ELSE 0 END) AS p_{c}" if c in has else f"0 AS p_{c}"
            for c in SKILL_CODES
        )
        cur.execute("DROP TABLE IF EXISTS imp_village_delta")
        cur.execute(f"""
            CREATE TEMPORARY TABLE imp_village_delta {_temp(pg)} AS
            SELECT h.village_id, h.households, COALESCE(c.covered, 0) AS covered, r.residents,
                   r.proficient, {", ".join(f"r.p_{c}" for c in SKILL_CODES)}
            FROM (SELECT village_id, COUNT(*) AS households FROM imp_households
                  WHERE NOT existed GROUP BY village_id) h
            JOIN (SELECT h_village_id, COUNT(*) AS residents, SUM(proficient) AS proficient,
                         {per_skill}
                  FROM imp_residents WHERE NOT h_existed GROUP BY h_village_id) r
              ON r.h_village_id = h.village_id
            LEFT JOIN (SELECT village_id, COUNT(*) AS covered FROM imp_households
                       WHERE NOT existed AND household_id IN
                             (SELECT household_id FROM imp_residents WHERE proficient = 1)
                       GROUP BY village_id) c ON c.village_id = h.village_id
            WHERE h.village_id NOT IN (SELECT village_id FROM imp_households WHERE existed)""")
        village_deltas_apply(cur)
    if recount:
        rollups.villages_recount(recount)


@contextmanager
def _reading():
    """A damaged XLSX found half-way through reading it is a problem of the file."""
    try:
        yield
    except FileProblem:
        raise
    except Exception as exc:  # openpyxl failing on a damaged sheet half-way
        if type(exc).__module__.startswith(("openpyxl", "zipfile", "xml")) or isinstance(
            exc, (KeyError, ValueError, OSError)
        ):
            raise FileProblem(_("Tệp Excel bị hỏng hoặc không đúng định dạng XLSX.")) from exc
        raise


@dataclass
class _Run:
    """What both ways through an import share: the file, what it holds, where it may write."""

    table: Table
    result: PopulationImportResult
    communes: dict[str, int]  # code -> id of the communes the importer may write to
    has: set[str]  # optional columns and skill codes the file carries
    active: set[str]  # codes of the active skills
    progress: Progress | None
    total: int  # the file's lines, for the progress bar
    timer: "_Timer"
    record_start: Callable[[], PopulationImport]
    checksum: "_Checksum"

    def frames(self, villages: "_Villages") -> Iterator[pl.DataFrame]:
        with _reading():
            yield from good_frames(
                self.table, self.result, self.communes, villages, self.progress, self.total
            )
        self.checksum.start()  # the file is read: hash it while the database finishes

    def done_reading(self) -> None:
        if self.progress:
            self.progress(self.result.rows, self.result.rows)


def _first_load(cur, run: _Run) -> bool:
    """The first population of empty communes, straight into the tables (first_load); False,
    with nothing written and the result as new, when the file needs the staged import."""
    result = run.result
    villages = _Villages(list(run.communes.values()))

    def clean_frames():  # giving up at the first problem to report
        for good in run.frames(villages):
            if result.errors_total:
                raise first_load.Fallback
            yield good

    try:
        with transaction.atomic():
            record = run.record_start()
            loaded = first_load.load(
                cur,
                clean_frames,
                commune_ids=list(run.communes.values()),
                record=record,
                has=run.has,
                active=run.active,
                expected_rows=run.total,
                bulk_load=_bulk_load,
                villages=villages,
            )
            result.households_created = loaded.households
            result.residents_created = loaded.residents
            result.levels_set = loaded.residents if run.has & set(SKILL_CODES) else 0
            result.villages_created = villages.created
            record_counts(record, result, run.checksum)
            run.timer("first load: read, check and write")
            run.done_reading()
            return True
    except first_load.Fallback:
        result.__init__(dry_run=result.dry_run)
        run.timer("first load given up: the file has something to report")
        return False


def _staged_load(cur, run: _Run, skip_invalid: bool) -> None:
    """The import through a staging table: any file, into any state of the database."""
    pg = connection.vendor == "postgresql"
    result = run.result
    villages = _Villages(list(run.communes.values()))
    staging = _Staging(cur)
    for good in run.frames(villages):
        staging.write(good)
    run.timer("read, validate and stage")
    run.done_reading()
    _analyze(cur, "imp_rows")
    proficient = _proficient_sql(run.has, run.active)
    _stage_joins(cur, pg, proficient)
    run.timer("staging joins")
    bad = _file_checks(cur, result, villages)
    run.timer("whole-file checks")
    if result.errors_total and not skip_invalid:
        raise _Rollback
    if bad:
        for i in range(0, len(bad), 1000):
            part = bad[i : i + 1000]
            cur.execute(
                f"DELETE FROM imp_rows WHERE row_no IN ({', '.join(['%s'] * len(part))})",
                part,
            )
        result.rows_imported -= len(bad)
        _stage_joins(cur, pg, proficient)  # without the bad rows
    result.villages_created = villages.created
    record = run.record_start()
    _apply(cur, result, record, run.has, run.timer)
    _refresh_touched(cur, run.has)
    record_counts(record, result, run.checksum)
    run.timer("flags and counters")


class _Checksum:
    """The SHA-256 of the imported file (a path, or bytes). A file's is computed in a thread of
    its own once the import has read it (hashlib lets go of the GIL as it hashes), beside the
    index builds that follow, which leave a core idle; calling the object waits for it."""

    def __init__(self, path: str | None, data: bytes | None):
        self.path, self.data = path, data
        self.future: Future | None = None

    def start(self) -> None:
        if self.path is not None and self.future is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-checksum")
            self.future = pool.submit(self._file_digest)
            pool.shutdown(wait=False)

    def _file_digest(self) -> str:
        with open(self.path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()

    def __call__(self) -> str:
        if self.path is None:
            return hashlib.sha256(self.data or b"").hexdigest()
        self.start()
        return self.future.result()


def population_import(
    *,
    actor,
    data: bytes | None = None,
    path: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    file_name: str = "",
) -> PopulationImportResult:
    """Import the population file (bytes or a path). Any bad row and no ``skip_invalid``: nothing
    is written and every bad row is reported. ``actor`` None (the command line) sees every commune.
    Each import that writes leaves a PopulationImport record (``file_name``, by default the
    path's; the file's SHA-256), which states the levels it set."""
    result = PopulationImportResult(dry_run=dry_run)
    timer = _Timer()
    try:
        checksum = _Checksum(path, data)
        if path is not None:
            file_name = file_name or os.path.basename(path)
            table = open_table_path(path)
            total = table.lines
        else:
            table = open_table(data or b"")
            total = table.lines or ((data or b"").count(b"\n") if table.frames else 0)
        missing = [h for h in REQUIRED if header_key(h) not in table.keys]
        if missing:
            for h in missing:
                _error(result, 1, h, _("Thiếu cột bắt buộc “%(c)s”.") % {"c": h})
            return result
        communes_qs = AdminUnit.objects.filter(level=Level.COMMUNE)
        if actor is not None:
            communes_qs = units_for(actor).filter(level=Level.COMMUNE)
        communes = dict(communes_qs.values_list("code", "pk"))
        named, skills = _columns_present(table)
        has = named | set(skills)
        active = set(Skill.objects.filter(active=True).values_list("code", flat=True))

        def record_start() -> PopulationImport:
            return PopulationImport.objects.create(
                file_name=file_name[:255],
                checksum="",  # known by the end (record_counts)
                skills=[c for c in SKILL_CODES if c in has],
                rows=result.rows,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=str(actor)[:120] if actor is not None else "",
                created_at=timezone.now(),
            )

        with transaction.atomic():
            with connection.cursor() as cur:
                if connection.vendor == "postgresql":
                    # Room for the import's hash joins and aggregates over millions of rows.
                    cur.execute("SET LOCAL work_mem = '256MB'")
                run = _Run(
                    table,
                    result,
                    communes,
                    has,
                    active,
                    progress,
                    total,
                    timer,
                    record_start,
                    checksum,
                )
                empty = connection.vendor == "postgresql" and first_load.applies(
                    cur, list(communes.values())
                )
                if not (empty and _first_load(cur, run)):
                    _staged_load(cur, run, skip_invalid)
                if result.rows_imported:
                    audit_record(
                        actor=actor,
                        action="population.import",
                        object_type="registry.Household",
                        unit=getattr(actor, "scope_unit", None),
                        summary=result.message(),
                        changes={"rows": result.rows, "errors": result.errors_total},
                    )
                if dry_run:
                    raise _Rollback
    except _Rollback:
        pass
    except FileProblem as exc:
        _error(result, 0, "", str(exc))
    except IntegrityError:
        # Someone created a household or resident that the file brings too, between the
        # import's reading of the database and its writing: the transaction is rolled back.
        _nothing_written(result)
        _error(
            result,
            0,
            "",
            _(
                "Trong lúc nhập, người khác vừa thêm hộ hoặc nhân khẩu trùng với tệp này; "
                "chưa ghi gì. Hãy nhập lại tệp."
            ),
        )
    if not result.ok and not skip_invalid:
        result.rows_imported = 0
    if result.rows_imported >= ANALYZE_AFTER_ROWS and not dry_run:
        _statistics_refresh()
    return result


# A large import changes the tables' shape faster than autovacuum notices: without fresh
# statistics PostgreSQL plans the small per-household queries of visits and worklists as
# scans of millions of rows.
ANALYZE_AFTER_ROWS = 10_000
_IMPORTED_TABLES = [
    "registry_household",
    "registry_resident",
    "registry_villagecoverage",
    "geo_adminunit",  # villages the file named are created
]


def _statistics_refresh() -> None:
    """ANALYZE the tables an import filled. Once the import has committed, the residents are
    analysed on a connection of their own, beside the rest (inside an outer transaction, which
    may hold their table's lock, all on this one)."""
    if connection.vendor != "postgresql":
        return
    if connection.in_atomic_block:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {', '.join(_IMPORTED_TABLES)}")
        return
    rest = [t for t in _IMPORTED_TABLES if t != "registry_resident"]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-analyze") as side:
        residents = side.submit(_analyze_apart, "registry_resident")
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {', '.join(rest)}")
        residents.result()


def _analyze_apart(table: str) -> None:
    """ANALYZE ``table`` on this thread's own connection, closed afterwards."""
    try:
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {table}")
    finally:
        connection.close()


def _columns_present(table: Table) -> tuple[set[str], set[str]]:
    keys = set(table.keys)
    named = {
        name
        for name, h in (
            ("address", "Địa chỉ"),
            ("gender", "Giới tính"),
            ("relation", "Quan hệ với chủ hộ"),
            ("phone", "Số điện thoại"),
        )
        if header_key(h) in keys
    }
    skills = {code for code, h in SKILL_HEADERS.items() if header_key(h) in keys}
    return named, skills


def population_template_xlsx() -> bytes:
    """The population file's exact headers and one example row, for download."""
    example = [
        "16000",
        "Thôn 1",
        "HK0001",
        "Số 12, Thôn 1",
        "Nguyễn Văn An",
        "05/03/1985",
        "Nam",
        "Chủ hộ",
        "0912345678",
        "Thành thạo",
        "Cơ bản",
        "Thành thạo",
        "Chưa biết",
        "Cơ bản",
    ]
    return xlsx_bytes(_("Nhân khẩu"), TEMPLATE_HEADERS, [example])
