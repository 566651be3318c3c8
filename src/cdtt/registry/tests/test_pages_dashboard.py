"""The coverage dashboard: figures, drill-down, chart, target, map, export, scope."""

import datetime as dt
import io

import openpyxl
import pytest

from cdtt.registry.models import CoverageSnapshot
from cdtt.registry.services import target_set
from cdtt.registry.tests.test_pages_households import add_household


@pytest.fixture
def data(tree):
    add_household(tree.village, "A1", covered=True)
    add_household(
        tree.village, "A2", names=("Lê Thị Bình", "Lê Văn Cường"), skills=["payment", "safety"]
    )
    add_household(tree.village2, "B1")
    add_household(tree.sibling_village, "C1", covered=True)
    add_household(tree.far_village, "D1")
    return tree


def test_province_dashboard_figures_match_the_data(data, make_user, login):
    client = login(make_user("province_leader", data.province))
    response = client.get("/registry/")
    assert response.status_code == 200
    ctx = response.context
    assert (ctx["coverage"].households, ctx["coverage"].covered, ctx["coverage"].residents) == (
        5,
        2,
        6,
    )
    assert ctx["coverage"].proficient == 2
    per_skill = dict(ctx["per_skill"])
    assert per_skill["Thanh toán trực tuyến"] == 3
    html = response.content.decode()
    assert 'id="n-households">5<' in html and "40,0%" in html


def test_children_sorted_laggards_first_with_drill_down(data, make_user, login):
    client = login(make_user("province_admin", data.province))
    response = client.get(f"/registry/units/{data.district.code}/")
    assert response.status_code == 200
    children = [(u.code, c.households, c.covered) for u, c in response.context["children"]]
    # Quảng Định: 1 of 3 covered (33%); Quảng Nhân: 1 of 1 (100%).
    assert children == [(data.commune.code, 3, 1), (data.sibling_commune.code, 1, 1)]
    assert f'href="/registry/units/{data.commune.code}/"' in response.content.decode()
    village_page = client.get(f"/registry/units/{data.village.code}/")
    assert village_page.context["coverage"].households == 2


def test_commune_officer_sees_own_commune_and_not_siblings(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    own = client.get("/registry/")
    assert own.status_code == 200 and own.context["unit"] == data.commune
    assert client.get(f"/registry/units/{data.village.code}/").status_code == 200
    assert client.get(f"/registry/units/{data.sibling_commune.code}/").status_code == 404
    assert client.get(f"/registry/units/{data.district.code}/").status_code == 404
    assert client.get(f"/registry/units/{data.sibling_commune.code}/map.json").status_code == 404


def test_anonymous_and_field_roles(data, make_user, login, client):
    response = client.get("/registry/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/registry/units/{data.commune.code}/").status_code == 302
    login(make_user("team_member", data.village))
    assert client.get("/registry/").status_code == 403


def test_target_progress_inherited_from_the_province(data, make_user, login):
    year = dt.date.today().year
    target_set(actor=None, unit=data.province, year=year, rate=80)
    client = login(make_user("commune_officer", data.commune))
    progress = client.get("/registry/").context["progress"]
    assert progress.inherited and progress.target.unit == data.province
    # 3 households, 1 covered; 80% needs 3 covered.
    assert (progress.households_needed, progress.households_missing) == (3, 2)
    target_set(actor=None, unit=data.commune, year=year, rate=50)
    progress = client.get("/registry/").context["progress"]
    assert not progress.inherited and progress.households_missing == 1


def test_chart_uses_snapshots_and_today(data, make_user, login):
    day = dt.date.today() - dt.timedelta(days=3)
    CoverageSnapshot.objects.create(
        village=data.village,
        commune=data.commune,
        district=data.district,
        province=data.province,
        day=day,
        households=4,
        covered=1,
    )
    client = login(make_user("district_officer", data.district))
    html = client.get("/registry/").content.decode()
    assert 'data-src="/registry/units/400/history.json"' in html
    assert "vendor/chartjs/chart.umd.js" in html and "cdtt/dashboard.js" in html
    chart = client.get("/registry/units/400/history.json").json()
    assert chart["labels"] == [day.strftime("%d/%m/%Y"), dt.date.today().strftime("%d/%m/%Y")]
    assert chart["rates"] == [25.0, 50.0]
    # Outside the scope: 404.
    assert client.get(f"/registry/units/{data.far_commune.code}/history.json").status_code == 404


def test_map_points_carry_rate_and_link(data, make_user, login):
    client = login(make_user("province_admin", data.province))
    features = client.get(f"/registry/units/{data.district.code}/map.json").json()["features"]
    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    assert set(by_code) == {data.commune.code, data.sibling_commune.code}
    assert by_code[data.commune.code]["rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert (
        by_code[data.sibling_commune.code]["url"] == f"/registry/units/{data.sibling_commune.code}/"
    )


def test_children_table_exports_to_xlsx(data, make_user, login):
    client = login(make_user("province_admin", data.province))
    response = client.get(f"/registry/units/{data.district.code}/?format=xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert data.commune.code in text and data.sibling_commune.code in text


def test_empty_dashboard_says_what_to_do(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    html = client.get("/registry/").content.decode()
    assert "Chưa có hộ gia đình nào. Hãy nhập danh sách nhân khẩu." in html


def test_dashboard_reads_only_counters(data, make_user, login, django_assert_max_num_queries):
    client = login(make_user("province_admin", data.province))
    with django_assert_max_num_queries(20) as queries:
        client.get("/registry/")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "registry_resident" not in sql and 'registry_household"' not in sql
