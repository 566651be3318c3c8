"""The first load of a population into communes that hold no households yet (PostgreSQL).

Nothing in the database can match a row of the file then, so the rows need no staging table and
no joins: each checked batch of the file is copied straight into the tables, its residents and
the households it brings first (their ids drawn from their sequence as they are met, their
address and village those of their first row). A household whose first proficient resident
comes in a later batch is marked covered at the end. The per-village counters are summed in the
same pass. A province's first file takes this path; it is what the import budget of DESIGN.md §7
measures.

Three threads share the work: one reads and checks the next batch (``cdtt.lib.prefetch``), the
caller prepares the current one (villages, household ids, the rows in COPY's text format), and
a third copies the one before into the database (``_Writer``).

The rows are written village by village, household by household (``LoadOrder``). A file
exported so is written as it is read; a large file in any other order (shuffled, sorted by
name) is read to its end first and set aside in a temporary file by groups of communes (two
threads cutting pieces of the file by group at once, since the server has nothing to do
meanwhile), then cleaned, checked and written from there in that order, by the
three threads above: its households are then found by runs, never met again in a later batch,
and the indexes built after the load find their rows nearly in order.

It only finishes a clean file. At the first sign of anything to report (a bad row, a household
code used with two villages, a resident listed twice, which the residents' unique key finds when
it is built) it gives up with ``Fallback``: the caller rolls its savepoint back and runs the
staged import, which reports every problem of the file at once.
"""

import functools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain

import polars as pl
import psycopg
from django.db import IntegrityError, connection
from psycopg import sql

from cdtt.geo.models import AdminUnit
from cdtt.lib.frames import key_runs
from cdtt.lib.pgcopy import copy_sql, frame_copy, frame_text, objects_frame
from cdtt.lib.prefetch import mapped, prefetched
from cdtt.lib.spill import Part, Spill, spill_part
from cdtt.lib.tabular import CsvText, clean_column, csv_cells, frame_records
from cdtt.registry import rollups
from cdtt.registry.models import PopulationImport, ResidentStatus
from cdtt.skills.models import SKILL_CODES

log = logging.getLogger(__name__)


class Fallback(Exception):
    """The file needs the staged import (it has something to report)."""


def applies(cur, commune_ids: list[int]) -> bool:
    """Whether none of these communes holds a household."""
    if not commune_ids:
        return False
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM registry_household WHERE commune_id = ANY(%s))",
        [commune_ids],
    )
    return not cur.fetchone()[0]


def _resident_row(levels_from: int | None) -> list[pl.Expr]:
    """A prepared batch (staging columns, ids, proficient) as rows of registry_resident: each
    expression is named after its column."""
    return [
        *map(
            pl.col,
            [
                "id",
                "household_id",
                "village_id",
                "commune_id",
                "district_id",
                "province_id",
                "full_name",
                "name_key",
                "birth_date",
                "birth_year",
                "birth_key",
            ],
        ),
        *[pl.col(c).fill_null("") for c in ("gender", "relation", "phone")],
        pl.lit("current").alias("status"),
        pl.col("proficient"),
        *[pl.col(f"s_{c}").fill_null(0).alias(f"level_{c}") for c in SKILL_CODES],
        pl.lit(levels_from, dtype=pl.Int64).alias("levels_import_id"),
    ]


def _without(row: list[pl.Expr], columns) -> list[pl.Expr]:
    """The expressions of ``row`` but those naming ``columns``."""
    return [e for e in row if e.meta.output_name() not in columns]


def _province_of(units: pl.DataFrame) -> dict[str, object]:
    """{"province_id": …} when every commune of the load lies in one province."""
    provinces = units.get_column("province_id").unique()
    if provinces.len() == 1 and provinces[0] is not None:
        return {"province_id": provinces[0]}
    return {}


def _resident_constants(units: pl.DataFrame, levels_from: int | None) -> dict[str, object]:
    """The residents' columns that hold one value for the whole load: the status, the import
    that set the levels (when the file has levels), the province (when one)."""
    constants: dict[str, object] = {"status": ResidentStatus.CURRENT.value, **_province_of(units)}
    if levels_from is not None:
        constants["levels_import_id"] = levels_from
    return constants


@contextmanager
def _column_defaults(cur, table: str, values: dict[str, object]):
    """The columns of ``values`` take these as their defaults for the time of the block (which
    yields them), then their own again. A value the whole load shares is then neither written
    nor read by the server 3.7 M times (each column of the COPY costs the server about half a
    second on a province). Only for a table the transaction holds to itself (``bulk_load``):
    changing a default locks the table."""
    if not values:
        yield values
        return
    cur.execute(
        "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = %s::regclass AND a.attname = ANY(%s)",
        [table, list(values)],
    )
    own = dict(cur.fetchall())
    raw = connection.connection
    for column, value in values.items():
        cur.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}")
            .format(sql.Identifier(table), sql.Identifier(column), sql.Literal(value))
            .as_string(raw)
        )
    yield values
    for column in values:
        restore = "DROP DEFAULT" if own[column] is None else f"SET DEFAULT {own[column]}"
        cur.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" {restore}')


# The households as rows of registry_household, named after its columns.
_HOUSEHOLD_ROW = [
    pl.col("household_id").alias("id"),
    pl.col("hh_code").alias("code"),
    pl.col("address").fill_null(""),
    pl.col("covered"),
    pl.col("h_village_id").alias("village_id"),
    *map(pl.col, ["commune_id", "district_id", "province_id"]),
]


@dataclass
class Loaded:
    households: int
    residents: int


class _Ids:
    """Ids for new rows, drawn from the tables' sequences on a connection of its own (the
    import's connection is busy copying the batch before). A sequence hands out numbers
    outside any transaction: those of a load that fails are gaps, as with any insert. Drawn
    here, they spare the copy a call of the sequence for every row.

    A batch's ids are drawn as one block: the sequence's increment is raised to the block's
    size for one ``nextval``, in a short transaction whose lock holds other sessions'
    ``nextval`` back until the increment is restored. A session whose open transaction has
    used the sequence (the import's own, say) holds a lock that keeps the block waiting: after
    ``BLOCK_WAIT`` the numbers are drawn one by one instead, and come back as runs; so are they
    for a database role that may use the sequence but not alter it."""

    BLOCK_WAIT = "50ms"

    def __init__(self, cur, tables: list[str], ahead: dict[str, int] | None = None):
        # Per table, how many more ids a block takes than asked for, kept for the batches to
        # come (a few draws for the whole load; what is left over at the end is a gap).
        self.ahead = ahead or {}
        self.pools: dict[str, pl.Series] = {}
        self.sequences = {}
        for table in tables:
            cur.execute(
                "SELECT s.seqrelid::regclass::text, s.seqincrement FROM pg_sequence s "
                "WHERE s.seqrelid = pg_get_serial_sequence(%s, 'id')::regclass",
                [table],
            )
            self.sequences[table] = cur.fetchone()
        self.numbers = connection.get_new_connection(connection.get_connection_params())
        self.numbers.autocommit = True

    def close(self) -> None:
        self.numbers.close()

    def draw(self, table: str, n: int) -> pl.Series:
        """``n`` new ids of ``table``."""
        pool = self.pools.get(table, pl.Series([], dtype=pl.Int64))
        if pool.len() < n:
            pool = pl.concat([pool, self._fresh(table, n - pool.len())])
        self.pools[table] = pool.slice(n)
        return pool.slice(0, n)

    def _fresh(self, table: str, n: int) -> pl.Series:
        """At least ``n`` ids just drawn from the sequence."""
        sequence, step = self.sequences[table]
        try:
            size = n + self.ahead.get(table, 0)
            last = self._block(sequence, step, size)
        except (psycopg.errors.LockNotAvailable, psycopg.errors.InsufficientPrivilege):
            return self._runs(sequence, n)
        return pl.int_range(last - step * (size - 1), last + 1, step, dtype=pl.Int64, eager=True)

    def _block(self, sequence: str, step: int, n: int) -> int:
        """The last of ``n`` numbers drawn at once."""
        with self.numbers.transaction(), self.numbers.cursor() as cur:
            cur.execute(f"SET LOCAL lock_timeout = '{self.BLOCK_WAIT}'")
            # No wait for the disk: the import's own commit, later, flushes this one too
            # (a crash before that loses the import anyway, and its ids are then unused).
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY {step * n}")
            cur.execute(f"SELECT is_called FROM {sequence}")
            if not cur.fetchone()[0]:  # a sequence never used: its start counts as drawn
                cur.execute(f"SELECT setval(%s, last_value) FROM {sequence}", [sequence])
            cur.execute("SELECT nextval(%s)", [sequence])
            last = cur.fetchone()[0]
            cur.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY {step}")
        return last

    def _runs(self, sequence: str, n: int) -> pl.Series:
        """``n`` numbers drawn one by one, as runs of consecutive ones (one run unless another
        session drew numbers at the same moment)."""
        with self.numbers.cursor() as cur:
            cur.execute(
                "SELECT min(id), max(id) FROM (SELECT n, nextval(%s) AS id "
                "FROM generate_series(1, %s) AS drawn(n)) ids GROUP BY id - n ORDER BY 1",
                [sequence, n],
            )
            runs = cur.fetchall()
        return pl.concat(
            [pl.int_range(low, high + 1, dtype=pl.Int64, eager=True) for low, high in runs]
        )


class _Households:
    """The households met so far: (commune, code) -> (id, village of its first row), and the
    ids of those found covered."""

    KEYS = ["commune_id", "hh_code"]

    def __init__(self, ids: _Ids):
        self.new_ids = ids
        # commune_id, hh_code, household_id, h_village_id of the households met so far, as
        # parts (one a batch), each with the communes it names: a batch looks only at the parts
        # naming its communes (in a file that comes commune by commune, the batch before at
        # most), never at the whole province met so far.
        self.parts: list[pl.DataFrame] = []
        self.part_communes: list[set[int]] = []
        self.covered: list[pl.Series] = []  # ids of households with a proficient resident
        self.written_covered: list[pl.Series] = []  # ids written as covered
        # Whether each household's rows have come together so far (a file exported household
        # by household). Once they have not, a household written as not covered may find its
        # proficient resident in a later batch: those are held back and written at the end,
        # their flag then known, instead of being written and updated (a file in any order
        # would update a third of its households, each with its indexes).
        self.grouped = True
        self.held: list[pl.DataFrame] = []

    def known(self, communes: pl.Series) -> pl.DataFrame | None:
        """The households met so far in ``communes`` (None: none)."""
        wanted = set(communes.to_list())
        parts = [
            p for p, named in zip(self.parts, self.part_communes, strict=True) if named & wanted
        ]
        if not parts:
            return None
        return pl.concat(parts).filter(pl.col("commune_id").is_in(communes.implode()))

    def ids(self, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """``rows`` with household_id and h_village_id (the village of the household's first
        row in the file), and the households met for the first time (commune_id, hh_code,
        household_id, h_village_id, address), with their new ids. A household met in a batch
        before (in a file not grouped by household) is found with one join, whatever the
        order of the rows."""
        first, runs = self._firsts(rows)
        found = []
        new = first
        known = self.known(first.get_column("commune_id").unique())
        if known is not None:
            new = first.join(known, on=self.KEYS, how="anti")
            if new.height < first.height:
                self.grouped = False
                found.append(first.select(self.KEYS).join(known, on=self.KEYS, how="inner"))
        new = new.with_columns(
            self.new_ids.draw("registry_household", new.height).alias("household_id")
        )
        self.parts.append(new.select(*self.KEYS, "household_id", "h_village_id"))
        self.part_communes.append(set(new.get_column("commune_id").unique().to_list()))
        found.append(new.select(*self.KEYS, "household_id", "h_village_id"))
        found = pl.concat(found)
        if runs is None:
            self.grouped = False
            rows = rows.join(found, on=self.KEYS, how="left", maintain_order="left")
        else:  # each row takes the ids of its run
            ids = first.select(self.KEYS).join(
                found, on=self.KEYS, how="left", maintain_order="left"
            )
            rows = rows.with_columns(
                ids.get_column(c).gather(runs) for c in ("household_id", "h_village_id")
            )
        return rows, new

    def _firsts(self, rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series | None]:
        """The first row of each household in ``rows`` (commune_id, hh_code, h_village_id,
        address), in the order met; and, where each household's rows come one after another
        (as a file exported household by household has them), the index in it of every
        row's household."""
        starts, runs = key_runs(rows, self.KEYS)
        first = rows.filter(starts).select(
            *self.KEYS, pl.col("village_id").alias("h_village_id"), "address"
        )
        if not first.select(pl.struct(self.KEYS).is_duplicated().any()).item():
            return first, runs
        first = rows.group_by(self.KEYS, maintain_order=True).agg(
            pl.col("village_id").first().alias("h_village_id"),
            pl.col("address").first(),
        )
        return first, None

    def to_write(self, new: pl.DataFrame) -> pl.DataFrame:
        """Of a batch's new households (with their ``covered`` flag so far), those to write
        now; the others are held back (``held_final``)."""
        if self.grouped:
            return new
        self.held.append(new.filter(~pl.col("covered")))
        return new.filter(pl.col("covered"))

    def held_final(self) -> pl.DataFrame | None:
        """The households held back, with their final covered flag (counted as written)."""
        if not self.held:
            return None
        covered = pl.concat([pl.Series([], dtype=pl.Int64), *self.covered]).unique()
        held = pl.concat(self.held).with_columns(
            pl.col("household_id").is_in(covered.implode()).alias("covered")
        )
        self.held = []
        self.written_covered.append(held.filter(pl.col("covered")).get_column("household_id"))
        return held

    def cover(self, household_ids: pl.Series, written: pl.Series) -> None:
        """Households found covered in a batch, and those of them written so."""
        self.covered.append(household_ids)
        self.written_covered.append(written)

    def late_covered(self) -> list[int]:
        """Households written as not covered whose proficient resident came later."""
        covered = pl.concat([pl.Series([], dtype=pl.Int64), *self.covered]).unique()
        written = pl.concat([pl.Series([], dtype=pl.Int64), *self.written_covered])
        return covered.filter(~covered.is_in(written.implode())).to_list()

    def per_village(self) -> pl.DataFrame:
        """village_id, households, covered: what the new households bring to their villages."""
        if not self.parts:
            return pl.DataFrame(
                schema={"village_id": pl.Int64, "households": pl.UInt32, "covered": pl.UInt32}
            )
        covered = pl.concat([pl.Series([], dtype=pl.Int64), *self.covered])
        return (
            pl.concat(self.parts)
            .with_columns(pl.col("household_id").is_in(covered.implode()).alias("covered"))
            .group_by(pl.col("h_village_id").alias("village_id"))
            .agg(pl.len().alias("households"), pl.col("covered").sum())
        )


# --- a file in another order: set aside, then read back in the load's order ------------------

# The order the load writes rows in: a village's households together, a household's residents
# together, in the file's order within it. Written so, the tables' rows lie in the order of the
# indexes built after the load (whose sorts then find them nearly in order), and each batch
# finds its households by runs, never again in a later batch. A file exported village by
# village comes so already.
# (A stable sort: the rows of a household keep the file's order.)
LOAD_ORDER = ["commune_id", "village_id", "hh_code"]
SPILL_MIN_ROWS = 200_000  # a smaller file is loaded in its own order (that costs it little)
SPILL_GROUP_ROWS = 100_000  # about the rows of a group of communes set aside together
SPILL_BATCH_ROWS = 80_000  # at least the rows of a batch read back (whole groups)


def _households_together(batch: pl.DataFrame, keys: list[str]) -> bool:
    """Whether each household's rows in ``batch`` (its commune and code: ``keys``) come one
    after another."""
    starts, _runs = key_runs(batch, keys)
    return not batch.filter(starts).select(keys).is_duplicated().any()


class LoadOrder:
    """The file's batches in the load's order (``LOAD_ORDER``): the reading's ``reorder``
    (``population_read.good_frames``), which sees the batches as they are read, before they
    are checked.

    A file whose first batch keeps each household's rows together (as one exported village by
    village does) comes as it is, each batch read and checked while the one before is written.
    Any other large file (shuffled by row, sorted by name) is read to its end first, each piece
    set aside as read, by groups of communes, in a temporary file (``cdtt.lib.spill``): a CSV's
    records as the text they are, only their commune's cell read (a piece whose records are one
    a line; another is parsed), so that this pass, which nothing else overlaps (no household is
    complete before the file's end), stays short. The groups then come back in order, a group
    or a few at a time (whole communes, so that a household is never split between two
    batches), parsed and checked on their way, in the reading's thread, while the batch before
    is written; the caller sorts each (``sort``) once its villages are known. Memory holds a
    few batches, never the file."""

    def __init__(
        self,
        communes: dict[str, int],
        expected_rows: int,
        reading: Callable[[int], None] = lambda rows: None,
    ):
        self.communes = communes  # code -> id of the communes the load may write to
        self.expected_rows = expected_rows
        self.reading = reading  # told the rows set aside so far, batch by batch
        self.set_aside = False

    def __call__(
        self, batches: Iterator[pl.DataFrame], text: CsvText | None, commune: int, household: int
    ) -> Iterator[pl.DataFrame]:
        """``batches``: the file's (``population_read._frames`` with ``clean`` False), unless
        ``text`` is given (a CSV's records as text): then the batches are parsed from it here
        and ``batches`` is not read. ``commune``, ``household``: the indexes of their columns."""
        first_piece = None
        if text is not None:
            pieces = text.pieces()
            first_piece = next(pieces, None)
            if first_piece is None:
                return
            first = text.cells(first_piece).with_row_index("row_no", offset=2)
            batches = text.frames(pieces, first_row=2 + first.height)
        else:
            first = next(batches, None)
            if first is None:
                return
        keys = [f"c{commune}", f"c{household}"]
        if self.expected_rows < SPILL_MIN_ROWS or _households_together(first, keys):
            yield first
            yield from batches
            return
        self.set_aside = True
        with Spill(self._groups()) as spill:
            started = time.monotonic()
            if text is None:
                self._frames_aside(spill, first, batches, commune)
                parse = functools.partial(csv_cells, ncols=len(first.columns) - 1)
            else:
                self._pieces_aside(spill, text, chain([first_piece], pieces), commune)
                parse = text.cells
            log.info("first load: the file read and set aside in %.1fs", time.monotonic() - started)
            yield from spill.batches(SPILL_BATCH_ROWS, parse)

    def _groups(self) -> int:
        return max(1, min(len(set(self.communes.values())), self.expected_rows // SPILL_GROUP_ROWS))

    def _group(self, code: pl.Expr) -> pl.Expr:
        """The group of a commune's code: by the communes' ids, as before the check turns codes
        into ids; a code the load may not write to goes with the first group, whose check
        reports it."""
        rank = {pk: n for n, pk in enumerate(sorted(set(self.communes.values())))}
        ranks = {code: rank[pk] for code, pk in self.communes.items()}
        ranked = code.replace_strict(ranks, default=0, return_dtype=pl.Int64)
        return ranked * self._groups() // len(rank)

    def _pieces_aside(
        self, spill: Spill, text: CsvText, pieces: Iterator[bytes], commune: int
    ) -> None:
        """The pieces cut by group in two threads at once (the server idles meanwhile), set
        aside in their order; a piece whose record spans lines is parsed here, where the row
        number its messages name is known."""
        cut = functools.partial(self._piece_cut, text, commune)
        row = 2
        for piece, height, part in mapped(cut, pieces):
            if piece is not None:  # a record spans lines: parsed
                cells = text.cells(piece, row)
                records = cells.select(
                    frame_records(cells, cells.columns, text.delimiter),
                    pl.col(f"c{commune}").fill_null("").alias("code"),
                    pl.int_range(row, row + pl.len()).alias("row_no"),
                )
                part, height = spill_part(self._grouped(records)), records.height
                spill.put(part)
            else:
                spill.put(part, first_row=row)
            row += height
            self.reading(row - 2)

    def _piece_cut(
        self, text: CsvText, commune: int, piece: bytes
    ) -> tuple[bytes | None, int, Part | None]:
        """A piece's records one a line cut by group, their row numbers counted from 0: (None,
        its lines, the part); or (the piece, 0, None) when a record spans lines."""
        lines = text.lines(piece)
        if lines is None:
            return piece, 0, None
        records = lines.with_columns(
            text.field(lines.get_column("record"), commune, b'"' in piece).alias("code"),
            pl.int_range(0, pl.len()).alias("row_no"),
        )
        return None, lines.height, spill_part(self._grouped(records))

    def _frames_aside(
        self, spill: Spill, first: pl.DataFrame, batches: Iterator[pl.DataFrame], commune: int
    ) -> None:
        read = 0
        for batch in prefetched(chain([first], batches)):
            names = [c for c in batch.columns if c != "row_no"]
            records = batch.select(
                "row_no",
                frame_records(batch, names, ","),
                pl.col(f"c{commune}").fill_null("").alias("code"),
            )
            spill.add(self._grouped(records))
            read += batch.height
            self.reading(read)

    def _grouped(self, records: pl.DataFrame) -> pl.DataFrame:
        """Records (``row_no``, ``record``, the commune's ``code`` as written) with the group of
        their commune, as ``Spill.add`` takes them; the blank lines left out."""
        group = self._group(clean_column("code"))
        return records.filter(pl.col("record").is_not_null()).select(
            group.alias("group"), "row_no", "record"
        )

    def sort(self, batch: pl.DataFrame) -> pl.DataFrame:
        """A checked batch (villages resolved) in the load's order."""
        return batch.sort(LOAD_ORDER, maintain_order=True) if self.set_aside else batch


def _units_frame(units: dict[int, tuple]) -> pl.DataFrame:
    """commune_id -> district_id, province_id of the communes met."""
    return pl.DataFrame(
        [(c, d, p) for c, (d, p) in units.items()],
        schema={"commune_id": pl.Int64, "district_id": pl.Int64, "province_id": pl.Int64},
        orient="row",
    )


def _copy(table: str, rows: pl.DataFrame) -> tuple[str, memoryview]:
    """The COPY of ``rows`` into ``table`` (the frame's columns named after the table's)."""
    return copy_sql(table, rows.columns), frame_text(rows)


class _Writer:
    """COPYs batches of rows, in a thread of its own, while the caller prepares the next one.
    It shares the caller's connection (and so its transaction) through psycopg, whose
    connection lock makes the caller's own queries wait for the batch being copied."""

    def __init__(self):
        self.raw = connection.connection  # the psycopg connection of this thread's Django one
        self.batches: queue.Queue = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None
        self.copying = 0.0  # seconds spent in COPY (logged: the server's share of the load)
        self.thread = threading.Thread(target=self._run, name="first-load-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        # Whatever fails is handed to the caller; the queue is drained to the end either way,
        # so that the caller never waits on a full queue.
        cur = None
        try:
            cur = self.raw.cursor()
        except BaseException as exc:
            self.failure = exc
        while (batch := self.batches.get()) is not None:
            if self.failure is not None:
                continue
            started = time.monotonic()
            try:
                for sql, data in batch:
                    with cur.copy(sql) as copy:
                        copy.write(data)
            except BaseException as exc:
                self.failure = exc
            self.copying += time.monotonic() - started
        if cur is not None:
            cur.close()

    def put(self, batch: list[tuple[str, memoryview]]) -> None:
        """Hand over rows to copy, each block with its COPY statement."""
        self._raise()
        self.batches.put(batch)

    def close(self) -> None:
        """Wait for every batch handed; raise what failed."""
        self.batches.put(None)
        self.thread.join()
        log.info("first load: %.1fs copying", self.copying)
        self._raise()

    def _raise(self) -> None:
        if self.failure is not None:
            with connection.wrap_database_errors:  # as Django's errors
                raise self.failure


def load(
    cur,
    frames,
    *,
    commune_ids: list[int],
    record: PopulationImport,
    has: set[str],
    active: set[str],
    expected_rows: int,
    bulk_load,
    villages,
    order: LoadOrder,
) -> Loaded:
    """Write the good rows of ``frames`` (batches in the staging columns, villages resolved);
    raises Fallback when the file has anything to report. ``bulk_load`` is the importer's
    index drop-and-rebuild around a large load; ``villages`` resolves the batches' villages
    (the new ones are copied with the batch that names them first); ``order`` is the reading's
    ``reorder``, whose batches come whole communes at a time when the file was set aside.

    Each batch is prepared (household ids, the rows to write) while the one before is being
    copied; the next batch is pulled (its villages resolved, which may query the database)
    before the prepared one is handed over, so that the copy never waits on those queries."""
    units = _units_frame(
        {
            pk: (district, province)
            for pk, district, province in AdminUnit.objects.filter(pk__in=commune_ids).values_list(
                "pk", "district_id", "province_id"
            )
        }
    )
    ids = _Ids(
        cur,
        ["registry_household", "registry_resident", "geo_adminunit"],
        ahead={"registry_resident": expected_rows // 8, "registry_household": expected_rows // 32},
    )
    households = _Households(ids)
    new_villages: list[tuple[str, memoryview]] = []  # for the next batch to copy

    def villages_write(made: list[AdminUnit]) -> None:
        drawn = ids.draw("geo_adminunit", len(made)).to_list()
        for village, pk in zip(made, drawn, strict=True):
            village.pk = pk
        new_villages.append(_copy("geo_adminunit", objects_frame(AdminUnit, made)))

    villages.write = villages_write
    counters: list[pl.DataFrame] = []
    levels_from = record.pk if has & set(SKILL_CODES) else None
    proficient = (
        pl.all_horizontal([pl.col(f"s_{c}").fill_null(0) == 2 for c in sorted(active)])
        if active and active <= has
        else pl.lit(False)
    )
    residents = 0
    shared: dict[str, dict] = {}  # per table, the columns left to their default for this load

    def prepare(batch: pl.DataFrame) -> list[tuple[str, memoryview]]:
        nonlocal residents
        rows, new = households.ids(batch)
        if rows.filter(pl.col("village_id") != pl.col("h_village_id")).height:
            raise Fallback  # a household code used with two villages
        rows = rows.join(units, on="commune_id", how="left", maintain_order="left")
        rows = rows.with_columns(
            ids.draw("registry_resident", rows.height).alias("id"), proficient.alias("proficient")
        )
        residents += rows.height
        covered = rows.filter(pl.col("proficient")).get_column("household_id").unique()
        new = new.join(units, on="commune_id", how="left", maintain_order="left").with_columns(
            pl.col("household_id").is_in(covered.implode()).alias("covered")
        )
        new = households.to_write(new)
        households.cover(covered, new.filter(pl.col("covered")).get_column("household_id"))
        counters.append(
            rows.group_by("village_id").agg(
                pl.len().alias("residents"),
                pl.col("proficient").sum().alias("proficient"),
                *[(pl.col(f"s_{c}") == 2).sum().alias(f"p_{c}") for c in SKILL_CODES],
            )
        )
        copies = [*new_villages]
        new_villages.clear()
        return [
            *copies,
            _copy(
                "registry_household",
                new.select(_without(_HOUSEHOLD_ROW, shared["registry_household"])),
            ),
            _copy(
                "registry_resident",
                rows.select(_without(_resident_row(levels_from), shared["registry_resident"])),
            ),
        ]

    try:
        with (
            bulk_load(cur, "registry_resident", expected_rows) as residents_rebuilt,
            # A household for every four residents or so: enough to decide on the rebuild.
            bulk_load(cur, "registry_household", expected_rows // 4) as households_rebuilt,
            _column_defaults(
                cur,
                "registry_resident",
                _resident_constants(units, levels_from) if residents_rebuilt else {},
            ) as shared["registry_resident"],
            _column_defaults(
                cur, "registry_household", _province_of(units) if households_rebuilt else {}
            ) as shared["registry_household"],
        ):
            writer = _Writer()
            try:
                prepared = None
                for batch in frames():
                    if prepared is not None:
                        writer.put(prepared)
                        prepared = None
                    if not batch.is_empty():
                        prepared = prepare(order.sort(batch))
                if prepared is not None:
                    writer.put(prepared)
                held = households.held_final()
                if held is not None and held.height:
                    writer.put(
                        [
                            _copy(
                                "registry_household",
                                held.select(_without(_HOUSEHOLD_ROW, shared["registry_household"])),
                            )
                        ]
                    )
            finally:
                writer.close()
    except IntegrityError as exc:  # a resident listed twice: the unique key refused it
        raise Fallback from exc
    finally:
        ids.close()
    late = households.late_covered()
    if late:
        cur.execute("UPDATE registry_household SET covered = TRUE WHERE id = ANY(%s)", [late])
    homes = households.per_village()
    _counters_add(cur, homes, counters)
    return Loaded(households=int(homes.get_column("households").sum()), residents=residents)


def _counters_add(cur, homes: pl.DataFrame, counters: list[pl.DataFrame]) -> None:
    """Add what the load brings to its villages' counters (``homes``: the households and
    covered households it brings to each)."""
    if not counters:
        return
    people = pl.concat(counters).group_by("village_id").sum()
    delta = homes.join(people, on="village_id", how="full", coalesce=True).fill_null(0)
    cur.execute("DROP TABLE IF EXISTS imp_village_delta")
    cur.execute(
        "CREATE TEMPORARY TABLE imp_village_delta (village_id bigint, "
        + ", ".join(f"{c} integer" for c in rollups.COUNTERS)
        + ") ON COMMIT DROP"
    )
    frame_copy(
        cur,
        "imp_village_delta",
        ["village_id", *rollups.COUNTERS],
        delta.select("village_id", *rollups.COUNTERS),
    )
    cur.execute(
        "SELECT village_id FROM registry_villagecoverage WHERE village_id IN "
        "(SELECT village_id FROM imp_village_delta) FOR UPDATE"
    )
    rollups.village_deltas_apply(cur)
