"""The staged population import in SQL: the good rows copied into a temporary table, the checks
that need the whole file, then each table upserted set-based and the counters of the villages
touched brought up to date (DESIGN.md §7). The database side of cdtt.registry.imports.
"""

import functools
from collections.abc import Callable
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection
from django.utils.translation import gettext as _

from cdtt.geo.models import AdminUnit
from cdtt.lib import pgbulk
from cdtt.lib.pgcopy import frame_copy
from cdtt.registry import rollups, search_index
from cdtt.registry.models import PopulationImport, VillageCoverage
from cdtt.registry.population_read import STAGING_COLUMNS, STAGING_NAMES, Villages
from cdtt.skills.models import SKILL_CODES

if TYPE_CHECKING:
    from cdtt.registry.population_result import PopulationImportResult

Report = Callable[[int, str, str], None]  # (row, column, reason) of a bad row


class Staging:
    """The temporary table good rows are copied into: COPY of CSV written by polars on
    PostgreSQL, executemany of the rows on SQLite."""

    def __init__(self, cursor):
        self.cur = cursor
        self.pg = connection.vendor == "postgresql"
        cols = ", ".join(f"{c} {t}" for c, t in STAGING_COLUMNS)
        self.cur.execute("DROP TABLE IF EXISTS imp_rows")
        extra = " ON COMMIT DROP" if self.pg else ""
        self.cur.execute(f"CREATE TEMPORARY TABLE imp_rows ({cols}){extra}")

    def write(self, rows) -> None:
        """Append a polars DataFrame with the staging columns, in their order."""
        if rows.is_empty():
            return
        if self.pg:
            frame_copy(self.cur, "imp_rows", STAGING_NAMES, rows)
        else:
            marks = ", ".join(["%s"] * len(STAGING_NAMES))
            self.cur.executemany(
                f"INSERT INTO imp_rows ({', '.join(STAGING_NAMES)}) VALUES ({marks})",
                rows.iter_rows(),
            )


def fetch(cur, sql: str, params=()) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


def temp_clause(pg: bool) -> str:
    return "ON COMMIT DROP" if pg else ""


def new_ids(cur, pg: bool, table: str, order: str) -> str:
    """SQL for the id of a new row of ``table``, drawn before the row is written: the rows that
    reference it (residents, levels) are then built without looking it up again."""
    if pg:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cur.fetchone()
        return f"nextval('{sequence}')"
    # SQLite: one writer at a time; numbers above the largest id (gaps are harmless).
    ((top,),) = fetch(cur, f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return f"({int(top)} + ROW_NUMBER() OVER (ORDER BY {order}))"


def proficient_sql(has: set[str], active: set[str]) -> str:
    """Whether a new resident is proficient in every active skill, from the file's levels."""
    if not active or not active <= has:
        return "1 = 0"
    return " AND ".join(f"COALESCE(s.s_{code}, 0) = 2" for code in SKILL_CODES if code in active)


def stage_joins(cur, pg: bool, proficient: str) -> None:
    """imp_households (each household once: its first row, the existing row if any, its id)
    and imp_residents (each good row with its household's and its own id, new or existing)."""
    temp = temp_clause(pg)
    cur.execute("DROP TABLE IF EXISTS imp_households")
    cur.execute("DROP TABLE IF EXISTS imp_residents")
    _households_stage(cur, pg, temp)
    _residents_stage(cur, pg, temp, proficient)


def _households_stage(cur, pg: bool, temp: str) -> None:
    """imp_households: each household of the file once, with its existing or new id."""
    if not pg:
        # SQLite joins unindexed temporary tables by nested loops: quadratic in the file's rows.
        cur.execute("CREATE INDEX IF NOT EXISTS imp_rows_row ON imp_rows (row_no)")
        cur.execute(
            "CREATE INDEX IF NOT EXISTS imp_rows_household ON imp_rows (commune_id, hh_code)"
        )
    new_household = new_ids(cur, pg, "registry_household", "f.row_no")
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
    analyze(cur, "imp_households")
    if not pg:
        cur.execute(
            "CREATE INDEX IF NOT EXISTS imp_households_code ON imp_households (commune_id, hh_code)"
        )


def _residents_stage(cur, pg: bool, temp: str, proficient: str) -> None:
    """imp_residents: each good row with its household's id and its own, new or existing
    (looked up only when the file names households already registered)."""
    ((existing,),) = fetch(
        cur, "SELECT COUNT(*) FROM imp_households WHERE household_id IS NOT NULL AND existed"
    )
    new_resident = new_ids(cur, pg, "registry_resident", "s.row_no")
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
    analyze(cur, "imp_residents")


def file_checks(cur, report: Report, villages: Villages) -> list[int]:
    """Checks over the whole file, each bad row to ``report``; returns the bad rows' numbers."""
    bad: list[int] = []
    # A resident listed twice (same household, name and birth).
    for row_no, first in fetch(
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
        report(
            row_no,
            "Họ và tên",
            _("Nhân khẩu trùng họ tên và ngày sinh với dòng %(r)d cùng hộ.") % {"r": first},
        )
    # A household code with two villages: in the database, or else at its first row in the file.
    rows = fetch(
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
        report(row_no, "Mã hộ", reason % {"c": hh_code, "v": name, "r": first})
    return sorted(set(bad))


# The population's threshold for dropping a table's keys and indexes around a load (see
# cdtt.lib.pgbulk, where the mechanism now lives, shared with the student import).
BULK_MIN_ROWS = pgbulk.BULK_MIN_ROWS


@contextmanager
def bulk_load(cur, table: str, incoming: int):
    """``cdtt.lib.pgbulk.bulk_load`` with the population's threshold: the search indexes are
    not built again inside the load's transaction but by a job after its commit, which then
    vacuums the table (``after_load_later``)."""
    with pgbulk.bulk_load(
        cur,
        table,
        incoming,
        min_rows=BULK_MIN_ROWS,
        deferred=search_index.deferred,
        later=functools.partial(after_load_later, table),
    ) as dropped:
        yield dropped


def after_load_later(table: str) -> None:
    """Start the job that follows a large load into ``table``: the search indexes it dropped
    built again, the table vacuumed."""
    from cdtt.registry.tasks import after_load_job

    after_load_job(table)


def loaded_vacuum(table: str) -> bool:
    """VACUUM a table a large load filled (PostgreSQL, outside any transaction; whether it
    did). One pass sets the hint bits of its rows and makes its visibility map, work that
    otherwise falls on the first readers and writers of each page: the first day of a
    campaign, whose visits read and update the households and residents just loaded."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cur:
        cur.execute(f'VACUUM "{table}"')
    return True


def rows_apply(
    cur, result: "PopulationImportResult", record: PopulationImport, has: set[str], timer
) -> None:
    """Upsert the staged households and residents, set-based, with the file's levels."""
    _households_apply(cur, result, record.created_at, has)
    timer("households")
    _residents_apply(cur, result, record, has)
    timer("residents")
    _levels_apply(cur, result, record, has)
    timer("skill levels")


def _households_apply(cur, result: "PopulationImportResult", now, has: set[str]) -> None:
    ((new_households,),) = fetch(cur, "SELECT COUNT(*) FROM imp_households WHERE NOT existed")
    # Households: new ones with their covered flag (all their residents are new), then the
    # existing ones whose address changed.
    with bulk_load(cur, "registry_household", new_households):
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


def _residents_apply(
    cur, result: "PopulationImportResult", record: PopulationImport, has: set[str]
) -> None:
    pg = connection.vendor == "postgresql"
    now = record.created_at
    ((new_residents,),) = fetch(cur, "SELECT COUNT(*) FROM imp_residents WHERE old_id IS NULL")
    # Residents: the new ones (ids drawn already) with the file's levels, then the existing
    # ones that differ.
    levels = ", ".join(f"COALESCE(r.s_{c}, 0)" if c in has else "0" for c in SKILL_CODES)
    with bulk_load(cur, "registry_resident", new_residents):
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


def _levels_apply(
    cur, result: "PopulationImportResult", record: PopulationImport, has: set[str]
) -> None:
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


def analyze(cur, table: str) -> None:
    """Temporary tables have no statistics until analysed: without them PostgreSQL plans for a
    handful of rows (nested loops over millions)."""
    if connection.vendor == "postgresql":
        cur.execute(f"ANALYZE {table}")


def touched_refresh(cur, has: set[str]) -> None:
    """Flags and village counters of what the import touched, set-based. New households hold
    only new residents, whose flags were written with them: their villages' counters move by
    what they add. A village with an existing household in the file is recounted."""
    pg = connection.vendor == "postgresql"
    touched = [v for (v,) in fetch(cur, "SELECT DISTINCT village_id FROM imp_households")]
    recount = [
        v for (v,) in fetch(cur, "SELECT DISTINCT village_id FROM imp_households WHERE existed")
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
            CREATE TEMPORARY TABLE imp_village_delta {temp_clause(pg)} AS
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
        rollups.village_deltas_apply(cur)
    if recount:
        rollups.villages_recount(recount)
