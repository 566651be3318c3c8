"""Registry writes keep the village counters exact, in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cdtt.registry.assessments import assessment_record
from cdtt.registry.models import Resident, VillageCoverage
from cdtt.registry.rollups import rollups_check, rollups_rebuild
from cdtt.registry.selectors import coverage_children, coverage_of
from cdtt.registry.services import (
    household_create,
    household_update,
    resident_create,
    resident_set_status,
    resident_update,
    target_set,
)
from cdtt.skills.models import SKILL_CODES


def make_proficient(resident, codes=SKILL_CODES):
    for code in codes:
        assessment_record(
            actor=None, resident=resident, skill_code=code, level=2, method="home_visit"
        )


def counters(village):
    row = VillageCoverage.objects.filter(village=village).first()
    return (row.households, row.covered, row.residents, row.proficient) if row else (0, 0, 0, 0)


def test_what_an_assessment_leaves_to_write_is_one_statement_on_postgresql(tree):
    """The resident's flag, the household's covered flag and the village's counters after the
    levels: one statement on PostgreSQL (one each elsewhere), and exact."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hh = household_create(actor=None, village=tree.village, code="HK02")
    a = resident_create(
        actor=None, household=hh, full_name="Trần Văn Cường", birth_date=None, birth_year=1980
    )
    make_proficient(a, SKILL_CODES[:4])
    with CaptureQueriesContext(connection) as queries:
        make_proficient(a, SKILL_CODES[4:])
    hh.refresh_from_db()
    a.refresh_from_db()
    assert a.proficient and hh.covered
    assert counters(tree.village) == (1, 1, 1, 1)
    assert rollups_check() == []
    after = [
        q["sql"]
        for q in queries.captured_queries
        if "registry_villagecoverage" in q["sql"]
        or "SET proficient" in q["sql"]
        or '"proficient" =' in q["sql"]
        or "SET covered" in q["sql"]
        or '"covered" =' in q["sql"]
    ]
    assert len(after) == (1 if connection.vendor == "postgresql" else 3), after


def test_an_assessment_reads_the_household_with_its_own_write_on_postgresql(tree):
    """The household's residents before and after the levels are read by the statement that
    writes the assessments and the levels on PostgreSQL (no read of its own: two an assessment
    elsewhere),
    and the counters they give are exact, a resident who left the household included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cdtt.registry.models import ResidentStatus

    hh = household_create(actor=None, village=tree.village, code="HK03")
    a = resident_create(
        actor=None, household=hh, full_name="Phạm Thị Dung", birth_date=None, birth_year=1985
    )
    b = resident_create(
        actor=None, household=hh, full_name="Phạm Văn Em", birth_date=None, birth_year=1987
    )
    make_proficient(b, SKILL_CODES)
    Resident.objects.filter(pk=b.pk).update(status=ResidentStatus.MOVED_OUT)
    rollups_rebuild()
    assert counters(tree.village) == (1, 0, 1, 0)
    with CaptureQueriesContext(connection) as queries:
        make_proficient(a, SKILL_CODES)
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and "registry_resident" in q["sql"]
    ]
    assert len(reads) == (0 if connection.vendor == "postgresql" else 2 * len(SKILL_CODES)), reads
    hh.refresh_from_db()
    assert hh.covered
    assert counters(tree.village) == (1, 1, 1, 1)
    assert rollups_check() == []


def test_household_becomes_covered_when_a_resident_masters_all_five(tree):
    hh = household_create(actor=None, village=tree.village, code="HK01")
    a = resident_create(
        actor=None,
        household=hh,
        full_name="Nguyễn Văn An",
        birth_date=dt.date(1990, 5, 1),
        birth_year=None,
        phone="912345678",
    )
    assert a.phone == "0912345678"
    resident_create(
        actor=None, household=hh, full_name="Lê Thị Bình", birth_date=None, birth_year=1992
    )
    assert counters(tree.village) == (1, 0, 2, 0)
    make_proficient(a, SKILL_CODES[:4])
    hh.refresh_from_db()
    assert not hh.covered
    make_proficient(a, SKILL_CODES[4:])
    hh.refresh_from_db()
    a.refresh_from_db()
    assert a.proficient and hh.covered
    assert counters(tree.village) == (1, 1, 2, 1)
    assert coverage_of(tree.province).covered == 1
    assert rollups_check() == []


def test_an_older_assessment_does_not_override_the_latest(tree):
    hh = household_create(actor=None, village=tree.village, code="HK01")
    a = resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1990)
    make_proficient(a)
    assessment_record(
        actor=None,
        resident=a,
        skill_code="payment",
        level=0,
        method="self_test",
        assessed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    a.refresh_from_db()
    assert a.proficient
    assert rollups_check() == []


def test_several_residents_and_skills_at_once_each_level_on_its_own(tree):
    """One household's observations of two residents in several skills: each level taken where
    no later assessment of that skill of that resident is stored, the skills not observed left
    as they are; on PostgreSQL by one statement text whatever the residents and skills."""
    from django.db import connection

    from cdtt.registry.assessments import Observation, assessments_record

    hh = household_create(actor=None, village=tree.village, code="HK01")
    a = resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1990)
    b = resident_create(
        actor=None, household=hh, full_name="Bình", birth_date=None, birth_year=1991
    )
    assessment_record(actor=None, resident=a, skill_code="payment", level=1, method="self_test")
    assessment_record(actor=None, resident=b, skill_code="safety", level=2, method="self_test")
    texts = []

    def sent(execute, sql, params, many, context):
        texts.append(sql)
        return execute(sql, params, many, context)

    earlier = timezone.now() - dt.timedelta(days=1)  # synced late: older than the above
    with connection.execute_wrapper(sent):
        assessments_record(
            actor=None,
            observations=[
                Observation(a, "payment", 2),
                Observation(a, "shopping", 2),
                Observation(b, "payment", 1),
                Observation(b, "local_platform", 2),
                Observation(b, "local_platform", 1),  # the last one of a skill counts
            ],
            method="home_visit",
            assessed_at=earlier,
        )
        assessments_record(
            actor=None,
            observations=[Observation(b, "shopping", 2)],
            method="home_visit",
            assessed_at=earlier,
        )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.level_payment, a.level_shopping, a.level_safety) == (1, 2, 0)
    assert (b.level_payment, b.level_local_platform, b.level_safety, b.level_shopping) == (
        1,
        1,
        2,
        2,
    )
    assert rollups_check() == []
    if connection.vendor == "postgresql":  # the levels' statement: one text
        levels = [
            t[t.index("UPDATE registry_resident r") : t.index("RETURNING")]
            for t in texts
            if "UPDATE registry_resident r SET level_" in t
        ]
        assert len(levels) == 2 and levels[0] == levels[1]


HEADER = (
    "Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,"
    "Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác\n"
)


def test_a_file_s_levels_stand_against_assessments_made_before_it(tree):
    """An offline visit synced after an import, but made before it, does not undo the file;
    one made after the import does."""
    from cdtt.registry.imports import population_import

    before = timezone.now() - dt.timedelta(hours=2)
    result = population_import(
        actor=None, data=(HEADER + "16000,Yên Trung,HK01,Nguyễn Văn An,1990,2,2,2,2,2\n").encode()
    )
    assert result.ok, result.errors
    an = Resident.objects.get()
    assessment_record(
        actor=None,
        resident=an,
        skill_code="payment",
        level=0,
        method="home_visit",
        assessed_at=before,
    )
    an.refresh_from_db()
    assert an.level_payment == 2 and an.proficient and an.household.covered
    assert rollups_check() == []
    assessment_record(actor=None, resident=an, skill_code="payment", level=1, method="home_visit")
    an.refresh_from_db()
    assert an.level_payment == 1 and not an.proficient
    assert rollups_check() == []


def test_the_check_finds_a_wrong_level_and_the_rebuild_repairs_it(tree):
    hh = household_create(actor=None, village=tree.village, code="HK01")
    a = resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1990)
    b = resident_create(
        actor=None, household=hh, full_name="Bình", birth_date=None, birth_year=1991
    )
    make_proficient(a)
    Resident.objects.filter(pk=a.pk).update(level_safety=1)  # the latest assessment says 2
    Resident.objects.filter(pk=b.pk).update(level_shopping=2)  # never assessed: 0
    found = {
        (d.what, d.key, d.stored, d.expected) for d in rollups_check() if d.what == "resident.level"
    }
    assert found == {
        ("resident.level", f"resident {a.pk} skill safety", 1, 2),
        ("resident.level", f"resident {b.pk} skill shopping", 2, 0),
    }
    changed = rollups_rebuild()
    assert changed["resident.level"] == 2
    assert rollups_check() == []
    b.refresh_from_db()
    assert b.level_shopping == 0


def test_moved_out_and_deceased_leave_the_counts_and_come_back(tree):
    hh = household_create(actor=None, village=tree.village, code="HK01")
    a = resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1990)
    make_proficient(a)
    assert counters(tree.village) == (1, 1, 1, 1)
    resident_set_status(actor=None, resident=a, status="moved_out")
    assert counters(tree.village) == (0, 0, 0, 0)
    hh.refresh_from_db()
    assert not hh.covered
    resident_set_status(actor=None, resident=a, status="current")
    assert counters(tree.village) == (1, 1, 1, 1)
    resident_set_status(actor=None, resident=a, status="deceased")
    assert counters(tree.village) == (0, 0, 0, 0)
    assert rollups_check() == []


def test_household_moving_village_moves_its_counts(tree):
    hh = household_create(actor=None, village=tree.village, code="HK01")
    a = resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1990)
    make_proficient(a)
    household_update(actor=None, household=hh, village=tree.village2, address="Xóm mới")
    assert counters(tree.village) == (0, 0, 0, 0)
    assert counters(tree.village2) == (1, 1, 1, 1)
    a.refresh_from_db()
    assert a.village_id == tree.village2.pk
    children = dict((u.code, c) for u, c in coverage_children(tree.commune))
    assert children[tree.village2.code].covered == 1 and children[tree.village.code].households == 0
    assert rollups_check() == []


def test_bad_values_are_refused(tree):
    hh = household_create(actor=None, village=tree.village, code="HK01")
    with pytest.raises(ValidationError):
        household_create(actor=None, village=tree.village2, code="HK01")
    with pytest.raises(ValidationError):
        household_create(actor=None, village=tree.commune, code="HK02")
    with pytest.raises(ValidationError):
        resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1890)
    with pytest.raises(ValidationError):
        resident_create(
            actor=None,
            household=hh,
            full_name="An",
            birth_date=None,
            birth_year=1990,
            phone="12345",
        )
    a = resident_create(actor=None, household=hh, full_name="An", birth_date=None, birth_year=1990)
    with pytest.raises(ValidationError):
        resident_create(actor=None, household=hh, full_name="AN", birth_date=None, birth_year=1990)
    resident_update(
        actor=None,
        resident=a,
        full_name="Trần An",
        birth_date=dt.date(1990, 1, 2),
        birth_year=1990,
        gender="M",
        relation="Chủ hộ",
        phone="+84 912 345 678",
    )
    a.refresh_from_db()
    assert a.phone == "0912345678" and a.birth_key == "1990-01-02"
    with pytest.raises(ValidationError):
        target_set(actor=None, unit=tree.province, year=2025, rate=120)
    assert target_set(actor=None, unit=tree.province, year=2025, rate="95.5").rate == 95.5
