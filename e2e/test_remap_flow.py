"""The province admin assigns the villages of a divided commune and starts the move to 2025."""

import pytest

from cdtt.geo.models import AdminUnit, Level, Structure
from cdtt.geo.services import units_load
from cdtt.geo.tests.test_remap import ROWS
from cdtt.registry.imports import population_import
from cdtt.testing import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def province(transactional_db, make_user):
    units_load(actor=None, province_code="38", structure="2024")
    assert population_import(actor=None, data=ROWS.encode()).ok
    province = AdminUnit.objects.get(code="38", level=Level.PROVINCE)
    make_user("province_admin", province, username="sotttt")
    return province


def _login(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", "sotttt")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def test_assign_the_villages_of_a_divided_commune_and_move(province, live_server, page):
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/units/38/")
    page.click("a:has-text('Chuyển sang cấu trúc 2025')")
    page.wait_for_selector("text=Còn 4 thôn chưa được chọn xã mới")
    hai = AdminUnit.objects.get(level=Level.VILLAGE, name="Hai")
    page.select_option(f"select[name='v-{hai.pk}']", "15286")
    page.click("button:has-text('Lưu lựa chọn')")
    page.wait_for_selector("text=Đã lưu lựa chọn xã mới cho 4 thôn")
    page.wait_for_selector(".badge.ok")
    page.click("button:has-text('Chuyển sang cấu trúc 2025')")
    page.wait_for_selector("text=Đã chuyển sang cấu trúc 2025")
    hai.refresh_from_db()
    assert hai.parent.code == "15286" and hai.structure == Structure.Y2025
    province.refresh_from_db()
    assert province.structure == Structure.Y2025
