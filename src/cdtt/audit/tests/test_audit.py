"""The audit log: what an entry records, whose entries a user sees, the log page's personas."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from cdtt.audit.models import AuditEntry
from cdtt.audit.selectors import audit_entries_under
from cdtt.audit.services import audit_entry, audit_record
from cdtt.core.access import scope_path

pytestmark = pytest.mark.django_db


def audit_entries_for(user, **filters):
    """What the log page lists for ``user``: the entries under their scope."""
    return audit_entries_under(scope_path(user), **filters)


@pytest.fixture
def log(tree, make_user):
    """One entry at each place of the tree, each by its own officer."""

    class Log:
        admin = make_user("province_admin", tree.province)
        district = make_user("district_officer", tree.district)
        commune = make_user("commune_officer", tree.commune)
        sibling = make_user("commune_officer", tree.sibling_commune)

    AuditEntry.objects.all().delete()  # the users' own creation entries
    for actor, unit, summary in (
        (Log.admin, tree.province, "Sửa kỹ năng Thanh toán"),
        (Log.commune, tree.commune, "Thêm hộ HK01 xã Quảng Định"),
        (Log.commune, tree.village, "Sửa thôn Yên Trung"),
        (Log.sibling, tree.sibling_commune, "Thêm hộ HK09 xã Quảng Nhân"),
        (Log.admin, tree.far_commune, "Thêm hộ HK77 xã Nga Văn"),
    ):
        audit_record(actor=actor, action="test.write", obj=unit, unit=unit, summary=summary)
    return Log


def summaries(entries) -> set[str]:
    return {e.summary for e in entries}


# --- audit_entry / audit_record --------------------------------------------------------------


def test_an_entry_names_the_actor_the_object_and_the_unit(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    entry = audit_entry(
        actor=officer,
        action="village.rename",
        obj=tree.village,
        unit=tree.village,
        summary="Đổi tên thôn",
        changes={"before": "Yên Trung", "after": "Yên Trung 1"},
    )
    assert entry.pk is None  # unsaved: for callers inserting it with their own rows
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        officer,
        "village.rename",
        "geo.AdminUnit",
        str(tree.village.pk),
    )
    assert entry.unit_path == "/38/400/16000/16000-001/"
    assert entry.changes == {"before": "Yên Trung", "after": "Yên Trung 1"}


def test_defaults_an_object_given_by_type_and_a_long_summary(tree):
    entry = audit_entry(actor=None, action="x", obj=tree.commune)
    assert entry.summary == str(tree.commune) and entry.changes == {} and entry.unit_path == ""
    entry = audit_entry(
        actor=AnonymousUser(),
        action="x",
        object_type="registry.Household",
        object_id="7",
        summary="a" * 500,
    )
    assert entry.actor is None  # no account behind the change: kept without one
    assert (entry.object_type, entry.object_id, len(entry.summary)) == (
        "registry.Household",
        "7",
        300,
    )


def test_audit_record_writes_the_entry(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    before = AuditEntry.objects.count()
    audit_record(
        actor=officer,
        action="household.create",
        obj=tree.village,
        unit=tree.village,
        summary="Thêm hộ",
        changes={"code": "HK01"},
    )
    assert AuditEntry.objects.count() == before + 1
    stored = AuditEntry.objects.get(action="household.create")
    assert (stored.actor_id, stored.summary, stored.changes, stored.unit_path) == (
        officer.pk,
        "Thêm hộ",
        {"code": "HK01"},
        tree.village.path,
    )
    assert stored.at is not None


def test_a_service_write_and_its_entry_commit_or_roll_back_together(tree, make_user):
    from django.db import transaction

    from cdtt.geo.models import AdminUnit
    from cdtt.geo.services import village_create

    officer = make_user("commune_officer", tree.commune)
    with pytest.raises(RuntimeError), transaction.atomic():
        village_create(actor=officer, commune=tree.commune, name="Thôn Bỏ")
        raise RuntimeError("the caller's transaction fails after the write")
    assert not AdminUnit.objects.filter(name="Thôn Bỏ").exists()
    assert not AuditEntry.objects.filter(action="village.create").exists()

    village = village_create(actor=officer, commune=tree.commune, name="Thôn Mới")
    (entry,) = AuditEntry.objects.filter(action="village.create")
    assert (entry.actor_id, entry.object_id, entry.unit_path) == (
        officer.pk,
        str(village.pk),
        village.path,
    )


# --- the selector's scope ------------------------------------------------------------------


def test_each_officer_sees_the_entries_of_their_subtree(log):
    everything = summaries(AuditEntry.objects.all())
    assert summaries(audit_entries_for(log.admin)) == everything
    assert summaries(audit_entries_for(log.district)) == {
        "Thêm hộ HK01 xã Quảng Định",
        "Sửa thôn Yên Trung",
        "Thêm hộ HK09 xã Quảng Nhân",
    }
    assert summaries(audit_entries_for(log.commune)) == {
        "Thêm hộ HK01 xã Quảng Định",
        "Sửa thôn Yên Trung",
    }
    assert summaries(audit_entries_for(log.sibling)) == {"Thêm hộ HK09 xã Quảng Nhân"}


def test_nobody_outside_a_scope_sees_anything(log, make_user, tree):
    assert not audit_entries_for(AnonymousUser()).exists()
    log.commune.is_active = False
    log.commune.save()
    assert not audit_entries_for(log.commune).exists()
    unscoped = make_user("commune_officer", tree.commune, username="no-unit")
    unscoped.scope_unit = None
    unscoped.save()
    assert not audit_entries_for(unscoped).exists()


def test_filters_by_text_and_action(log):
    assert summaries(audit_entries_for(log.admin, q="hk0")) == {
        "Thêm hộ HK01 xã Quảng Định",
        "Thêm hộ HK09 xã Quảng Nhân",
    }
    assert not audit_entries_for(log.admin, action="other.action").exists()
    assert audit_entries_for(log.commune, action="test.write").count() == 2


# --- the log page --------------------------------------------------------------------------


def test_the_page_shows_ones_subtree_newest_first(client, log):
    client.force_login(log.commune)
    html = client.get("/audit/").content.decode()
    html = html[html.index('id="listing-results"') :]  # the entries, not the filters' choices
    assert "Thêm hộ HK01 xã Quảng Định" in html and "Sửa thôn Yên Trung" in html
    assert html.index("Sửa thôn Yên Trung") < html.index("Thêm hộ HK01 xã Quảng Định")
    assert "HK09" not in html and "HK77" not in html and "Sửa kỹ năng" not in html


def test_a_sibling_communes_officer_sees_only_their_own(client, log):
    client.force_login(log.sibling)
    html = client.get("/audit/").content.decode()
    assert "HK09" in html and "HK01" not in html and "Yên Trung" not in html
    response = client.get("/audit/?format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [r[4] for r in rows[1:]] == ["Thêm hộ HK09 xã Quảng Nhân"]
    # The time is a date-time cell shown dd/mm/yyyy hh:mm (sortable), not text.
    when = workbook.active["A2"]
    assert isinstance(when.value, dt.datetime) and when.number_format == "DD/MM/YYYY HH:MM"


def test_anonymous_users_are_sent_to_login_and_field_roles_refused(client, log, make_user, tree):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get("/audit/?format=xlsx").status_code == 302
    client.force_login(make_user("team_member", tree.commune))
    assert client.get("/audit/").status_code == 403


def test_no_entries_says_so(client, make_user, tree):
    officer = make_user("commune_officer", tree.far_commune)
    AuditEntry.objects.all().delete()
    client.force_login(officer)
    assert "Chưa có thay đổi nào được ghi lại." in client.get("/audit/").content.decode()
