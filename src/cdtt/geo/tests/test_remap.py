"""The move of a province to the 2025 map: plan, assignments, the move, figures either way."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from cdtt.figures.catalogue import figures_of
from cdtt.geo import remap as remap_module
from cdtt.geo.models import AdminUnit, Level, Structure, VillageMove
from cdtt.geo.remap import RemapRefused, province_to_move, remap_plan, remap_run, village_assign
from cdtt.geo.services import units_load
from cdtt.registry.imports import population_import
from cdtt.registry.models import Household
from cdtt.registry.rollups import snapshot_take

ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
15271,Thôn Một,A1,Nguyễn Văn An,1985,2,2,2,2,2
15271,Thôn Hai,A2,Lê Thị Bình,1987,1,,,,
15328,Thôn Ba,B1,Trần Văn Cường,1960,2,2,2,2,2
15328,Thôn Bốn,B2,Phạm Văn Dũng,1961,,,,,
15304,Thôn Năm,C1,Hoàng Thị Em,1990,2,2,2,2,2
16609,Thôn Sáu,HK01,Đỗ Văn Phúc,1970,2,2,2,2,2
16627,Thôn Bảy,HK01,Vũ Thị Giang,1975,,,,,
16627,Thôn Bảy,HK02,Vũ Văn Hải,1976,,,,,
"""
CODES = ["households", "covered", "residents", "proficient", "villages"]
BEFORE = dt.date(2025, 6, 1)


@pytest.fixture
def province(db):
    units_load(actor=None, province_code="38", structure="2024")
    result = population_import(actor=None, data=ROWS.encode())
    assert result.ok, result.errors
    snapshot_take(BEFORE)
    return AdminUnit.objects.get(code="38", level=Level.PROVINCE)


def unit(code, structure):
    return AdminUnit.objects.get(code=code, structure=structure, level=Level.COMMUNE)


def village(name):
    return AdminUnit.objects.get(level=Level.VILLAGE, name=name.removeprefix("Thôn "))


def test_the_dry_run_prints_the_official_plan_and_changes_nothing(province, capsys):
    call_command("units", "remap", "--to", "2025", "--dry-run", "--json")
    data = json.loads(capsys.readouterr().out)
    assert (data["new_communes"], data["merged"], data["divided"]) == (166, 537, 10)
    assert data["villages_to_move"] == 7 and data["unassigned"] == 4
    assert (data["households"], data["residents"]) == (8, 8)
    assert AdminUnit.objects.filter(structure=Structure.Y2025).count() == 0


def test_unassigned_villages_of_divided_communes_refuse_the_move(province):
    with pytest.raises(CommandError, match="chưa được chọn xã mới"):
        call_command("units", "remap", "--to", "2025")
    assert province.__class__.objects.get(pk=province.pk).structure == Structure.Y2024


def test_a_village_cannot_go_to_a_commune_that_took_no_part_of_its_own(province):
    with pytest.raises(ValidationError, match="không nhận phần nào"):
        village_assign(actor=None, village=village("Thôn Một"), new_code="16609")
    assert not VillageMove.objects.exists()


def test_the_move_keeps_every_figure(province, make_user):
    district_officer = make_user("district_officer", unit("15271", "2024").parent)
    commune_officer = make_user("commune_officer", unit("16627", "2024"))
    old = {code: unit(code, "2024") for code in ["15271", "15328", "15304", "16609", "16627"]}
    districts = {u.parent for u in old.values()}
    before = {u.pk: figures_of(u, as_of=BEFORE, codes=CODES) for u in [*old.values(), *districts]}
    total_before = figures_of(province, codes=CODES)
    village_assign(actor=None, village=village("Thôn Hai"), new_code="15286")
    village_assign(actor=None, village=village("Thôn Ba"), new_code="15271")

    result = remap_run(actor=None, province=province, accept_defaults=True)

    assert result.done
    province.refresh_from_db()
    assert province.structure == Structure.Y2025
    assert figures_of(province, codes=CODES) == total_before
    for u in [*old.values(), *districts]:
        u.refresh_from_db()
        assert u.valid_to == dt.date(2025, 6, 30)
        assert figures_of(u, as_of=BEFORE, codes=CODES) == before[u.pk]
    # Each new commune holds exactly what moved into it.
    moved = {
        "15271": ["Thôn Một", "Thôn Ba", "Thôn Năm"],
        "15286": ["Thôn Hai", "Thôn Bốn"],
        "16609": ["Thôn Sáu", "Thôn Bảy"],
    }
    for code, names in moved.items():
        new = unit(code, "2025")
        assert new.valid_from == dt.date(2025, 7, 1) and new.parent_id == province.pk
        parts = [figures_of(village(n), codes=CODES) for n in names]
        expected = {c: sum(p[c] for p in parts) for c in CODES}
        assert figures_of(new, codes=CODES) == expected
        as_of = [figures_of(village(n), as_of=BEFORE, codes=CODES) for n in names]
        assert figures_of(new, as_of=BEFORE, codes=CODES) == {
            c: sum(p[c] for p in as_of) for c in CODES
        }
        assert {v.full_name for v in new.children.all()} == set(names)
    assert set(
        Household.objects.filter(commune=unit("16609", "2025")).values_list("code", flat=True)
    ) == {
        "16609-HK01",
        "16627-HK01",
        "HK02",
    }
    assert Household.objects.filter(district__isnull=False).count() == 0
    district_officer.refresh_from_db()
    commune_officer.refresh_from_db()
    assert district_officer.scope_unit_id == province.pk
    assert commune_officer.scope_unit == unit("16609", "2025")
    assert village("Thôn Bảy").path == f"/38/16609/{village('Thôn Bảy').code}/"


def test_running_it_twice_changes_nothing(province, capsys):
    remap_run(actor=None, province=province, accept_defaults=True)
    units = list(AdminUnit.objects.values_list("pk", "parent_id", "path", "valid_to"))
    again = remap_run(actor=None, province=province_to_move(), accept_defaults=True)
    assert not again.done
    assert list(AdminUnit.objects.values_list("pk", "parent_id", "path", "valid_to")) == units
    call_command("units", "remap", "--to", "2025", "--accept-defaults")
    assert "nothing changed" in capsys.readouterr().out


def test_a_database_already_on_2025_is_refused(db):
    units_load(actor=None, province_code="38", structure="2025")
    with pytest.raises(RemapRefused, match="từ đầu"):
        remap_run(actor=None, province=province_to_move(), accept_defaults=True)


def test_a_kill_in_the_middle_leaves_the_database_as_before(province, monkeypatch):
    units = list(AdminUnit.objects.values_list("pk", "parent_id", "path", "valid_to", "structure"))
    households = list(Household.objects.values_list("pk", "commune_id", "district_id", "code"))

    def killed():
        raise KeyboardInterrupt

    monkeypatch.setattr(remap_module, "_rollups_rebuild_and_check", killed)
    with pytest.raises(KeyboardInterrupt):
        remap_run(actor=None, province=province, accept_defaults=True)
    assert (
        list(AdminUnit.objects.values_list("pk", "parent_id", "path", "valid_to", "structure"))
        == units
    )
    assert (
        list(Household.objects.values_list("pk", "commune_id", "district_id", "code")) == households
    )
    assert not VillageMove.objects.exists()
    assert remap_plan(province=province).villages_to_move == 7
