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

import datetime as dt
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.imports import (
    Column,
    ImportKind,
    ImportResult,
    import_kind_register,
    import_template_xlsx,
)
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.tabular import FileProblem, RowError, Table, open_table, open_table_path
from cdtt.lib.text import header_key
from cdtt.registry import first_load, population_sql
from cdtt.registry.models import PopulationImport
from cdtt.registry.population_checks import SKILL_HEADERS
from cdtt.registry.population_read import (
    MAX_ERRORS,
    REQUIRED,
    Progress,
    Reorder,
    Villages,
    columns_present,
    file_reading,
    good_frames,
)
from cdtt.registry.population_result import PopulationImportResult
from cdtt.skills.models import SKILL_CODES, Skill

log = logging.getLogger(__name__)

_SKILL_LEVEL = _lazy("mức kỹ năng: Thành thạo / Cơ bản / Chưa biết (hoặc 2 / 1 / 0)")
COLUMNS = (
    Column("Mã xã", True, _lazy("mã xã chính thức")),
    Column("Thôn", True, _lazy("tên thôn trong xã (chưa có thì được tạo)")),
    Column("Mã hộ", True, _lazy("mã hộ, không trùng trong xã")),
    Column("Địa chỉ", False, _lazy("địa chỉ")),
    Column("Họ và tên", True, _lazy("họ và tên nhân khẩu")),
    Column("Ngày sinh", True, _lazy("dd/mm/yyyy hoặc năm sinh")),
    Column("Giới tính", False, _lazy("Nam / Nữ / Khác")),
    Column("Quan hệ với chủ hộ", False, _lazy("Chủ hộ, Vợ, Chồng, Con…")),
    Column("Số điện thoại", False, _lazy("số điện thoại Việt Nam")),
    *(Column(header, False, _SKILL_LEVEL) for header in SKILL_HEADERS.values()),
)
TEMPLATE_HEADERS = [c.header for c in COLUMNS]


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

    def frames(
        self, villages: "Villages", reorder: Reorder | None = None, progress: Progress | None = None
    ) -> Iterator[pl.DataFrame]:
        with file_reading():
            yield from good_frames(
                self.table,
                self.result,
                self.communes,
                villages,
                progress or self.progress,
                self.total,
                reorder,
            )
        self.checksum.start()  # the file is read: hash it while the database finishes

    def done_reading(self) -> None:
        if self.progress:
            self.progress(self.result.rows, self.result.rows)


class _TwoPasses:
    """The progress of a first load whose file is set aside before it is checked
    (``first_load.LoadOrder``): the pass that sets it aside fills the first half of the bar, the
    check and the writing the second; a file written in its own order, the whole bar."""

    def __init__(self, progress: Progress | None, lines: int):
        self.progress, self.lines = progress, lines
        self.set_aside = False

    def reading(self, done: int) -> None:
        """Rows set aside so far (called from the reading's thread, before any check)."""
        self.set_aside = True
        if self.progress:
            self.progress(done, 2 * max(self.lines, done))

    def checking(self, done: int, total: int) -> None:
        if not self.progress:
            return
        if self.set_aside:
            self.progress(total + done, 2 * total)
        else:
            self.progress(done, total)


def _first_load(cur, run: _Run) -> bool:
    """The first population of empty communes, straight into the tables (first_load); False,
    with nothing written and the result as new, when the file needs the staged import."""
    result = run.result
    villages = Villages(list(run.communes.values()))
    passes = _TwoPasses(run.progress, run.total)
    order = first_load.LoadOrder(run.communes, run.total, reading=passes.reading)

    def clean_frames():  # giving up at the first problem to report
        for good in run.frames(villages, order, passes.checking):
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
                bulk_load=population_sql.bulk_load,
                villages=villages,
                order=order,
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
    villages = Villages(list(run.communes.values()))
    staging = population_sql.Staging(cur)
    for good in run.frames(villages):
        staging.write(good)
    run.timer("read, validate and stage")
    run.done_reading()
    population_sql.analyze(cur, "imp_rows")
    proficient = population_sql.proficient_sql(run.has, run.active)
    population_sql.stage_joins(cur, pg, proficient)
    run.timer("staging joins")
    bad = population_sql.file_checks(cur, partial(_error, result), villages)
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
        population_sql.stage_joins(cur, pg, proficient)  # without the bad rows
    result.villages_created = villages.created
    record = run.record_start()
    population_sql.rows_apply(cur, result, record, run.has, run.timer)
    population_sql.touched_refresh(cur, run.has)
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


def _opened(path: str | None, data: bytes | None) -> tuple[Table, int]:
    """The file's table and its lines (for the progress bar and for sizing the load)."""
    if path is not None:
        table = open_table_path(path)
        return table, table.lines
    table = open_table(data or b"")
    return table, table.lines or ((data or b"").count(b"\n") if table.frames else 0)


def _run_prepare(actor, table, result, progress, total, file_name, checksum) -> _Run:
    """What an import of ``table`` by ``actor`` reads once: where it may write, what the file
    brings, the active skills."""
    communes_qs = AdminUnit.objects.filter(level=Level.COMMUNE)
    if actor is not None:
        communes_qs = units_for(actor).filter(level=Level.COMMUNE)
    communes = dict(communes_qs.filter(valid_to__isnull=True).values_list("code", "pk"))
    named, skills = columns_present(table)
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

    return _Run(
        table, result, communes, has, active, progress, total, _Timer(), record_start, checksum
    )


def _run_in(cur, run: _Run, actor, skip_invalid: bool) -> None:
    """The import inside its transaction: the first load when it applies, else the staged one."""
    if connection.vendor == "postgresql":
        # Room for the import's hash joins and aggregates over millions of rows.
        cur.execute("SET LOCAL work_mem = '256MB'")
    empty = connection.vendor == "postgresql" and first_load.applies(
        cur, list(run.communes.values())
    )
    if not (empty and _first_load(cur, run)):
        _staged_load(cur, run, skip_invalid)
    if run.result.rows_imported:
        audit_record(
            actor=actor,
            action="population.import",
            object_type="registry.Household",
            unit=getattr(actor, "scope_unit", None),
            summary=run.result.message(),
            changes={"rows": run.result.rows, "errors": run.result.errors_total},
        )


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
    try:
        table, total = _opened(path, data)
        missing = [h for h in REQUIRED if header_key(h) not in table.keys]
        if missing:
            for h in missing:
                _error(result, 1, h, _("Thiếu cột bắt buộc “%(c)s”.") % {"c": h})
            return result
        if path is not None:
            file_name = file_name or os.path.basename(path)
        run = _run_prepare(actor, table, result, progress, total, file_name, _Checksum(path, data))
        with transaction.atomic():
            with connection.cursor() as cur:
                _run_in(cur, run, actor, skip_invalid)
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


def population_run(
    *,
    actor,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    file_name: str = "",
) -> ImportResult:
    """The population import as an import kind runs it (command line, upload page, job)."""
    result = population_import(
        actor=actor,
        path=path,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        progress=progress,
        file_name=file_name,
    )
    return result.as_import_result(skip_invalid=skip_invalid)


def _template_rows(user) -> list[list]:
    """One example row of the population file."""
    return [
        [
            "16000",
            "Thôn 1",
            "HK0001",
            "Số 12, Thôn 1",
            "Nguyễn Văn An",
            dt.date(1985, 3, 5),  # a date cell, as a spreadsheet user types it
            "Nam",
            "Chủ hộ",
            "0912345678",
            "Thành thạo",
            "Cơ bản",
            "Thành thạo",
            "Chưa biết",
            "Cơ bản",
        ]
    ]


POPULATION = import_kind_register(
    ImportKind(
        code="population",
        label=_lazy("Hộ gia đình và nhân khẩu"),
        columns=COLUMNS,
        roles=frozenset(roles.REGISTRY_WRITE),
        run=population_run,
        job_title=_lazy("Nhập nhân khẩu từ %(f)s"),
        help=_lazy(
            "Tệp XLSX hoặc CSV (UTF-8), mỗi dòng một nhân khẩu. Một nhân khẩu được nhận ra "
            "theo xã, mã hộ, họ tên và ngày sinh."
        ),
        sheet=_lazy("Nhân khẩu"),
        template_name="mau-danh-sach-nhan-khau.xlsx",
        template_rows=_template_rows,
    )
)


def population_template_xlsx() -> bytes:
    """The population file's exact headers and one example row, for download."""
    return import_template_xlsx(POPULATION, None)
