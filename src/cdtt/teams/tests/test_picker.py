"""The searchable unit picker of the found-a-team and organisation forms, with the three
personas: a province admin (the whole province), a commune officer (one commune), anonymous."""

import re

import pytest

from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import fold
from cdtt.organizations.models import Organization
from cdtt.teams.models import Team

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin(tree, make_user):
    return make_user("province_admin", tree.province)


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


def _search(client, q, kind="team"):
    r = client.get("/teams/units/", {"for": kind, "field": "unit", "unit_q": q}, **HX)
    assert r.status_code == 200
    return r.content.decode()


def _found(client, unit, **extra):
    return client.post("/teams/new/", {"unit": unit, "full_name": "Phạm Văn Bình", **extra})


def test_picker_finds_units_by_name_without_diacritics(admin, login):
    client = login(admin)
    html = _search(client, "yen trung")
    assert "Thôn Yên Trung" in html and "16000-001" in html and "Xã Quảng Định" in html
    assert "Xã Nga Văn" in _search(client, "NGA VAN")
    # A team sits in a commune or a village, never in a district.
    assert "400" not in _search(client, "quang xuong")
    # An organisation sits in a province, district or commune, never in a village.
    assert "Huyện Quảng Xương" in _search(client, "quang xuong", kind="org")
    assert "Yên Trung" not in _search(client, "yen trung", kind="org")
    assert "Không tìm thấy" in _search(client, "khong co dau")


def test_picker_stays_within_the_officer_scope(tree, officer, login):
    client = login(officer)
    assert "Thôn Yên Trung" in _search(client, "yen")
    assert "Đông" not in _search(client, "dong")  # a village of the sibling commune
    assert "Nga Văn" not in _search(client, "nga van")
    assert client.get("/teams/units/", {"for": "nothing", "unit_q": "yen"}).status_code == 404


def test_picker_refuses_anonymous_and_field_users(tree, client, make_user, login):
    r = client.get("/teams/units/", {"for": "team", "unit_q": "yen"})
    assert r.status_code == 302 and "/login/" in r["Location"]
    member = login(make_user("team_member", tree.village))
    assert member.get("/teams/units/", {"for": "team", "unit_q": "yen"}).status_code == 403


def test_picking_a_unit_fills_the_code(officer, login):
    client = login(officer)
    html = client.get(
        "/teams/units/", {"for": "team", "field": "unit", "pick": "16000-001"}, **HX
    ).content.decode()
    assert 'id="id_unit_picker"' in html and 'value="16000-001"' in html
    assert "Đã chọn: Thôn Yên Trung, Xã Quảng Định" in html


def test_found_form_refuses_an_out_of_scope_or_unknown_code(tree, officer, login):
    client = login(officer)
    for code in (tree.sibling_village.code, tree.district.code, "99999"):
        r = _found(client, code)
        assert r.status_code == 200
        assert "trong phạm vi bạn được chọn" in r.content.decode()
    assert not Team.objects.exists()


def test_found_form_takes_a_code_or_a_unique_name_without_js(tree, officer, login):
    client = login(officer)
    assert _found(client, "yen trung").status_code == 302
    assert Team.objects.get().unit == tree.village
    assert _found(client, tree.commune.code).status_code == 302
    assert Team.objects.filter(unit=tree.commune).exists()
    # A name typed in the search box and submitted without picking (no JavaScript).
    r = client.post("/teams/new/", {"unit": "", "unit_q": "Phú Lộc", "full_name": "Lê Văn C"})
    assert r.status_code == 302
    assert Team.objects.filter(unit=tree.village2).exists()


def test_an_ambiguous_name_asks_to_pick(tree, officer, login):
    from cdtt.testing import make_unit

    make_unit("16000-003", "Yên Trung", Level.VILLAGE, tree.commune, unit_type="Xóm")
    r = _found(login(officer), "Yên Trung")
    assert r.status_code == 200 and "Có nhiều đơn vị tên" in r.content.decode()
    assert not Team.objects.exists()


def test_province_admin_reaches_units_beyond_the_first_two_thousand(tree, admin, login):
    base = tree.far_commune
    AdminUnit.objects.bulk_create(
        AdminUnit(
            code=f"16100-{i:04d}",
            name=f"Làng Số {i}",
            level=Level.VILLAGE,
            parent=base,
            structure="2024",
            unit_type="Thôn",
            path=f"{base.path}16100-{i:04d}/",
            name_key=fold(f"Làng Số {i}"),
            **base.ancestor_ids(),
        )
        for i in range(2100)
    )
    client = login(admin)
    assert "16100-2099" in _search(client, "lang so 2099")
    assert _found(client, "16100-2099").status_code == 302
    assert Team.objects.get().unit.code == "16100-2099"


def test_preselection_and_reload_keep_what_was_typed(tree, officer, make_user, login):
    client = login(officer)
    html = client.get("/teams/new/", {"unit": tree.village.code}).content.decode()
    assert 'value="16000-001"' in html and "Đã chọn: Thôn Yên Trung" in html
    html = client.get(
        "/teams/new/",
        {
            "unit": tree.commune.code,
            "name": "Tổ CNSCĐ xã Quảng Định",
            "decision_number": "25/QĐ-UBND",
            "decision_date": "15/03/2024",
            "full_name": "Lê Văn Hùng",
            "phone": "0912345678",
            "gender": "M",
            "villages": [tree.village2.code],
            "publish_contact": "on",
            "reload": "1",
        },
    ).content.decode()
    for typed in ("Tổ CNSCĐ xã Quảng Định", "25/QĐ-UBND", "15/03/2024", "Lê Văn Hùng"):
        assert f'value="{typed}"' in html
    assert 'value="M" selected' in html
    assert re.search(rf'value="{tree.village2.code}"[^>]*checked', html)
    assert not re.search(rf'value="{tree.village.code}"[^>]*checked', html)
    assert re.search(r'name="publish_contact"[^>]*checked', html)
    assert "errorlist" not in html
    # The villages offered are the commune's own.
    assert "Phú Lộc" in html and "Yên Trung" in html
    # Without JavaScript: a name typed in the search box, then the village list refreshed.
    html = client.get(
        "/teams/new/", {"unit": "", "unit_q": "quang dinh", "name": "Tổ A", "reload": "1"}
    ).content.decode()
    assert 'value="16000"' in html and 'value="Tổ A"' in html and "Phú Lộc" in html
    # A link naming a unit outside the scope is still refused.
    sibling = login(make_user("commune_officer", tree.sibling_commune))
    assert sibling.get("/teams/new/", {"unit": tree.village.code}).status_code == 404


def test_organization_form_uses_the_picker_and_checks_scope(tree, officer, login):
    client = login(officer)
    html = client.get("/teams/organizations/new/").content.decode()
    assert 'id="id_unit_q"' in html and "for=org" in html
    r = client.post(
        "/teams/organizations/new/",
        {"name": "Trường THCS Nga Văn", "kind": "school", "unit": tree.far_commune.code},
    )
    assert r.status_code == 200 and "trong phạm vi bạn được chọn" in r.content.decode()
    r = client.post(
        "/teams/organizations/new/",
        {"name": "Trường THCS Quảng Định", "kind": "school", "unit": tree.village.code},
    )
    assert r.status_code == 200 and not Organization.objects.exists()
    r = client.post(
        "/teams/organizations/new/",
        {"name": "Trường THCS Quảng Định", "kind": "school", "unit": "quang dinh"},
    )
    assert r.status_code == 302
    assert Organization.objects.get().unit == tree.commune
