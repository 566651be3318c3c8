def test_province_officer_browses_tree(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    response = client.get(f"/units/{tree.district.code}/")
    assert response.status_code == 200
    assert "Quảng Định" in response.content.decode()
