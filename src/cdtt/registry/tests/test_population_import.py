"""The population file (DESIGN.md §6): every bad input of the issue, all or nothing, idempotence."""

import hashlib
import io
import unicodedata

import pytest

from cdtt.geo.models import AdminUnit
from cdtt.registry.imports import TEMPLATE_HEADERS, population_import, population_template_xlsx
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


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


VILLAGES = ["Yên Trung", "Thôn Phú Lộc"]
GOOD = [
    "16000,Thôn Yên Trung,HK01,Số 1,Nguyễn Văn An,05/03/1985,Nam,Chủ hộ,912345678,Thành thạo,Thành thạo,2,2,Thành thạo",
    "16000,Thôn Yên Trung,HK01,Số 1,Lê Thị Bình,1987,Nữ,Vợ,,Cơ bản,1,0,Chưa biết,",
    "16000,Thôn Mới,HK02,,Trần Văn Cường,12/12/1960,,Chủ hộ,+84 987 654 321,,,,,",
]


LEVELS = ["levels_import", *LEVEL_FIELDS.values()]


def errors_of(result):
    return [(e.row, e.column) for e in result.errors]


def test_good_file_imports_and_rolls_up(tree):
    result = population_import(actor=None, data=csv_bytes(*GOOD))
    assert result.ok, result.errors
    assert (result.households_created, result.residents_created, result.villages_created) == (
        2,
        3,
        1,
    )
    assert result.levels_set == 3
    record = PopulationImport.objects.get()
    assert (record.rows, record.households_created, record.residents_created) == (3, 2, 3)
    assert record.checksum == hashlib.sha256(csv_bytes(*GOOD)).hexdigest()
    assert record.skills == [
        "public_services",
        "shopping",
        "payment",
        "safety",
        "local_platform",
    ]
    assert not SkillAssessment.objects.exists()
    an = Resident.objects.get(full_name="Nguyễn Văn An")
    assert an.levels == dict.fromkeys(record.skills, 2) and an.levels_import == record
    binh = Resident.objects.get(full_name="Lê Thị Bình")
    assert list(binh.levels.values()) == [1, 1, 0, 0, 0]
    assert an.phone == "0912345678" and an.proficient and an.household.covered and an.gender == "M"
    assert Resident.objects.get(full_name="Trần Văn Cường").phone == "0987654321"
    new_village = AdminUnit.objects.get(parent=tree.commune, name="Mới")
    assert Household.objects.get(code="HK02").village == new_village
    row = VillageCoverage.objects.get(village=tree.village)
    assert (row.households, row.covered, row.residents, row.proficient, row.p_shopping) == (
        1,
        1,
        2,
        1,
        1,
    )
    assert rollups_check() == []
    assert "Đã nhập" in result.message()


def test_same_file_twice_changes_nothing_and_an_updated_file_updates(tree):
    population_import(actor=None, data=csv_bytes(*GOOD))
    counts = (
        Household.objects.count(),
        Resident.objects.count(),
        SkillAssessment.objects.count(),
        sorted(Resident.objects.values_list("pk", *LEVELS)),
    )
    again = population_import(actor=None, data=csv_bytes(*GOOD))
    assert again.ok
    assert (
        again.households_created,
        again.households_updated,
        again.residents_created,
        again.residents_updated,
        again.levels_set,
        again.villages_created,
    ) == (0, 0, 0, 0, 0, 0)
    assert counts == (
        Household.objects.count(),
        Resident.objects.count(),
        SkillAssessment.objects.count(),
        sorted(Resident.objects.values_list("pk", *LEVELS)),
    )
    updated = [
        GOOD[0].replace("Số 1", "Số 9").replace(",2,2,Thành thạo", ",2,1,Thành thạo"),
        *GOOD[1:],
    ]
    result = population_import(actor=None, data=csv_bytes(*updated))
    assert (result.households_updated, result.residents_updated, result.levels_set) == (1, 0, 1)
    an = Resident.objects.get(full_name="Nguyễn Văn An")
    assert not an.proficient and not an.household.covered and an.household.address == "Số 9"
    assert VillageCoverage.objects.get(village=tree.village).covered == 0
    assert rollups_check() == []


def test_missing_required_column(tree):
    header = HEADER.replace("Mã hộ,", "")
    result = population_import(
        actor=None, data=csv_bytes("16000,Thôn Yên Trung,,An,1990", header=header)
    )
    assert errors_of(result) == [(1, "Mã hộ")]
    assert "Thiếu cột" in result.errors[0].reason
    assert not Household.objects.exists()


def test_headers_match_ignoring_case_diacritics_spaces_underscores(tree):
    header = "ma_xa,THON,Ma Ho,ho va ten,NGAY_SINH"
    result = population_import(
        actor=None, data=csv_bytes("16000,Thôn Yên Trung,HK01,An,1990", header=header)
    )
    assert result.ok and Resident.objects.count() == 1


def test_unknown_commune_and_commune_out_of_scope_read_alike(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    data = csv_bytes(
        "99999,Thôn Yên Trung,HK01,,An,1990,,,,,,,,", "16001,Thôn Đông,HK01,,Bình,1990,,,,,,,,"
    )
    result = population_import(actor=officer, data=data)
    assert errors_of(result) == [(2, "Mã xã"), (3, "Mã xã")]
    assert result.errors[0].reason.replace("99999", "X") == result.errors[1].reason.replace(
        "16001", "X"
    )
    assert not Household.objects.exists()


def test_household_code_reused_with_another_village(tree):
    data = csv_bytes(
        "16000,Thôn Yên Trung,HK01,,An,1990,,,,,,,,", "16000,Phú Lộc,HK01,,Bình,1991,,,,,,,,"
    )
    result = population_import(actor=None, data=data)
    assert errors_of(result) == [(3, "Mã hộ")]
    assert "dòng 2" in result.errors[0].reason
    population_import(actor=None, data=csv_bytes("16000,Thôn Yên Trung,HK01,,An,1990,,,,,,,,"))
    result = population_import(actor=None, data=csv_bytes("16000,Phú Lộc,HK01,,Bình,1991,,,,,,,,"))
    assert errors_of(result) == [(2, "Mã hộ")]
    assert Resident.objects.count() == 1


@pytest.mark.parametrize("birth", ["31/02/1990", "1890", "2030", "12/13/1990", "abc", "01/01/90"])
def test_impossible_birth_dates(tree, birth):
    result = population_import(
        actor=None, data=csv_bytes(f"16000,Thôn Yên Trung,HK01,,An,{birth},,,,,,,,")
    )
    assert errors_of(result) == [(2, "Ngày sinh")]
    assert not Resident.objects.exists()


def test_nfd_text_matches_nfc_names(tree):
    row = unicodedata.normalize("NFD", "16000,Thôn Yên Trung,HK01,,Nguyễn Thị Hoà,1990,Nữ,,,,,,,")
    result = population_import(actor=None, data=csv_bytes(row))
    assert result.ok, result.errors
    resident = Resident.objects.get()
    assert resident.village == tree.village  # no new "Thôn Yên Trung" created
    assert resident.full_name == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    again = population_import(actor=None, data=csv_bytes(unicodedata.normalize("NFC", row)))
    assert again.residents_created == 0 and Resident.objects.count() == 1


def test_phone_numbers_keep_or_regain_their_leading_zero(tree):
    rows = [
        "16000,Thôn Yên Trung,HK01,,An,1990,,,912345678,,,,,",
        "16000,Thôn Yên Trung,HK01,,Bình,1991,,,0387654321,,,,,",
        "16000,Thôn Yên Trung,HK01,,Chi,1992,,,84 912 000 111,,,,,",
        "16000,Thôn Yên Trung,HK01,,Dũng,1993,,,12345,,,,,",
    ]
    result = population_import(actor=None, data=csv_bytes(*rows))
    assert errors_of(result) == [(5, "Số điện thoại")]
    result = population_import(actor=None, data=csv_bytes(*rows[:3]))
    assert sorted(Resident.objects.values_list("phone", flat=True)) == [
        "0387654321",
        "0912000111",
        "0912345678",
    ]


def test_blank_rows_are_ignored(tree):
    data = csv_bytes(GOOD[0], "", ",,,,,,,,,,,,,", "   ", GOOD[1])
    result = population_import(actor=None, data=data)
    assert result.ok, result.errors
    assert Resident.objects.count() == 2


def test_bad_values_are_reported_per_column(tree):
    data = csv_bytes("16000,,HK01,,,1990,Trai,,,Giỏi,,,,")
    result = population_import(actor=None, data=data)
    assert set(errors_of(result)) == {
        (2, "Thôn"),
        (2, "Họ và tên"),
        (2, "Giới tính"),
        (2, "Dịch vụ công trực tuyến"),
    }


def test_duplicate_resident_in_file(tree):
    result = population_import(actor=None, data=csv_bytes(GOOD[0], GOOD[0]))
    assert errors_of(result) == [(3, "Họ và tên")]


def test_skip_invalid_imports_the_good_rows(tree):
    data = csv_bytes(GOOD[0], "16000,Thôn Yên Trung,HK01,,Bình,31/02/1990,,,,,,,,", GOOD[2])
    result = population_import(actor=None, data=data, skip_invalid=True)
    assert errors_of(result) == [(3, "Ngày sinh")]
    assert Resident.objects.count() == 2
    assert rollups_check() == []


def test_dry_run_writes_nothing_but_counts(tree):
    result = population_import(actor=None, data=csv_bytes(*GOOD), dry_run=True)
    assert result.ok and result.residents_created == 3 and result.households_created == 2
    assert not Resident.objects.exists() and not AdminUnit.objects.filter(name="Mới").exists()
    assert not VillageCoverage.objects.exists()


def test_large_file_with_one_bad_row_at_the_end_writes_nothing(tree, tmp_path):
    path = tmp_path / "big.csv"
    n = 30_000
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for i in range(n):
            f.write(
                f"16000,{VILLAGES[(i // 4) % 2]},HK{i // 4:05d},Số {i},Nguyễn Văn Thành {i},01/01/1980,Nam,Con,"
                f"0912{i:06d},2,1,2,0,1\n"
            )
        f.write("16000,Thôn Yên Trung,HK99999,,Sai Ngày,31/02/1990,,,,,,,,\n")
    seen = []
    result = population_import(
        actor=None, path=str(path), progress=lambda d, t: seen.append((d, t))
    )
    assert errors_of(result) == [(n + 2, "Ngày sinh")]
    assert not Household.objects.exists() and not Resident.objects.exists()
    assert seen and seen[-1][0] == n + 1
    assert path.stat().st_size > 2_000_000


def test_xlsx_file_and_template(tree):
    from openpyxl import Workbook

    template = population_template_xlsx()
    result = population_import(actor=None, data=template)
    assert result.ok, result.errors  # the example row's commune 16000 exists in the test tree
    wb = Workbook()
    ws = wb.active
    ws.append(TEMPLATE_HEADERS)
    ws.append(
        [
            16000,
            "Phú Lộc",
            "HK05",
            "",
            "Phạm Văn Đức",
            "02/02/1970",
            "Nam",
            "",
            912345678,
            2,
            2,
            2,
            2,
            2,
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    seen = []
    result = population_import(
        actor=None, data=buf.getvalue(), progress=lambda done, total: seen.append((done, total))
    )
    assert result.ok, result.errors
    assert seen and seen[0][1] == 2  # the sheet's size, header included: a real progress bar
    r = Resident.objects.get(full_name="Phạm Văn Đức")
    assert r.phone == "0912345678" and r.proficient


def test_xlsx_that_is_really_a_csv(tree, tmp_path):
    path = tmp_path / "population.xlsx"
    path.write_bytes(csv_bytes(GOOD[0]))
    result = population_import(actor=None, path=str(path))
    assert result.ok and Resident.objects.count() == 1


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04garbage-that-is-not-a-zip" * 10,
        b"\xff\xfe\x00\x00binary\x00\x00",
        "Mã xã,Thôn\n16000,Thôn Yên Trung\n".encode("utf-16"),
        b"",
    ],
)
def test_corrupt_file_gives_a_clear_error(tree, tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    for kwargs in ({"path": str(path)}, {"data": content}):
        result = population_import(actor=None, **kwargs)
        assert not result.ok and result.errors[0].reason
        assert not Household.objects.exists()


def test_new_villages_are_numbered_after_their_commune_s_last_one(tree):
    existing = set(
        AdminUnit.objects.filter(parent=tree.commune, level="village").values_list(
            "code", flat=True
        )
    )
    last = max(int(c.rsplit("-", 1)[1]) for c in existing if c.rsplit("-", 1)[-1].isdigit())
    rows = [
        "16000,Thôn Mới,HK11,,Trần Văn Một,1960,,,,,,,,",
        "16000,Xóm Đồi,HK12,,Trần Văn Hai,1961,,,,,,,,",
        "16000,thôn mới,HK13,,Trần Văn Ba,1962,,,,,,,,",  # the same village, another spelling
    ]
    result = population_import(actor=None, data=csv_bytes(*rows))
    assert result.ok and result.villages_created == 2, result.errors
    made = AdminUnit.objects.filter(parent=tree.commune).exclude(code__in=existing)
    # Numbered by name (folded), not by the rows' order: any order of the file gives the same.
    assert sorted((v.code, v.unit_type, v.name) for v in made) == [
        (f"16000-{last + 1:03d}", "Xóm", "Đồi"),
        (f"16000-{last + 2:03d}", "Thôn", "Mới"),
    ]
    assert Household.objects.get(code="HK13").village.name == "Mới"
