"""Organisations renamed and merged with their history: former names with dates, a merge that
moves people, users, branches and letterheads and keeps the merged one closed; audited; the
pages refused beyond reach."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cdtt.audit.models import AuditEntry
from cdtt.documents.models import Letterhead
from cdtt.organizations.models import Organization
from cdtt.organizations.services import (
    organization_create,
    organization_merge,
    organization_rename,
)
from cdtt.teams.models import Person

MARCH = dt.date(2025, 3, 1)


@pytest.fixture
def depts(tree):
    info = organization_create(
        actor=None,
        name="Sở Thông tin và Truyền thông",
        short_name="STTTT",
        kind="agency",
        unit=tree.province,
    )
    science = organization_create(
        actor=None, name="Sở Khoa học và Công nghệ", kind="agency", unit=tree.province
    )
    return info, science


def test_a_rename_keeps_the_former_name_with_its_date(depts, tree):
    info, _science = depts
    letterhead = Letterhead.objects.create(
        name="Mẫu Sở",
        unit=tree.province,
        issuing_body="SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        place="Thanh Hóa",
    )
    organization_rename(
        actor=None, organization=info, name="Sở Khoa học và Công nghệ mới", on=MARCH
    )
    info.refresh_from_db()
    assert info.name == "Sở Khoa học và Công nghệ mới" and info.short_name == ""
    former = info.former_names.get()
    assert (former.name, former.short_name, former.renamed_on) == (
        "Sở Thông tin và Truyền thông",
        "STTTT",
        MARCH,
    )
    letterhead.refresh_from_db()
    assert letterhead.issuing_body == "SỞ KHOA HỌC VÀ CÔNG NGHỆ MỚI"
    assert AuditEntry.objects.filter(action="organization.rename").count() == 1
    with pytest.raises(ValidationError):  # a rename dated before the last one
        organization_rename(actor=None, organization=info, name="Tên khác", on=MARCH)


def test_a_rename_to_a_name_taken_in_the_unit_is_refused(depts):
    info, science = depts
    with pytest.raises(ValidationError, match="đã có"):
        organization_rename(actor=None, organization=info, name=science.name, on=MARCH)
    assert not info.former_names.exists()


def test_a_merge_moves_people_users_branches_and_keeps_the_merged_one_closed(
    depts, tree, make_user
):
    info, science = depts
    person = Person.objects.create(
        full_name="Lê Văn Bình", name_key="le van binh", organization=info
    )
    user = make_user("agency_officer", tree.province, organization=info)
    branch = organization_create(
        actor=None, name="Trung tâm CNTT", kind="agency", unit=tree.province, parent=info
    )
    moved = organization_merge(actor=None, source=info, target=science, on=MARCH)
    assert moved["teams.Person.organization"] == 1
    person.refresh_from_db()
    user.refresh_from_db()
    branch.refresh_from_db()
    info.refresh_from_db()
    assert person.organization == science and user.organization == science
    assert branch.parent == science
    assert info.merged_into == science and info.closed_on == MARCH and not info.active
    assert Organization.objects.filter(pk=info.pk).exists()
    assert AuditEntry.objects.filter(action="organization.merge").count() == 1
    with pytest.raises(ValidationError):
        organization_merge(actor=None, source=info, target=science, on=MARCH)


def test_a_merge_into_itself_or_a_branch_is_refused(depts, tree):
    info, _science = depts
    branch = organization_create(
        actor=None, name="Trung tâm CNTT", kind="agency", unit=tree.province, parent=info
    )
    with pytest.raises(ValidationError):
        organization_merge(actor=None, source=info, target=info, on=MARCH)
    with pytest.raises(ValidationError):
        organization_merge(actor=None, source=info, target=branch, on=MARCH)


def test_pages_three_personas(depts, tree, make_user, client, login):
    info, science = depts
    rename = reverse("organizations:rename", args=[info.pk])
    merge = reverse("organizations:merge", args=[info.pk])
    assert "/login/" in client.get(rename)["Location"]
    login(make_user("commune_officer", tree.sibling_commune))
    assert client.get(rename).status_code == 403  # sees the province body, may not change it
    assert client.post(merge, {"target": science.pk, "on": "01/03/2025"}).status_code == 403
    login(make_user("province_admin", tree.province))
    page = client.get(reverse("organizations:detail", args=[info.pk])).content.decode()
    assert rename in page and merge in page
    response = client.post(rename, {"name": "Sở KH&CN", "on": "01/03/2025"})
    assert response.status_code == 302
    page = client.get(reverse("organizations:detail", args=[info.pk])).content.decode()
    assert "Sở Thông tin và Truyền thông" in page and "01/03/2025" in page
    response = client.post(merge, {"target": science.pk, "on": "01/07/2025"})
    assert response["Location"] == reverse("organizations:detail", args=[science.pk])
    info.refresh_from_db()
    assert info.merged_into == science
