"""Browsing and searching the map, within scope."""


def test_search_ignores_case_and_diacritics(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    body = client.get("/units/search/?q=quang+xuong").content.decode()
    assert "Huyện Quảng Xương" in body
    body = client.get("/units/search/?q=QUẢNG ĐỊNH").content.decode()
    assert "Xã Quảng Định" in body


def test_search_stays_in_scope(tree, make_user, login):
    client = login(make_user("district_officer", tree.other_district))
    body = client.get("/units/search/?q=quang").content.decode()
    assert "Quảng Định" not in body


def test_unit_outside_scope_is_like_a_missing_one(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    assert client.get(f"/units/{tree.commune.code}/").status_code == 200
    assert client.get(f"/units/{tree.sibling_commune.code}/").status_code == 404
    assert client.get("/units/nonexistent/").status_code == 404


def test_map_lists_the_communes_with_coordinates(tree, make_user, login):
    client = login(make_user("province_leader", tree.province))
    data = client.get("/units/38/map.json").json()
    assert {f["properties"]["code"] for f in data["features"]} == {"16000", "16001", "16100"}


def test_map_works_without_tile_layer(tree, make_user, login, settings):
    settings.MAP_TILE_URL = ""
    client = login(make_user("province_leader", tree.province))
    body = client.get("/units/38/").content.decode()
    assert 'data-tiles=""' in body and 'id="map"' in body


def test_children_export_to_xlsx(tree, make_user, login):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(make_user("province_admin", tree.province))
    response = client.get("/units/400/?format=xlsx")
    rows = list(load_workbook(BytesIO(response.getvalue())).active.values)
    assert [r[2] for r in rows[1:]] == ["Quảng Định", "Quảng Nhân"]
