"""Organisations: CRUD within scope; an organisation's officer manages its focal staff
across the province and sees nobody else."""

import pytest

from cdtt.organizations.models import Organization
from cdtt.organizations.services import organization_create
from cdtt.teams.selectors import members_for, persons_for
from cdtt.teams.services import member_add
from cdtt.teams.tests.factories import found_team, person


@pytest.fixture
def vnpt(tree):
    return organization_create(
        actor=None, name="VNPT Thanh Hóa", kind="enterprise", unit=tree.province
    )


def test_officer_creates_and_edits_organization(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    r = client.post(
        "/teams/organizations/new/",
        {
            "name": "Trường THCS Quảng Định",
            "kind": "school",
            "unit": tree.commune.code,
            "active": "on",
        },
    )
    assert r.status_code == 302
    org = Organization.objects.get()
    r = client.post(
        f"/teams/organizations/{org.pk}/edit/",
        {
            "name": "Trường THCS Quảng Định",
            "kind": "school",
            "unit": tree.commune.code,
            "phone": "02373 123 456",
            "active": "on",
        },
    )
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.phone == "02373123456"
    assert client.get("/teams/organizations/?format=xlsx").status_code == 200
    sibling = login(make_user("commune_officer", tree.sibling_commune))
    assert sibling.get(f"/teams/organizations/{org.pk}/").status_code == 404
    assert sibling.post(f"/teams/organizations/{org.pk}/edit/", {}).status_code == 404


def test_agency_officer_sees_its_focal_staff_across_the_province(tree, make_user, login, vnpt):
    staff_a = person("Nhân Viên Một", organization=vnpt)
    staff_b = person("Nhân Viên Hai", organization=vnpt)
    member_add(actor=None, team=found_team(tree.village), person=staff_a)
    member_add(actor=None, team=found_team(tree.far_village), person=staff_b)
    officer = make_user("agency_officer", tree.commune, username="vnpt", organization=vnpt)
    names = {m.person.full_name for m in members_for(officer)}
    assert {"Nhân Viên Một", "Nhân Viên Hai"} <= names
    assert set(persons_for(officer).filter(organization=vnpt)) == {staff_a, staff_b}
    client = login(officer)
    # Another commune's other members are not theirs to see.
    assert "Thành Viên 1" not in client.get(f"/teams/organizations/{vnpt.pk}/").content.decode()
    assert client.get(f"/teams/people/{staff_b.pk}/").status_code == 200
    r = client.post(
        f"/teams/people/{staff_b.pk}/", {"full_name": "Nhân Viên Hai", "phone": "0912 000 111"}
    )
    assert r.status_code == 302
    staff_b.refresh_from_db()
    assert staff_b.phone == "0912000111"
    far_leader = staff_b.memberships.get().team.memberships.get(role="leader").person
    assert client.get(f"/teams/people/{far_leader.pk}/").status_code == 404
    assert client.post(f"/teams/people/{far_leader.pk}/", {"full_name": "X"}).status_code == 404
