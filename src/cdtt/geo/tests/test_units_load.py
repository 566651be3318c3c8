"""Loading the official units of a province from the package, for both structures."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.services import units_load


@pytest.mark.django_db
def test_thanh_hoa_2024_has_26_districts_and_547_communes():
    result = units_load(actor=None, province_code="38", structure="2024")
    assert result.by_level == {"province": 1, "district": 26, "commune": 547}
    province = AdminUnit.objects.get(code="38")
    assert province.full_name == "Tỉnh Thanh Hóa"
    district = AdminUnit.objects.get(level=Level.DISTRICT, name="Quảng Xương")
    assert district.unit_type == "Huyện" and district.parent == province
    commune = AdminUnit.objects.filter(district=district).first()
    assert commune.province_id == province.pk and commune.path.startswith(f"/38/{district.code}/")
    assert commune.lat and commune.lon
    assert AdminUnit.objects.filter(level=Level.COMMUNE, unit_type="Thị trấn").exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    units_load(actor=None, province_code="38", structure="2025")
    before = list(AdminUnit.objects.values_list("id", "code", "name", "path"))
    again = units_load(actor=None, province_code="38", structure="2025")
    assert again.created == 0 and again.updated == 0
    assert list(AdminUnit.objects.values_list("id", "code", "name", "path")) == before
    assert AdminUnit.objects.filter(level=Level.COMMUNE).count() == 166
    assert not AdminUnit.objects.filter(level=Level.DISTRICT).exists()


@pytest.mark.django_db
def test_other_structure_is_refused_with_a_clear_message(capsys):
    call_command("units", "load", "--province", "38", "--structure", "2024")
    with pytest.raises(CommandError, match="cấu trúc hành chính 2024"):
        call_command("units", "load", "--province", "38", "--structure", "2025")


@pytest.mark.django_db
def test_any_province_loads():
    result = units_load(actor=None, province_code="1", structure="2024")  # Hà Nội
    assert result.by_level["district"] == 30


@pytest.mark.django_db
def test_unknown_province_is_an_error():
    with pytest.raises(CommandError, match="Không có tỉnh"):
        call_command("units", "load", "--province", "99", "--structure", "2024")
