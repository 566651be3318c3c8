"""The population import's set-based paths: ids drawn before writing, new and existing rows in
one file, level 0 for the never assessed, COPY text escaping and the per-row cleaning shortcut."""

import hashlib
import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction

from cdtt.geo.models import AdminUnit, Level
from cdtt.registry import rollups
from cdtt.registry.imports import population_import
from cdtt.registry.models import (
    LEVEL_FIELDS,
    Household,
    PopulationImport,
    Resident,
    VillageCoverage,
)
from cdtt.registry.rollups import rollups_check
from cdtt.skills.models import SkillAssessment

HEADER = (
    "Mã xã,Thôn,Mã hộ,Địa chỉ,Họ và tên,Ngày sinh,Giới tính,Quan hệ với chủ hộ,Số điện thoại,"
    "Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,"
    "Nền tảng số khác"
)
ALL2 = "2,2,2,2,2"
ALL0 = "0,0,0,0,0"


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def orphans() -> list[tuple[str, int]]:
    """Rows whose ids point nowhere (the tables keep no database foreign keys)."""
    checks = {
        "resident.household": """SELECT COUNT(*) FROM registry_resident r
            LEFT JOIN registry_household h ON h.id = r.household_id WHERE h.id IS NULL""",
        "resident.village": """SELECT COUNT(*) FROM registry_resident r
            JOIN registry_household h ON h.id = r.household_id
            WHERE r.village_id <> h.village_id OR r.commune_id <> h.commune_id""",
        "household.units": """SELECT COUNT(*) FROM registry_household h
            LEFT JOIN geo_adminunit v ON v.id = h.village_id
            WHERE v.id IS NULL OR v.commune_id <> h.commune_id""",
        "assessment.resident": """SELECT COUNT(*) FROM skills_skillassessment a
            LEFT JOIN registry_resident r ON r.id = a.resident_id WHERE r.id IS NULL""",
        "resident.levels_import": """SELECT COUNT(*) FROM registry_resident r
            LEFT JOIN registry_populationimport i ON i.id = r.levels_import_id
            WHERE r.levels_import_id IS NOT NULL AND i.id IS NULL""",
    }
    found = []
    with connection.cursor() as cur:
        for name, sql in checks.items():
            cur.execute(sql)
            (n,) = cur.fetchone()
            if n:
                found.append((name, n))
    return found


def test_new_and_existing_rows_in_one_file_keep_rollups_exact(tree):
    first = population_import(
        actor=None,
        data=csv_bytes(
            f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,,{ALL2}",
            "16000,Thôn Yên Trung,HK01,Số 1,Lê Thị Bình,1987,Nữ,Vợ,,1,1,1,1,1",
        ),
    )
    assert first.ok, first.errors
    assert first.levels_set == 2
    second = population_import(
        actor=None,
        data=csv_bytes(
            # existing: An drops to 0 in one skill, Bình unchanged
            "16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,,0,2,2,2,2",
            "16000,Thôn Yên Trung,HK01,Số 1,Lê Thị Bình,1987,Nữ,Vợ,,1,1,1,1,1",
            # a new resident of an existing household, proficient: the household stays covered
            f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn Con,01/01/2005,Nam,Con,,{ALL2}",
            # a new household in the same village, never assessed: levels 0, no assessment
            f"16000,Thôn Yên Trung,HK02,,Trần Thị Dung,1950,Nữ,Chủ hộ,,{ALL0}",
            # a new household in a new village, covered
            f"16000,Thôn Mới,HK03,,Phạm Văn Em,1990,Nam,Chủ hộ,,{ALL2}",
        ),
    )
    assert second.ok, second.errors
    assert (second.households_created, second.residents_created) == (2, 3)
    assert second.levels_set == 1 + 3  # An, and the three new residents
    assert rollups_check() == []
    assert orphans() == []
    dung = Resident.objects.get(full_name="Trần Thị Dung")
    assert set(dung.levels.values()) == {0}
    assert not SkillAssessment.objects.exists()  # a file's levels are stated by its record
    an = Resident.objects.get(full_name="Nguyễn Văn An")
    assert not an.proficient
    assert an.level_public_services == 0 and an.level_shopping == 2
    latest = PopulationImport.objects.first()
    assert an.levels_import == dung.levels_import == latest
    assert Resident.objects.get(full_name="Lê Thị Bình").levels_import != latest  # unchanged
    assert Household.objects.get(code="HK01").covered
    assert Household.objects.get(code="HK03").covered
    assert not Household.objects.get(code="HK02").covered
    village = VillageCoverage.objects.get(village=tree.village)
    assert (village.households, village.covered, village.residents) == (2, 1, 4)
    again = population_import(
        actor=None,
        data=csv_bytes(
            "16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,,0,2,2,2,2",
            f"16000,Thôn Yên Trung,HK02,,Trần Thị Dung,1950,Nữ,Chủ hộ,,{ALL0}",
        ),
    )
    assert (again.households_created, again.residents_created, again.levels_set) == (0, 0, 0)
    assert (again.households_updated, again.residents_updated) == (0, 0)
    assert rollups_check() == []


def test_backslashes_and_messy_whitespace_in_a_streamed_file(tree, tmp_path):
    path = tmp_path / "population.csv"
    rows = [
        "16000,Thôn Yên Trung,HK\\01,Số 1\\2,Nguyễn Văn\\An,1985,Nam,Chủ hộ,,,,,,",
        "16000,  Thôn   Yên Trung ,HK02,\tSố\u00a02 ,Lê  Thị\tBình ,1987,Nữ,Vợ,,,,,,",
        "16000,Thôn Yên Trung,HK03,,Nguye\u0302\u0303n Văn Cường,1960,Nam,Chủ hộ,,,,,,",
        "16000,Thôn Yên Trung,HK04,\\N,Trần Văn Dũng,1970,Nam,\\N,,,,,,",  # COPY's NULL mark
    ]
    path.write_bytes(csv_bytes(*rows))
    result = population_import(actor=None, path=str(path))
    assert result.ok, result.errors
    record = PopulationImport.objects.get()
    assert record.checksum == hashlib.sha256(csv_bytes(*rows)).hexdigest()
    assert record.file_name == "population.csv"
    assert Household.objects.get(code="HK\\01").address == "Số 1\\2"
    assert Resident.objects.filter(full_name="Nguyễn Văn\\An").exists()
    binh = Resident.objects.get(full_name="Lê Thị Bình")
    assert binh.household.address == "Số 2"
    assert binh.village_id == tree.village.pk
    assert Resident.objects.filter(full_name="Nguyễn Văn Cường").exists()
    dung = Resident.objects.get(full_name="Trần Văn Dũng")
    assert (dung.household.address, dung.relation, dung.phone) == ("\\N", "\\N", "")
    assert Household.objects.get(code="HK03").address == ""
    assert orphans() == []


def _index_definitions() -> list[tuple[str, str]]:
    with connection.cursor() as cur:
        cur.execute(
            """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
               WHERE indrelid IN ('registry_household'::regclass, 'registry_resident'::regclass)
               ORDER BY 1"""
        )
        return cur.fetchall()


def test_a_bulk_load_into_empty_tables_builds_the_same_indexes_again(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("the index rebuild of large loads is PostgreSQL's")
    from cdtt.registry import population_sql, search_index

    monkeypatch.setattr(population_sql, "BULK_MIN_ROWS", 2)
    before = _index_definitions()
    assert set(search_index.INDEXES) <= {name for name, _d in before}
    with django_capture_on_commit_callbacks() as later:
        result = population_import(
            actor=None,
            data=csv_bytes(
                f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,,{ALL2}",
                "16000,Thôn Yên Trung,HK01,Số 1,Lê Thị Bình,1987,Nữ,Vợ,,1,1,1,1,1",
                f"16000,Thôn Yên Trung,HK02,,Trần Thị Dung,1950,Nữ,Chủ hộ,,{ALL0}",
            ),
        )
    assert result.ok, result.errors
    assert (result.households_created, result.residents_created) == (2, 3)
    # The search indexes are left to a job after the commit (a job for each table loaded so,
    # which then vacuums it); the others are back.
    assert [c.args for c in later] == [("registry_resident",)]
    assert {c.func for c in later} == {population_sql.after_load_later}
    left = {name for name, _d in _index_definitions()}
    missing = [name for name in search_index.INDEXES if name not in left]
    assert "resident_name_words" in missing
    assert _index_definitions() == [(n, d) for n, d in before if n not in missing]
    assert search_index.search_index_ensure(concurrently=False) == missing
    assert _index_definitions() == before
    assert rollups_check() == [] and orphans() == []
    # The unique constraints are back and enforced.
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(
            **{
                f: getattr(Resident.objects.get(full_name="Lê Thị Bình"), f)
                for f in [
                    "household_id",
                    "village_id",
                    "commune_id",
                    "district_id",
                    "province_id",
                    "full_name",
                    "name_key",
                    "birth_year",
                    "birth_key",
                ]
            }
        )
    # A second, smaller load into tables that hold more rows keeps their indexes: same result.
    again = population_import(
        actor=None,
        data=csv_bytes(f"16000,Thôn Yên Trung,HK03,,Phạm Văn Em,1990,Nam,Chủ hộ,,{ALL2}"),
    )
    assert again.ok and again.households_created == 1
    assert _index_definitions() == before


def test_a_bulk_load_that_fails_leaves_tables_and_indexes_as_they_were(tree, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the index rebuild of large loads is PostgreSQL's")
    from cdtt.registry import imports, population_sql

    monkeypatch.setattr(population_sql, "BULK_MIN_ROWS", 2)
    before = _index_definitions()

    def crash(*args, **kwargs):
        raise RuntimeError("the server went away")

    monkeypatch.setattr(imports, "record_counts", crash)  # after the load, in either path
    with pytest.raises(RuntimeError):
        population_import(
            actor=None,
            data=csv_bytes(
                f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,,{ALL2}",
                "16000,Thôn Yên Trung,HK01,Số 1,Lê Thị Bình,1987,Nữ,Vợ,,1,1,1,1,1",
            ),
        )
    assert _index_definitions() == before
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_a_household_created_by_someone_else_during_the_import_is_a_clear_report(tree, monkeypatch):
    """Between the import's reading of the database and its writing, another user adds a
    household with a code the file brings: nothing is written, the report says why. (The
    commune holds a household already, so the staged import runs, not the first load.)"""
    from cdtt.registry import population_sql

    population_import(
        actor=None, data=csv_bytes(f"16000,Thôn Yên Trung,HK09,,Lê Văn Chín,1970,Nam,,,{ALL0}")
    )
    checks = population_sql.file_checks

    def meanwhile(*args, **kwargs):
        Household.objects.create(
            code="HK01",
            village=tree.village,
            commune=tree.commune,
            district=tree.district,
            province=tree.province,
        )
        return checks(*args, **kwargs)

    monkeypatch.setattr(population_sql, "file_checks", meanwhile)
    for skip_invalid in (False, True):
        result = population_import(
            actor=None,
            skip_invalid=skip_invalid,
            data=csv_bytes(
                f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,,{ALL2}",
                f"16000,Thôn Yên Trung,HK02,,Trần Thị Dung,1950,Nữ,Chủ hộ,,{ALL0}",
            ),
        )
        assert not result.ok and not result.written
        assert (result.rows_imported, result.households_created) == (0, 0)
        assert "người khác vừa thêm hộ" in result.errors[0].reason
        assert list(Household.objects.values_list("code", flat=True)) == ["HK09"]
        assert Resident.objects.count() == 1


def _state() -> list:
    """Every row the import writes, without ids and times, in a stable order."""
    households = sorted(
        Household.objects.values_list("code", "address", "covered", "village__name", "commune_id")
    )
    residents = sorted(
        Resident.objects.values_list(
            "household__code",
            "full_name",
            "name_key",
            "birth_date",
            "birth_year",
            "birth_key",
            "gender",
            "relation",
            "phone",
            "status",
            "proficient",
            "village__name",
            "commune_id",
            "district_id",
            "province_id",
            *LEVEL_FIELDS.values(),
        )
    )
    villages = sorted(VillageCoverage.objects.values_list("village__name", *rollups.COUNTERS))
    units = sorted(
        AdminUnit.objects.filter(level=Level.VILLAGE).values_list(
            *[f.attname for f in AdminUnit._meta.concrete_fields if not f.primary_key]
        )
    )
    return [households, residents, villages, units]


FIRST_FILE = [
    f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,0912345678,{ALL2}",
    "16000,Thôn Yên Trung,HK02,Số 2,Lê Thị Bình,1987,Nữ,Chủ hộ,,1,2,,0,Thành thạo",
    f"16000,Thôn Mới,HK03,,Phạm Văn Em,1990,Nam,Chủ hộ,,{ALL0}",
    f"16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Thị Con,2010,Nữ,Con,,{ALL0}",
    f"16000,Thôn Mới,HK03,,Phạm Thị Gái,1992,Nữ,Vợ,,{ALL2}",
]


# FIRST_FILE with each household's rows one after another.
FIRST_FILE_BY_HOUSEHOLD = [FIRST_FILE[i] for i in (0, 3, 1, 2, 4)]


@pytest.mark.parametrize("rows", [FIRST_FILE, FIRST_FILE_BY_HOUSEHOLD], ids=["mixed", "grouped"])
@pytest.mark.parametrize("bulk,batch_bytes", [(False, None), (True, None), (False, 40)])
def test_the_first_load_writes_what_the_staged_import_writes(
    tree, monkeypatch, bulk, batch_bytes, rows
):
    """Empty communes take the first-load path on PostgreSQL: its rows, flags and counters are
    those of the staged import of the same file (with and without the index rebuild; in one
    batch or a row a batch, where households and communes come back in later batches; with a
    household's rows apart or together)."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load copies straight into PostgreSQL's tables")
    from cdtt.lib import tabular
    from cdtt.registry import first_load, population_sql

    if bulk:  # the households too (a load of five residents expects one)
        monkeypatch.setattr(population_sql, "BULK_MIN_ROWS", 1)
    if batch_bytes:
        monkeypatch.setattr(tabular, "FRAME_BYTES", batch_bytes)
    taken = []  # first loads that went through (none gave up for the staged import)
    real = first_load.load

    def load(*args, **kwargs):
        loaded = real(*args, **kwargs)
        taken.append(1)
        return loaded

    monkeypatch.setattr(first_load, "load", load)
    lent = []  # the defaults each first load lent to the residents' and households' columns
    real_defaults = first_load._column_defaults

    def column_defaults(cur, table, values):
        lent.append(dict(values))
        return real_defaults(cur, table, values)

    monkeypatch.setattr(first_load, "_column_defaults", column_defaults)
    sid = transaction.savepoint()
    first = population_import(actor=None, data=csv_bytes(*rows))
    assert first.ok and taken, first.errors
    assert rollups_check() == []
    # The levels name the import that set them; the defaults a rebuild lends to the columns
    # the whole load shares are the table's own again.
    record = PopulationImport.objects.latest("pk")
    assert set(Resident.objects.values_list("levels_import_id", flat=True)) == {record.pk}
    province = AdminUnit.objects.get(level=Level.PROVINCE).pk
    shared = {"status": "current", "levels_import_id": record.pk, "province_id": province}
    assert lent == ([shared, {"province_id": province}] if bulk else [{}, {}])
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid "
            "AND a.attnum = d.adnum WHERE (d.adrelid = 'registry_resident'::regclass "
            "AND a.attname IN ('status', 'levels_import_id', 'province_id')) OR "
            "(d.adrelid = 'registry_household'::regclass AND a.attname = 'province_id')"
        )
        assert cur.fetchone()[0] == 0
    loaded = _state()
    transaction.savepoint_rollback(sid)
    monkeypatch.setattr(first_load, "applies", lambda cur, ids: False)
    staged = population_import(actor=None, data=csv_bytes(*rows))
    assert staged.ok and len(taken) == 1
    assert _state() == loaded
    assert (
        (first.households_created, first.residents_created, first.villages_created)
        == (
            staged.households_created,
            staged.residents_created,
            staged.villages_created,
        )
        == (3, 5, 1)
    )
    assert first.levels_set == staged.levels_set == 5
    assert first.message() == staged.message()


def test_a_first_load_with_something_to_report_reports_it_all(tree):
    """A bad row, a household in two villages and a resident listed twice: the first load gives
    up and the staged import reports every one; nothing is written."""
    rows = [
        *FIRST_FILE,
        f"16000,Thôn Mới,HK01,,Nguyễn Văn Khác,1991,Nam,,,{ALL0}",  # HK01 is in Yên Trung
        f"16000,Thôn Yên Trung,HK02,Số 2,Lê Thị Bình,1987,Nữ,Chủ hộ,,{ALL0}",  # twice
        f"16000,Thôn Yên Trung,HK04,,Vũ Văn Hỏng,31/02/1990,Nam,,,{ALL0}",
    ]
    result = population_import(actor=None, data=csv_bytes(*rows))
    assert sorted((e.row, e.column) for e in result.errors) == [
        (7, "Mã hộ"),
        (8, "Họ và tên"),
        (9, "Ngày sinh"),
    ]
    assert not Household.objects.exists() and not Resident.objects.exists()
    assert not PopulationImport.objects.exists()


@pytest.mark.parametrize("bulk", [False, True])
def test_a_resident_twice_found_by_the_first_load_s_copy_is_reported(tree, monkeypatch, bulk):
    """Only the residents' unique key sees a resident listed twice during a first load: at the
    copy (indexes kept) or at the rebuild (bulk load). Either way the staged import reports it
    and nothing is written."""
    from cdtt.registry import population_sql

    if bulk:
        monkeypatch.setattr(population_sql, "BULK_MIN_ROWS", 2)
    rows = [*FIRST_FILE, "16000,Thôn Mới,HK03,,Phạm Văn Em,1990,Nam,Chủ hộ,,0,0,0,0,0"]
    result = population_import(actor=None, data=csv_bytes(*rows))
    assert [(e.row, e.column) for e in result.errors] == [(7, "Họ và tên")]
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_ids_are_drawn_as_blocks_no_other_session_gets(tree):
    """Ids are drawn a block at a time, in the sequence's own steps; the sequence's increment
    is back to its own afterwards, and numbers drawn meanwhile by another session never fall
    inside a block."""
    if connection.vendor != "postgresql":
        pytest.skip("the first load draws ids from PostgreSQL sequences")
    from cdtt.registry.first_load import _Ids

    with connection.cursor() as cur:
        ids = _Ids(cur, ["registry_household"])
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = True
    try:
        with ids.numbers.cursor() as side:
            side.execute("CREATE SEQUENCE test_gappy INCREMENT BY 3")
        ids.sequences["registry_household"] = ("test_gappy", 3)
        # A sequence never used: its start (1) counts as drawn.
        assert ids.draw("registry_household", 4).to_list() == [4, 7, 10, 13]
        assert ids.draw("registry_household", 0).to_list() == []
        assert other.execute("SELECT nextval('test_gappy')").fetchone()[0] == 16
        assert ids.draw("registry_household", 2).to_list() == [19, 22]

        singles: list[int] = []

        def one_by_one():
            for _ in range(300):
                singles.append(other.execute("SELECT nextval('test_gappy')").fetchone()[0])

        worker = threading.Thread(target=one_by_one)
        worker.start()
        blocks = [ids.draw("registry_household", 25).to_list() for _ in range(30)]
        worker.join()
        drawn = [n for block in blocks for n in block] + singles
        assert len(drawn) == len(set(drawn)) == 30 * 25 + 300
        assert all(b == list(range(b[0], b[0] + 75, 3)) for b in blocks)

        # A session in a transaction that has used the sequence holds the block back: the
        # numbers are drawn one by one then.
        with other.transaction():
            held = other.execute("SELECT nextval('test_gappy')").fetchone()[0]
            late = ids.draw("registry_household", 3).to_list()
        assert late == [held + 3, held + 6, held + 9]

        # A role that may use the sequence but not alter it draws one by one.
        with ids.numbers.cursor() as side:
            side.execute("DROP ROLE IF EXISTS cdtt_test_user_only")
            side.execute("CREATE ROLE cdtt_test_user_only")
            side.execute("GRANT USAGE ON SEQUENCE test_gappy TO cdtt_test_user_only")
            side.execute("SET ROLE cdtt_test_user_only")
        try:
            held = other.execute("SELECT nextval('test_gappy')").fetchone()[0]
            assert ids.draw("registry_household", 2).to_list() == [held + 3, held + 6]
        finally:
            with ids.numbers.cursor() as side:
                side.execute("RESET ROLE")
                side.execute("DROP OWNED BY cdtt_test_user_only")
                side.execute("DROP ROLE cdtt_test_user_only")

        # Drawing ahead: one block serves the next draws.
        ids.ahead["registry_household"] = 10
        first = ids.draw("registry_household", 2).to_list()
        beyond = other.execute("SELECT nextval('test_gappy')").fetchone()[0]
        assert beyond == first[0] + 12 * 3
        assert ids.draw("registry_household", 10).to_list() == list(range(first[1] + 3, beyond, 3))
        # The block used up, the next draw takes a new one, past the other session's number.
        assert ids.draw("registry_household", 1).to_list() == [beyond + 3]
    finally:
        with ids.numbers.cursor() as side:
            side.execute("DROP SEQUENCE test_gappy")
        ids.close()
        other.close()


def test_statistics_after_a_committed_import_cover_every_table(db):
    """Once the import has committed (no transaction open) the residents are analysed on a
    connection of their own, beside the other tables: each is analysed once, and no connection
    is left open. (The test's own transaction is hidden from the import for that.)"""
    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's")
    from cdtt.registry.imports import _IMPORTED_TABLES, _statistics_refresh

    def analysed() -> dict[str, int]:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_stat_clear_snapshot()")
            cur.execute(
                "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                [_IMPORTED_TABLES],
            )
            return dict(cur.fetchall())

    def backends() -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_stat_clear_snapshot()")  # the view is kept per transaction
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            return cur.fetchone()[0]

    before, open_before = analysed(), backends()
    connection.in_atomic_block = False
    try:
        _statistics_refresh()
    finally:
        connection.in_atomic_block = True
    after = analysed()
    assert {t: after[t] - before.get(t, 0) for t in _IMPORTED_TABLES} == dict.fromkeys(
        _IMPORTED_TABLES, 1
    )
    for _ in range(50):  # a closed connection's server process ends a moment later
        if backends() <= open_before:
            break
        time.sleep(0.1)
    assert backends() == open_before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_job_after_a_large_load_vacuums_the_table(tree):
    """The job a large load starts after its commit builds the search indexes and vacuums the
    table: its pages are marked all-visible at once, not by the first visits that read them.
    Inside a transaction nothing is vacuumed (VACUUM cannot run there)."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    from cdtt.registry import population_sql, tasks

    population_import(
        actor=None, data=csv_bytes(f"16000,Thôn Yên Trung,HK01,,Nguyễn Văn An,1985,Nam,,,{ALL2}")
    )

    def all_visible() -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT relallvisible FROM pg_class WHERE relname = 'registry_resident'")
            return cur.fetchone()[0]

    assert all_visible() == 0
    with transaction.atomic():
        assert population_sql.loaded_vacuum("registry_resident") is False
    tasks.after_load_job.call_local("registry_resident")
    assert all_visible() > 0
