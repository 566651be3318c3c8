"""The population import in any row order (issue 19): the same file as written, shuffled by
row and sorted by resident name, with its village cells in several spellings, in one batch or
many, leaves the same villages, households, residents, levels and counters."""

import random
import unicodedata

import pytest
from django.db import connection, transaction

from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.imports import population_import
from cdtt.registry.models import LEVEL_FIELDS, Household, Resident, VillageCoverage
from cdtt.registry.rollups import COUNTERS, rollups_check

HEADER = (
    "Mã xã,Thôn,Mã hộ,Địa chỉ,Họ và tên,Ngày sinh,Giới tính,Quan hệ với chủ hộ,Số điện thoại,"
    "Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,"
    "Nền tảng số khác"
)
COMMUNES = ["16000", "16001", "16100"]
VILLAGES = ["Thôn Yên Trung", "Thôn Đông Sơn", "Xóm Đồi Cao", "Tổ dân phố 5"]
NAMES = ["Nguyễn Văn An", "Lê Thị Bình", "Trần Đức Cường", "Phạm Thị Dung", "Hoàng Văn Em"]


def _rows() -> list[list[str]]:
    """Households of four villages (one registered, three new), three residents each."""
    rows = []
    for n in range(24):
        village = VILLAGES[n % 4]
        for k in range(3):
            levels = ["2", "2", "2", "2", "2"] if (n + k) % 4 == 0 else ["1", "0", "2", "0", "1"]
            rows.append(
                [
                    "16000",
                    village,
                    f"HK{n:03d}",
                    f"Số {n}",
                    f"{NAMES[(n + k) % 5]} {n}",
                    f"0{k + 1}/0{k + 2}/19{70 + n}",
                    "Nam" if k % 2 else "Nữ",
                    "Chủ hộ" if k == 0 else "Con",
                    "",
                    *levels,
                ]
            )
    return rows


def _spelled(cell: str, i: int) -> str:
    """One of the spellings a user's file may bring, all folding to the same village."""
    return [
        cell,
        unicodedata.normalize("NFD", cell),
        cell.lower(),
        cell.upper(),
        cell.replace(" ", "  "),
    ][i % 5]


def _file(order: str, spread: bool = False) -> bytes:
    rows = _rows()
    if spread:  # the households over the tree's three communes
        rows = [[COMMUNES[int(r[2][2:]) % 3], *r[1:]] for r in rows]
    if order != "as written":
        rows = [[r[0], _spelled(r[1], i), *r[2:]] for i, r in enumerate(rows)]
    if order == "shuffled":
        random.Random(7).shuffle(rows)
    elif order == "by name":
        rows.sort(key=lambda r: r[4])
    return ("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n").encode()


def _state(codes: bool) -> dict:
    """What the import left, by natural keys (ids differ from one run to the next). The codes
    of new villages follow their names within a batch, and the order in which batches first
    name them across batches: compared with ``codes`` only."""
    villages = AdminUnit.objects.filter(level=Level.VILLAGE, commune__code__in=COMMUNES)
    names = {v.pk: ((v.code,) if codes else ()) + (v.unit_type, v.name) for v in villages}
    return {
        "villages": sorted(names.values()),
        "households": sorted(
            (names[h.village_id], h.code, h.address, h.covered) for h in Household.objects.all()
        ),
        "residents": sorted(
            Resident.objects.values_list(
                "commune_id",
                "household__code",
                "full_name",
                "birth_date",
                "gender",
                "relation",
                "proficient",
                *LEVEL_FIELDS.values(),
            )
        ),
        "counters": sorted(
            (names[c.village_id], *(getattr(c, f) for f in COUNTERS))
            for c in VillageCoverage.objects.filter(village_id__in=names)
        ),
    }


def _import(order: str, codes: bool) -> dict:
    """Import the file in ``order``, read what it left, roll it all back."""
    with transaction.atomic():
        result = population_import(actor=None, data=_file(order))
        assert result.ok, result.errors
        assert (result.households_created, result.residents_created) == (24, 72)
        assert result.villages_created == 3
        assert rollups_check() == []
        state = _state(codes)
        transaction.set_rollback(True)
    return state


@pytest.mark.parametrize("batch_bytes", [None, 300], ids=["one batch", "many batches"])
def test_any_row_order_and_spelling_gives_the_same_import(tree, monkeypatch, batch_bytes):
    from cdtt.lib import tabular

    if batch_bytes:  # households and villages come back in later batches
        monkeypatch.setattr(tabular, "FRAME_BYTES", batch_bytes)
    AdminUnit.objects.filter(pk=tree.village.pk).update(name="Yên Trung", unit_type="Thôn")
    codes = batch_bytes is None
    written = _import("as written", codes)
    made = {("Thôn", "Đông Sơn"), ("Xóm", "Đồi Cao"), ("Tổ dân phố", "5")}
    assert made <= {v[-2:] for v in written["villages"]}
    for order in ("shuffled", "by name"):
        assert _import(order, codes) == written, order


@pytest.mark.parametrize("order", ["shuffled", "by name"])
def test_a_first_load_out_of_order_writes_village_by_village(tree, monkeypatch, order):
    """A large file whose households' rows lie apart is read to its end first, set aside by
    groups of communes, then written commune by commune, village by village, household by
    household (the order of the residents' ids, drawn as they are written), a few communes a
    batch: the same rows, levels and counters as the staged import of the same file."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.registry import first_load

    monkeypatch.setattr(first_load, "SPILL_MIN_ROWS", 0)
    monkeypatch.setattr(first_load, "SPILL_GROUP_ROWS", 1)  # a group a commune
    monkeypatch.setattr(first_load, "SPILL_BATCH_ROWS", 20)  # a commune a batch (24 rows)
    spills, loads = [], []
    real_spill, real_load = first_load.Spill, first_load.load
    monkeypatch.setattr(first_load, "Spill", lambda n: spills.append(n) or real_spill(n))
    monkeypatch.setattr(first_load, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    states = []
    for staged in (False, True):
        if staged:
            monkeypatch.setattr(first_load, "applies", lambda cur, ids: False)
        with transaction.atomic():
            result = population_import(actor=None, data=_file(order, spread=True))
            assert result.ok, result.errors
            assert (result.households_created, result.residents_created) == (24, 72)
            assert rollups_check() == []
            written = list(
                Resident.objects.order_by("pk").values_list(
                    "commune_id", "village_id", "household__code"
                )
            )
            states.append(_state(codes=True))
            transaction.set_rollback(True)
        if not staged:
            assert written == sorted(written)
    assert spills == [3] and loads == [1]
    assert states[0] == states[1]


def test_a_first_load_out_of_order_with_something_to_report_reports_it_all(tree, monkeypatch):
    """A resident listed twice and a household in two villages, in a file set aside to be
    written in the load's order: the staged import reports both, with the file's row numbers;
    nothing is written."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.registry import first_load

    monkeypatch.setattr(first_load, "SPILL_MIN_ROWS", 0)
    rows = _rows()
    duplicate, home = rows[4], rows[0]
    rows.append(list(duplicate))  # a resident listed twice
    rows.append(["16000", VILLAGES[1], *home[2:4], "Ngô Văn Khác", "01/01/1990", *home[6:]])
    random.Random(3).shuffle(rows)
    twice = [n + 2 for n, r in enumerate(rows) if r == duplicate]
    # The household's village is that of its first row; the rows naming another are reported.
    homes = [(n + 2, r[1]) for n, r in enumerate(rows) if r[2] == home[2]]
    expected = [(max(twice), "Họ và tên")]
    expected += [(n, "Mã hộ") for n, village in homes if village != homes[0][1]]
    data = ("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n").encode()
    result = population_import(actor=None, data=data)
    assert sorted((e.row, e.column) for e in result.errors) == sorted(expected)
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_a_file_set_aside_is_checked_as_it_is_written_and_a_bad_cell_undoes_it_all(
    tree, monkeypatch
):
    """A file set aside is checked group by group as it is written back: a bad cell in the
    last commune is found after the first communes' rows were copied. The load gives up, its
    writes (villages included) are undone, and the staged import reports every bad cell with
    the file's row number and column."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.registry import first_load

    monkeypatch.setattr(first_load, "SPILL_MIN_ROWS", 0)
    monkeypatch.setattr(first_load, "SPILL_GROUP_ROWS", 1)  # a group a commune
    monkeypatch.setattr(first_load, "SPILL_BATCH_ROWS", 20)  # a commune a batch
    copies = []
    real_put = first_load._Writer.put
    monkeypatch.setattr(first_load._Writer, "put", lambda w, b: copies.append(1) or real_put(w, b))
    rows = [[COMMUNES[int(r[2][2:]) % 3], *r[1:]] for r in _rows()]
    random.Random(5).shuffle(rows)
    last = [n for n, r in enumerate(rows) if r[0] == COMMUNES[2]]
    rows[last[0]][5] = "31/02/1990"  # no such day
    rows[last[1]][4] = ""  # no name
    data = ("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n").encode()
    villages = AdminUnit.objects.filter(level=Level.VILLAGE).count()
    result = population_import(actor=None, data=data)
    assert copies  # the first communes were written before the bad cells were met
    assert sorted((e.row, e.column) for e in result.errors) == [
        (last[0] + 2, "Ngày sinh"),
        (last[1] + 2, "Họ và tên"),
    ]
    assert not Household.objects.exists() and not Resident.objects.exists()
    assert AdminUnit.objects.filter(level=Level.VILLAGE).count() == villages


def test_a_file_set_aside_with_an_unknown_commune_reports_it(tree, monkeypatch):
    """A row whose commune the importer does not know is set aside with the first group (its
    check reports it before anything is written)."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.registry import first_load

    monkeypatch.setattr(first_load, "SPILL_MIN_ROWS", 0)
    rows = _rows()
    rows.append(["99999", *rows[0][1:4], "Ngô Văn Lạ", "01/01/1990", *rows[0][6:]])
    random.Random(5).shuffle(rows)
    data = ("\n".join([HEADER, *(",".join(r) for r in rows)]) + "\n").encode()
    result = population_import(actor=None, data=data)
    unknown = next(n for n, r in enumerate(rows) if r[0] == "99999")
    assert [(e.row, e.column) for e in result.errors] == [(unknown + 2, "Mã xã")]
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_a_new_village_takes_a_clean_name_from_any_spelling(tree):
    cells = ["THÔN BẾN  ĐÒ", unicodedata.normalize("NFD", "thôn bến đò")]
    rows = [f"16000,{cell},HB{i},,Ngô Văn {i},01/01/1990,,,,,,,," for i, cell in enumerate(cells)]
    result = population_import(actor=None, data=("\n".join([HEADER, *rows]) + "\n").encode())
    assert result.ok and result.villages_created == 1, result.errors
    village = AdminUnit.objects.get(parent=tree.commune, name_key="ben do")
    assert (village.unit_type, village.name) == ("Thôn", "Bến Đò")
    assert Household.objects.filter(village=village).count() == 2


def test_the_progress_of_a_file_set_aside_moves_while_it_is_set_aside(tree, monkeypatch):
    """The pass that sets a file aside fills the first half of the progress bar, batch by
    batch; the check and the writing the second half, to the end. The bar never goes back."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.lib import tabular
    from cdtt.registry import first_load

    monkeypatch.setattr(first_load, "SPILL_MIN_ROWS", 0)
    monkeypatch.setattr(tabular, "FRAME_BYTES", 2048)  # several batches to set aside
    reports = []
    result = population_import(
        actor=None,
        data=_file("shuffled", spread=True),
        progress=lambda done, total: reports.append(done / total),
    )
    assert result.ok, result.errors
    assert reports == sorted(reports) and reports[-1] == 1
    reading = [r for r in reports if r <= 0.5]
    assert len(reading) >= 3 and reports.index(reading[-1]) == len(reading) - 1
    assert any(0.5 < r < 1 for r in reports)


def _quoted(data: bytes) -> bytes:
    """The file with its addresses quoted, each holding a comma, one a line break."""
    lines = data.decode().split("\n")
    out = [lines[0]]
    for n, line in enumerate(lines[1:]):
        if not line:
            continue
        cells = line.split(",")
        address = f"{cells[3]}\nngõ {n}" if n == 40 else f"{cells[3]}, ngõ {n}"
        out.append(",".join([*cells[:3], '"' + address + '"', *cells[4:]]))
    return ("\n".join(out) + "\n").encode()


def _xlsx(data: bytes) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in data.decode().strip("\n").split("\n"):
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("shape", ["quoted cells, many pieces", "xlsx"])
def test_a_file_set_aside_as_text_or_as_rows_gives_the_staged_import(tree, monkeypatch, shape):
    """A CSV is set aside as the text of its records (a piece whose record spans lines is
    parsed instead), an XLSX's rows as records made from them: either way the same rows, levels
    and counters as the staged import of the same file, and the file's row numbers."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.lib import tabular
    from cdtt.registry import first_load

    monkeypatch.setattr(first_load, "SPILL_MIN_ROWS", 0)
    monkeypatch.setattr(first_load, "SPILL_GROUP_ROWS", 1)
    monkeypatch.setattr(first_load, "SPILL_BATCH_ROWS", 20)
    data = _file("shuffled", spread=True)
    if shape == "xlsx":
        data = _xlsx(data)
    else:
        data = _quoted(data)
        monkeypatch.setattr(tabular, "FRAME_BYTES", 1500)
    lines, real_lines = [], tabular.CsvText.lines

    def lines_read(text, piece):
        found = real_lines(text, piece)
        lines.append(found is not None)
        return found

    monkeypatch.setattr(tabular.CsvText, "lines", lines_read)
    spills, states = [], []
    real_spill = first_load.Spill
    monkeypatch.setattr(first_load, "Spill", lambda n: spills.append(n) or real_spill(n))
    for staged in (False, True):
        if staged:
            monkeypatch.setattr(first_load, "applies", lambda cur, ids: False)
        with transaction.atomic():
            result = population_import(actor=None, data=data)
            assert result.ok, result.errors
            assert (result.households_created, result.residents_created) == (24, 72)
            assert rollups_check() == []
            addresses = set(Household.objects.values_list("address", flat=True))
            states.append(_state(codes=True))
            transaction.set_rollback(True)
    assert spills == [3]
    assert states[0] == states[1]
    assert len(addresses) == 24
    if shape != "xlsx":  # the cells came whole (a line break made a space, as any cell's)
        assert all(" ngõ " in a for a in addresses)
        assert sorted(set(lines)) == [False, True]  # pieces read as lines, one parsed
