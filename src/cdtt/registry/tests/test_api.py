"""GET /api/v1/coverage/{unit} and /api/v1/households: allowed, sibling unit, anonymous."""

import pytest

from cdtt.registry.imports import population_import
from cdtt.testing import PASSWORD

ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
16000,Yên Trung,HK01,Nguyễn Văn An,05/03/1985,2,2,2,2,2
16000,Yên Trung,HK01,Lê Thị Bình,1987,1,0,,,
16000,Phú Lộc,HK02,Trần Văn Cường,1960,,,,,
16001,Đông,HK01,Phạm Thị Dung,1990,2,2,2,2,2
"""


@pytest.fixture
def population(tree):
    result = population_import(actor=None, data=ROWS.encode())
    assert result.ok, result.errors
    return tree


def bearer(client, user) -> dict:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_coverage_of_a_commune_with_its_villages(client, population, make_user):
    officer = make_user("commune_officer", population.commune)
    body = client.get("/api/v1/coverage/16000", **bearer(client, officer)).json()
    assert body["unit"] == {"code": "16000", "name": "Xã Quảng Định", "level": "commune"}
    assert (body["households"], body["covered"], body["rate"]) == (2, 1, 0.5)
    children = {c["code"]: c for c in body["children"]}
    assert children["16000-001"]["covered"] == 1 and children["16000-002"] == {
        "code": "16000-002",
        "name": "Thôn Phú Lộc",
        "level": "village",
        "households": 1,
        "covered": 0,
        "rate": 0.0,
    }


def test_coverage_of_the_province_sums_every_level(client, population, make_user):
    admin = make_user("province_admin", population.province)
    body = client.get("/api/v1/coverage/38", **bearer(client, admin)).json()
    assert (body["households"], body["covered"]) == (3, 2)
    children = {c["code"]: (c["households"], c["covered"]) for c in body["children"]}
    assert children == {"400": (3, 2), "401": (0, 0)}


def test_sibling_unit_and_missing_unit_answer_alike(client, population, make_user):
    officer = make_user("commune_officer", population.sibling_commune)
    headers = bearer(client, officer)
    sibling = client.get("/api/v1/coverage/16000", **headers)
    missing = client.get("/api/v1/coverage/nope", **headers)
    assert sibling.status_code == missing.status_code == 404
    assert sibling.json() == missing.json() == {"detail": "Không tìm thấy đơn vị."}
    assert client.get("/api/v1/households?unit=16000", **headers).status_code == 404


def test_anonymous_is_refused(client, population):
    for url in ("/api/v1/coverage/38", "/api/v1/households?unit=38"):
        response = client.get(url)
        assert response.status_code == 401 and "detail" in response.json()


def test_households_of_a_unit_with_levels(client, population, make_user):
    officer = make_user("commune_officer", population.commune)
    headers = bearer(client, officer)
    body = client.get("/api/v1/households?unit=16000", **headers).json()
    assert body["count"] == 2
    hh = {h["code"]: h for h in body["items"]}
    assert hh["HK01"]["commune_code"] == "16000" and hh["HK01"]["covered"] is True
    an = next(r for r in hh["HK01"]["residents"] if r["full_name"] == "Nguyễn Văn An")
    assert an["levels"] == dict.fromkeys(
        ["public_services", "shopping", "payment", "safety", "local_platform"], 2
    )
    assert an["birth_date"] == "1985-03-05"
    binh = next(r for r in hh["HK01"]["residents"] if r["full_name"] == "Lê Thị Bình")
    assert binh["levels"]["public_services"] == 1 and binh["levels"]["payment"] == 0
    uncovered = client.get("/api/v1/households?unit=16000&covered=false", **headers).json()
    assert [h["code"] for h in uncovered["items"]] == ["HK02"]
    # No unit: the caller's scope; a sibling commune's households never appear.
    assert client.get("/api/v1/households", **headers).json()["count"] == 2
    paged = client.get("/api/v1/households?unit=16000&page=2&page_size=1", **headers).json()
    assert paged["count"] == 2 and len(paged["items"]) == 1
    assert client.get("/api/v1/households?page=0", **headers).status_code == 400


def test_households_searched_by_a_resident_s_name_with_or_without_diacritics(
    client, population, make_user
):
    officer = make_user("commune_officer", population.commune)
    headers = bearer(client, officer)

    def found(q: str) -> list[str]:
        body = client.get("/api/v1/households", {"q": q}, **headers).json()
        return sorted(h["code"] for h in body["items"])

    assert found("Lê Thị Bình") == found("le thi binh") == found("LE THI") == ["HK01"]
    assert found("hk02") == ["HK02"]  # a household code, any case
    assert found("Nguyễn Văn Không Có") == []
    # Scope still applies: a sibling commune's officer finds nothing of this commune.
    sibling = make_user("commune_officer", population.sibling_commune)
    body = client.get("/api/v1/households", {"q": "le thi binh"}, **bearer(client, sibling))
    assert body.json()["count"] == 0


def test_a_search_matching_many_households_lists_the_first_found_and_says_so(
    client, population, make_user, monkeypatch
):
    """Past the matches the search reads first, it lists the first households found (at most
    SEARCH_COUNT_CAP), in list order (by village name, then code), and says its count is not
    exact. Scope and filters hold either way."""
    from django.db import connection

    from cdtt.registry import selectors

    officer = make_user("commune_officer", population.commune)
    headers = bearer(client, officer)

    def search(q: str, **more) -> dict:
        return client.get("/api/v1/households", {"q": q, **more}, **headers).json()

    whole = search("van")
    assert [h["code"] for h in whole["items"]] == ["HK02", "HK01"]  # Phú Lộc, then Yên Trung
    assert (whole["count"], whole["count_exact"]) == (2, True)
    assert [h["code"] for h in search("van", page_size=1, page=2)["items"]] == ["HK01"]
    assert [h["code"] for h in search("van", covered="true")["items"]] == ["HK01"]
    assert [h["code"] for h in search("hk02")["items"]] == ["HK02"]
    monkeypatch.setattr(selectors, "SEARCH_PROBE_ROWS", 2)
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 1)
    cut = search("van")
    if connection.vendor == "postgresql":
        assert (cut["count"], cut["count_exact"]) == (1, False)
        assert len(cut["items"]) == 1 and cut["items"][0] in whole["items"]
    else:  # SQLite reads every match
        assert cut == whole
    # A sibling commune's officer finds none of them, whichever way the search goes.
    sibling = bearer(client, make_user("commune_officer", population.sibling_commune))
    body = client.get("/api/v1/households", {"q": "van"}, **sibling).json()
    assert body["items"] == [] and body["count"] == 0
    thi = client.get("/api/v1/households", {"q": "thi"}, **sibling).json()
    assert [(h["commune_code"], h["code"]) for h in thi["items"]] == [("16001", "HK01")]


def test_a_name_is_found_by_its_whole_words_and_by_the_beginning_of_its_last(
    client, population, make_user, monkeypatch
):
    from cdtt.registry import selectors

    admin = bearer(client, make_user("province_admin", population.province))

    def found(q: str) -> list[str]:
        body = client.get("/api/v1/households", {"q": q}, **admin).json()
        return sorted(f"{h['commune_code']}/{h['code']}" for h in body["items"])

    assert found("thi") == ["16000/HK01", "16001/HK01"]
    # Whole words alone reach the probe's bound: the first found are listed.
    monkeypatch.setattr(selectors, "SEARCH_PROBE_ROWS", 1)
    assert found("thi") in (["16000/HK01"], ["16001/HK01"], ["16000/HK01", "16001/HK01"])
    monkeypatch.setattr(selectors, "SEARCH_PROBE_ROWS", 5000)
    assert found("pham thi d") == found("Phạm Thị Dung") == ["16001/HK01"]
    assert found("tran van cuong") == ["16000/HK02"]
    assert found("van cu") == ["16000/HK02"]


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/coverage/{unit_code}" in paths and "/api/v1/households" in paths
