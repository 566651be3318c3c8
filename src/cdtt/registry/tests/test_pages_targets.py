"""Targets page: the province sets the province's target, districts and communes their own."""

import datetime as dt
from decimal import Decimal

from cdtt.registry.models import Target

YEAR = dt.date.today().year


def test_province_admin_sets_the_province_target(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    response = client.post("/registry/targets/", {"year": YEAR, "rate": "85.5"})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.year, target.rate) == (tree.province, YEAR, Decimal("85.50"))
    page = client.get("/registry/targets/").content.decode()
    assert "85,5%" in page


def test_commune_officer_sets_own_target_and_sees_the_inherited_one(tree, make_user, login):
    Target.objects.create(unit=tree.province, year=YEAR, rate=Decimal("80"))
    client = login(make_user("commune_officer", tree.commune))
    page = client.get("/registry/targets/")
    assert page.status_code == 200 and page.context["progress"].target.unit == tree.province
    client.post("/registry/targets/", {"year": YEAR, "rate": "90"})
    assert Target.objects.get(unit=tree.commune).rate == Decimal("90.00")
    # The sibling commune's officer neither sees nor changes it.
    other = login(make_user("commune_officer", tree.sibling_commune))
    listed = other.get("/registry/targets/").context["targets"]
    assert [t.unit for t in listed] == []


def test_read_only_roles_cannot_set(tree, make_user, login, client):
    assert client.get("/registry/targets/").status_code == 302
    leader = login(make_user("province_leader", tree.province))
    assert leader.get("/registry/targets/").status_code == 200
    assert leader.post("/registry/targets/", {"year": YEAR, "rate": "90"}).status_code == 403
    assert not Target.objects.exists()


def test_invalid_rate_is_refused(tree, make_user, login):
    client = login(make_user("district_officer", tree.district))
    response = client.post("/registry/targets/", {"year": YEAR, "rate": "120"})
    assert response.status_code == 200 and not Target.objects.exists()
