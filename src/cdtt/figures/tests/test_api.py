"""GET /api/v1/figures and /api/v1/figures/{unit}?as_of=: allowed, sibling unit, anonymous."""

import datetime as dt

import pytest
from django.utils import timezone

from cdtt.registry.imports import population_import
from cdtt.registry.rollups import snapshot_take
from cdtt.testing import PASSWORD

ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
16000,Yên Trung,HK01,Nguyễn Văn An,05/03/1985,2,2,2,2,2
16000,Phú Lộc,HK02,Trần Văn Cường,1960,,,,,
16000,Phú Lộc,HK03,Trần Văn Dũng,1962,,,,,
"""
CONTRACT = {
    "households",
    "covered",
    "rate",
    "teams",
    "villages_with_team",
    "members",
    "members_per_100",
    "members_trained",
    "visits",
}


@pytest.fixture
def population(tree):
    assert population_import(actor=None, data=ROWS.encode()).ok
    return tree


def bearer(client, user) -> dict:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_figures_of_a_unit_now(client, population, make_user):
    officer = make_user("commune_officer", population.commune)
    response = client.get("/api/v1/figures/16000", **bearer(client, officer))
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"code": "16000", "name": "Xã Quảng Định", "level": "commune"}
    assert body["as_of"] == timezone.localdate().isoformat()
    assert CONTRACT <= set(body["figures"])
    figures = body["figures"]
    assert (figures["households"], figures["covered"], figures["rate"]) == (3, 1, 0.3333)
    assert (figures["teams"], figures["members"], figures["members_per_100"]) == (0, 0, 0.0)


def test_figures_as_of_a_past_date(client, population, make_user):
    day = timezone.localdate() - dt.timedelta(days=7)
    snapshot_take(day)
    admin = make_user("province_admin", population.province)
    headers = bearer(client, admin)
    body = client.get(f"/api/v1/figures/38?as_of={day.isoformat()}", **headers).json()
    assert body["as_of"] == day.isoformat()
    assert (body["figures"]["households"], body["figures"]["covered"]) == (3, 1)
    earlier = (day - dt.timedelta(days=1)).isoformat()
    body = client.get(f"/api/v1/figures/38?as_of={earlier}", **headers).json()
    assert body["figures"]["households"] is None and body["figures"]["rate"] is None


@pytest.mark.parametrize("as_of", ["2024-13-01", "01/02/2024", "yesterday", "2999-01-01"])
def test_a_bad_date_is_a_400_with_a_detail(client, population, make_user, as_of):
    officer = make_user("commune_officer", population.commune)
    response = client.get(f"/api/v1/figures/16000?as_of={as_of}", **bearer(client, officer))
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_sibling_unit_answers_like_a_missing_one(client, population, make_user):
    officer = make_user("commune_officer", population.sibling_commune)
    headers = bearer(client, officer)
    sibling = client.get("/api/v1/figures/16000", **headers)
    missing = client.get("/api/v1/figures/nope", **headers)
    assert sibling.status_code == missing.status_code == 404
    assert sibling.json() == missing.json() == {"detail": "Không tìm thấy đơn vị."}
    assert client.get("/api/v1/figures/16001", **headers).status_code == 200


def test_anonymous_is_refused(client, population):
    for url in ("/api/v1/figures/38", "/api/v1/figures"):
        response = client.get(url)
        assert response.status_code == 401 and "detail" in response.json()


def test_the_catalogue(client, population, make_user):
    officer = make_user("commune_officer", population.commune)
    body = client.get("/api/v1/figures", **bearer(client, officer)).json()
    items = {item["code"]: item for item in body["items"]}
    assert body["count"] == len(items) and CONTRACT <= set(items)
    assert items["households"] == {
        "code": "households",
        "label": "Hộ gia đình",
        "unit_of_measure": "hộ",
        "module": "registry",
    }
    assert items["members_per_100"]["unit_of_measure"] == "người/100 dân"


def test_the_openapi_document_describes_both(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    one = paths["/api/v1/figures/{unit_code}"]["get"]
    assert {p["name"] for p in one["parameters"]} == {"unit_code", "as_of"}
    assert {"200", "400", "404"} <= set(one["responses"])
    assert "/api/v1/figures" in paths
