"""Reading the population file for its import: the columns it brings, its rows checked batch
by batch, column by column (population_checks), and the villages its rows name (created when
new, inside the import's transaction). No writes but the new villages.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import polars as pl
from django.utils.translation import gettext as _

from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.services import village_build, village_type_guess
from cdtt.lib.prefetch import prefetched
from cdtt.lib.tabular import CsvText, FileProblem, RowError, Table, frame_clean
from cdtt.lib.text import clean, fold, header_key
from cdtt.registry.population_checks import SKILL_HEADERS, RowChecks
from cdtt.skills.models import SKILL_CODES

CHUNK = 20_000  # rows of an XLSX file checked at a time
MAX_ERRORS = 10_000  # reported in full; beyond that only counted

REQUIRED = ["Mã xã", "Thôn", "Mã hộ", "Họ và tên", "Ngày sinh"]
OPTIONAL = ["Địa chỉ", "Giới tính", "Quan hệ với chủ hộ", "Số điện thoại"]

if TYPE_CHECKING:
    from cdtt.registry.population_result import PopulationImportResult

Progress = Callable[[int, int], None]

# The good rows as they come out of the checks, in the staging table's columns and order.
STAGING_COLUMNS = [
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
STAGING_NAMES = [c for c, _t in STAGING_COLUMNS]


def village_name_canonical(name: str) -> str:
    """A village name as a new village takes it, whichever spelling of it a file has: a name
    written all in lower or all in upper case is capitalised word by word ('ĐÔNG SƠN',
    'đông sơn' -> 'Đông Sơn'); a mixed one is kept as written (cleaned: NFC, single spaces)."""
    name = clean(name)
    if name == name.lower() or name == name.upper():
        return " ".join(word[:1].upper() + word[1:].lower() for word in name.split(" "))
    return name


class Villages:
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
            name = village_name_canonical(name)
            pk = self.ids.get((commune_id, fold(name)))
            if pk is not None:
                self.ids[(commune_id, fold(raw))] = pk
            elif (commune_id, fold(name)) not in wanted or (unit_type, name) < wanted[
                (commune_id, fold(name))
            ]:  # of two spellings of a new village, the same one whatever the rows' order
                wanted[(commune_id, fold(name))] = (unit_type, name)
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
        for (commune_id, key), (unit_type, name) in sorted(wanted.items()):
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


def _frames(table: Table, clean: bool = True) -> Iterator:
    """The table's rows as column batches: read by polars from a CSV (with ``clean`` False, left
    for ``frame_clean``), gathered from an XLSX."""
    if table.frames is not None:
        yield from table.frames(clean=clean)
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


# Reorders the file's batches of rows before they are checked: given the batches as read (in
# ``_frames``' columns, not yet cleaned), the CSV's records as text (``Table.text``, None for an
# XLSX: the reordering may read the file from it instead of from the batches) and the indexes of
# the columns of the commune's code and of the household's code.
Reorder = Callable[[Iterator[pl.DataFrame], CsvText | None, int, int], Iterator[pl.DataFrame]]


def _checked(
    table: Table, communes: dict[str, int], reorder: Reorder | None
) -> Iterator[tuple[int, pl.DataFrame, list[RowError]]]:
    """Check the rows batch by batch, column by column: (rows read, good rows, problems) of
    each. No database here (it runs ahead, in a thread of its own)."""
    named, skills = _columns(table)
    checks = RowChecks(named, skills, communes)
    if reorder is None:
        batches = _frames(table)
    else:  # cleaned once reordered: the reordering reads the file alone, which nothing overlaps
        batches = reorder(_frames(table, clean=False), table.text, named["Mã xã"], named["Mã hộ"])
        batches = map(frame_clean, batches)
    for rows in batches:
        good, problems = checks.check(rows)
        if problems.height:
            errors = problems.sort(["row_no", "order"]).head(MAX_ERRORS).iter_rows()
            problems = [RowError(row, column, reason) for row, _order, column, reason in errors]
        else:
            problems = []
        yield rows.height, good, problems


def good_frames(
    table: Table,
    result: "PopulationImportResult",
    communes: dict[str, int],
    villages: Villages,
    progress: Progress | None,
    total: int,
    reorder: Reorder | None = None,
) -> Iterator[pl.DataFrame]:
    """The good rows of the file in the staging columns (``STAGING_NAMES``), their villages resolved,
    batch by batch; every problem goes to ``result``. The next batch is read and checked while
    the caller writes this one. ``reorder``, when given, takes the file's batches as they are
    read and gives them back in another order, to be checked in that order."""
    known = pl.DataFrame(
        schema={"commune_id": pl.Int64, "village_raw": pl.String, "village_id": pl.Int64}
    )
    for height, good, problems in prefetched(_checked(table, communes, reorder)):
        result.rows += height
        result.rows_imported += good.height
        result.errors_total += len(problems)
        result.errors += problems[: MAX_ERRORS - len(result.errors)]
        # The village of each (commune, cell) pair the batch names: the pairs not met before
        # are resolved (a few thousand in a province, whatever the rows' order), then every
        # row takes its village by a join, without a Python step per row.
        pairs = good.select("commune_id", "village_raw").unique()
        unseen = pairs.join(known, on=["commune_id", "village_raw"], how="anti")
        if unseen.height:
            resolved = villages.resolve(list(unseen.iter_rows()))
            known = pl.concat(
                [
                    known,
                    pl.DataFrame(
                        [(c, raw, pk) for (c, raw), pk in resolved.items()],
                        schema=known.schema,
                        orient="row",
                    ),
                ]
            )
        good = good.join(known, on=["commune_id", "village_raw"], how="left", maintain_order="left")
        yield good.select(STAGING_NAMES)
        if progress:
            progress(result.rows, max(total, result.rows))


@contextmanager
def file_reading():
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


def columns_present(table: Table) -> tuple[set[str], set[str]]:
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
