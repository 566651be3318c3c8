"""Organisations: the access helper (three personas), the tree of branches, and the writes
(create, update, retire: scoped and audited)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cdtt.audit.models import AuditEntry
from cdtt.organizations.access import access_organization
from cdtt.organizations.models import Organization
from cdtt.organizations.selectors import (
    can_manage_organization,
    officer_organizations,
    organization_tree,
    organizations_for,
)
from cdtt.organizations.services import (
    organization_create,
    organization_retire,
    organization_update,
)


@pytest.fixture
def orgs(tree):
    school = organization_create(
        actor=None, name="Trường THCS Quảng Định", kind="school", unit=tree.commune
    )
    sibling_school = organization_create(
        actor=None, name="Trường THCS Quảng Nhân", kind="school", unit=tree.sibling_commune
    )
    vnpt = organization_create(
        actor=None, name="VNPT Thanh Hóa", kind="enterprise", unit=tree.province
    )
    branch = organization_create(
        actor=None, name="VNPT Nga Sơn", kind="enterprise", unit=tree.far_commune, parent=vnpt
    )
    return school, sibling_school, vnpt, branch


def test_access_for_the_commune_a_sibling_commune_and_anonymous(tree, make_user, orgs):
    school, sibling_school, vnpt, _branch = orgs
    officer = make_user("commune_officer", tree.commune)
    assert access_organization(officer, school.pk) == school
    assert access_organization(officer, vnpt.pk) == vnpt  # a province body serves every commune
    with pytest.raises(Http404):
        access_organization(officer, sibling_school.pk)
    sibling = make_user("commune_officer", tree.sibling_commune)
    assert set(organizations_for(sibling)) == {sibling_school, vnpt}
    with pytest.raises(Http404):
        access_organization(sibling, school.pk)
    with pytest.raises(Http404):
        access_organization(AnonymousUser(), vnpt.pk)
    assert not organizations_for(AnonymousUser()).exists()


def test_an_agency_officer_reaches_the_branches_of_their_organisation(tree, make_user, orgs):
    _school, _sibling, vnpt, branch = orgs
    assert organization_tree(vnpt) == [vnpt.pk, branch.pk]
    officer = make_user("agency_officer", tree.commune, organization=vnpt)
    assert officer_organizations(officer) == [vnpt.pk, branch.pk]
    assert access_organization(officer, branch.pk) == branch
    assert can_manage_organization(officer, branch)


def test_writes_are_scoped_and_audited(tree, make_user, orgs):
    school, sibling_school, _vnpt, _branch = orgs
    officer = make_user("commune_officer", tree.commune)
    organization_update(
        actor=officer,
        organization=school,
        name="Trường THCS Quảng Định",
        kind="school",
        unit=tree.commune,
        phone="0912 345 678",
    )
    assert Organization.objects.get(pk=school.pk).phone == "0912345678"
    with pytest.raises(PermissionDenied):
        organization_retire(actor=officer, organization=sibling_school)
    with pytest.raises(PermissionDenied):
        organization_create(actor=officer, name="Xa", kind="school", unit=tree.sibling_commune)
    organization_retire(actor=officer, organization=school)
    assert not Organization.objects.get(pk=school.pk).active
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["organization.update", "organization.retire"]


def test_a_name_is_unique_within_a_unit(tree, orgs):
    with pytest.raises(ValidationError):
        organization_create(
            actor=None, name="trường thcs quảng định", kind="school", unit=tree.commune
        )
