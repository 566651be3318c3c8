"""The organisation pages (under /teams/organizations/): the list on the listing mechanism with
its search, kind filter and export, one organisation with its staff (told by the teams app
through ``cdtt.organizations.staff``), each with the three personas."""

import io

import pytest
from openpyxl import load_workbook

from cdtt.organizations.models import Organization
from cdtt.organizations.services import organization_create
from cdtt.organizations.staff import staff_counted, staff_of
from cdtt.teams.services import member_add, member_remove
from cdtt.teams.tests.factories import found_team, person

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def orgs(tree):
    school = organization_create(
        actor=None, name="Trường THCS Quảng Định", kind="school", unit=tree.commune
    )
    union = organization_create(
        actor=None, name="Đoàn xã Quảng Định", kind="youth_union", unit=tree.commune
    )
    away = organization_create(
        actor=None, name="Trường THCS Quảng Nhân", kind="school", unit=tree.sibling_commune
    )
    return school, union, away


def test_the_list_searches_filters_and_counts_staff(tree, make_user, login, orgs):
    school, union, away = orgs
    team = found_team(tree.village, members=0)
    member_add(actor=None, team=team, person=person("Cô Giáo Một", organization=school))
    gone = member_add(actor=None, team=team, person=person("Cô Giáo Hai", organization=school))
    member_remove(actor=None, membership=gone)
    client = login(make_user("commune_officer", tree.commune))
    html = client.get("/teams/organizations/").content.decode()
    assert school.name in html and union.name in html and away.name not in html
    html = client.get("/teams/organizations/", {"q": "doan"}, **HX).content.decode()
    assert union.name in html and school.name not in html
    assert "<html" not in html  # the fragment alone
    html = client.get("/teams/organizations/", {"kind": "school"}).content.decode()
    assert school.name in html and union.name not in html
    counted = {o.name: o.n_staff for o in staff_counted(Organization.objects.all())}
    assert counted[school.name] == 1 and counted[union.name] == 0  # who left is not counted


def test_the_export_holds_every_row_with_the_staff_count(tree, make_user, login, orgs):
    school = orgs[0]
    member_add(
        actor=None,
        team=found_team(tree.village, members=0),
        person=person("Cô Giáo Một", organization=school),
    )
    client = login(make_user("commune_officer", tree.commune))
    response = client.get("/teams/organizations/", {"format": "xlsx", "kind": "school"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Tên" and "Số thành viên đang tham gia tổ" in rows[0]
    count_at = rows[0].index("Số thành viên đang tham gia tổ")
    assert [(r[0], r[count_at]) for r in rows[1:]] == [(school.name, 1)]


def test_the_list_for_sibling_and_anonymous(tree, make_user, login, client, orgs):
    assert client.get("/teams/organizations/").status_code == 302
    sibling = login(make_user("commune_officer", tree.sibling_commune))
    html = sibling.get("/teams/organizations/").content.decode()
    assert orgs[2].name in html and orgs[0].name not in html


def test_one_organisation_lists_its_staff_to_those_who_may_see_it(tree, make_user, login, orgs):
    school = orgs[0]
    member_add(
        actor=None,
        team=found_team(tree.village, members=0),
        person=person("Cô Giáo Một", organization=school, position="Giáo viên"),
    )
    officer = make_user("commune_officer", tree.commune)
    assert [p.full_name for p in staff_of(officer, school)] == ["Cô Giáo Một"]
    html = login(officer).get(f"/teams/organizations/{school.pk}/").content.decode()
    assert "Cô Giáo Một" in html and "Giáo viên" in html
    sibling = login(make_user("commune_officer", tree.sibling_commune))
    assert sibling.get(f"/teams/organizations/{school.pk}/").status_code == 404


def test_the_unit_picker_offers_what_each_kind_registered(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    html = client.get("/units/picker/", {"for": "org", "unit_q": "quang dinh"}, **HX)
    assert "Quảng Định" in html.content.decode()
    html = client.get("/units/picker/", {"for": "org", "unit_q": "yen trung"}, **HX)
    assert "Yên Trung" not in html.content.decode()  # a village holds no organisation
    html = client.get("/units/picker/", {"for": "team", "unit_q": "yen trung"}, **HX)
    assert "Yên Trung" in html.content.decode()
    assert client.get("/units/picker/", {"for": "nothing"}).status_code == 404
