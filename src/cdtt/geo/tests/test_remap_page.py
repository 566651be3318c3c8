"""The move on the units pages: the plan, the choice of new commune per village (page and
workbook import), the move as a background job; deny by default."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cdtt.core.models import Job
from cdtt.geo.models import AdminUnit, Level, Structure, VillageMove
from cdtt.geo.remap_assign import HEADERS
from cdtt.geo.services import units_load
from cdtt.geo.tests.test_remap import ROWS, unit, village
from cdtt.lib.xlsx import xlsx_bytes
from cdtt.registry.imports import population_import


@pytest.fixture
def province(db):
    units_load(actor=None, province_code="38", structure="2024")
    assert population_import(actor=None, data=ROWS.encode()).ok
    return AdminUnit.objects.get(code="38", level=Level.PROVINCE)


@pytest.fixture
def admin(province, make_user):
    return make_user("province_admin", province)


def _page(client, province):
    return client.get(reverse("geo:remap", args=[province.code]))


def test_three_personas(province, admin, make_user, client, login):
    url = reverse("geo:remap", args=[province.code])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(reverse("geo:remap_start", args=[province.code])).status_code == 302
    login(make_user("district_officer", unit("15271", "2024").parent))
    assert client.get(url).status_code == 403
    assert client.post(reverse("geo:remap_start", args=[province.code])).status_code == 403
    other = AdminUnit.objects.create(
        code="01",
        name="Hà Nội",
        unit_type="Thành phố",
        level=Level.PROVINCE,
        structure=Structure.Y2024,
        path="/01/",
        name_key="ha noi",
    )
    login(make_user("province_admin", other, username="admin-hn"))
    assert client.get(url).status_code == 404
    assert client.post(reverse("geo:remap_assign", args=[province.code])).status_code == 404
    assert client.get(reverse("geo:remap_xlsx", args=[province.code])).status_code == 404
    login(admin)
    page = _page(client, province)
    assert page.status_code == 200
    assert province.structure == "2024" and not Job.objects.exists()


def test_the_page_shows_the_plan_and_every_village_of_divided_communes(
    province, admin, client, login
):
    login(admin)
    html = _page(client, province).content.decode()
    assert "166" in html and "Còn 4 thôn chưa được chọn xã mới" in html
    for name in ["Thôn Một", "Thôn Hai", "Thôn Ba", "Thôn Bốn"]:
        assert name in html
    assert f'name="v-{village("Thôn Năm").pk}"' not in html  # a commune merged whole
    assert f'name="v-{village("Thôn Hai").pk}"' in html and "mặc định" in html


def test_choices_are_saved_and_a_wrong_commune_is_refused(province, admin, client, login):
    login(admin)
    url = reverse("geo:remap_assign", args=[province.code])
    response = client.post(url, {f"v-{village('Thôn Hai').pk}": "16609"}, follow=True)
    assert "không nhận phần nào" in response.content.decode()
    assert not VillageMove.objects.exists()
    client.post(
        url, {f"v-{village('Thôn Hai').pk}": "15286", f"v-{village('Thôn Ba').pk}": "15271"}
    )
    moves = dict(VillageMove.objects.values_list("village__name", "new_code"))
    assert moves == {"Hai": "15286", "Ba": "15271"}
    assert VillageMove.objects.get(village=village("Thôn Hai")).assigned_by == admin
    assert "Còn 2 thôn chưa được chọn" in _page(client, province).content.decode()


def test_the_move_is_refused_while_villages_are_unassigned(province, admin, client, login):
    login(admin)
    response = client.post(reverse("geo:remap_start", args=[province.code]), follow=True)
    assert "chưa được chọn xã mới" in response.content.decode()
    province.refresh_from_db()
    assert province.structure == Structure.Y2024 and not Job.objects.exists()


def test_the_move_runs_as_a_job_with_the_defaults_accepted(
    province,
    admin,
    client,
    login,
    django_capture_on_commit_callbacks,
):
    login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("geo:remap_start", args=[province.code]), {"accept_defaults": "1"}
        )
    job = Job.objects.get(kind="units_remap")
    assert response["Location"].endswith(f"?job={job.pk}")
    assert job.status == Job.Status.DONE and job.created_by == admin, job.message
    assert job.done == job.total == 3
    province.refresh_from_db()
    assert province.structure == Structure.Y2025
    assert village("Thôn Một").parent == unit("15271", "2025")
    html = client.get(response["Location"]).content.decode()
    assert "Đã chuyển sang cấu trúc 2025" in html and "Tỉnh đã dùng cấu trúc hai cấp" in html


def _workbook(rows):
    return xlsx_bytes("Chọn xã mới", HEADERS, rows)


def test_the_workbook_lists_the_villages_and_imports_back(province, admin, client, login, tmp_path):
    login(admin)
    response = client.get(reverse("geo:remap_xlsx", args=[province.code]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS and len(rows) == 5
    hai = next(r for r in rows if r[1] == "Thôn Hai")
    assert hai[4] == "15271"  # the package's default, preselected
    hai[4] = "15286"
    path = tmp_path / "chon.xlsx"
    path.write_bytes(_workbook(rows[1:]))
    call_command("import", "village_moves", str(path))
    assert VillageMove.objects.filter(assigned=True).count() == 4
    assert VillageMove.objects.get(village=village("Thôn Hai")).new_code == "15286"
    call_command("import", "village_moves", str(path))  # again: nothing changes
    assert VillageMove.objects.filter(assigned=True).count() == 4


def test_a_bad_row_of_the_workbook_changes_nothing(province, admin, tmp_path):
    from cdtt.geo.remap_assign import village_moves_run

    path = tmp_path / "chon.xlsx"
    hai, mot = village("Thôn Hai"), village("Thôn Một")
    path.write_bytes(
        _workbook(
            [
                [mot.code, "", "", "", "15286", ""],
                [hai.code, "", "", "", "16609", ""],
                ["nope", "", "", "", "15271", ""],
            ]
        )
    )
    result = village_moves_run(actor=admin, path=str(path))
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã xã mới"), (4, "Mã thôn")]
    assert not VillageMove.objects.exists()
    result = village_moves_run(actor=admin, path=str(path), skip_invalid=True)
    assert result.counts["assigned"] == 1
    assert VillageMove.objects.get().village == mot


def test_a_commune_officer_cannot_import_choices_beyond_the_province_page(
    province, make_user, tmp_path
):
    from cdtt.core.imports import import_kind

    officer = make_user("commune_officer", unit("15271", "2024"))
    assert not import_kind("village_moves").allows(officer)
