"""Units fetched for a user: the subtree of their scope unit, and nothing beyond it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cdtt.core.access import in_scope, scope_path
from cdtt.geo.access import access_unit, access_unit_by_id, units_for


def test_a_commune_officer_sees_the_commune_and_its_villages(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    assert scope_path(officer) == tree.commune.path
    assert set(units_for(officer)) == {tree.commune, tree.village, tree.village2}
    assert access_unit(officer, tree.village.code) == tree.village
    assert access_unit_by_id(officer, tree.village2.pk) == tree.village2
    assert in_scope(officer, tree.village) and not in_scope(officer, tree.sibling_village)


def test_a_sibling_communes_officer_gets_404_for_what_lies_outside(tree, make_user):
    sibling = make_user("commune_officer", tree.sibling_commune)
    with pytest.raises(Http404):
        access_unit(sibling, tree.village.code)
    with pytest.raises(Http404):
        access_unit_by_id(sibling, tree.commune.pk)
    with pytest.raises(Http404):
        access_unit(sibling, "no-such-code")


def test_anonymous_and_inactive_users_see_nothing(tree, make_user):
    assert scope_path(AnonymousUser()) is None
    assert not units_for(AnonymousUser()).exists()
    with pytest.raises(Http404):
        access_unit(AnonymousUser(), tree.province.code)
    inactive = make_user("province_admin", tree.province)
    inactive.is_active = False
    assert not units_for(inactive).exists() and not in_scope(inactive, tree.village)
