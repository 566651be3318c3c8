"""A data subject's request: everything about a resident (XLSX, JSON), an erasure that keeps the
figures right, retention, and the command line."""

import dataclasses
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cdtt.audit.models import AuditEntry
from cdtt.audit.personal import ERASE, SUBJECT_EXPORT, VIEW
from cdtt.core.rollups import checkers
from cdtt.figures.catalogue import figures_of
from cdtt.privacy.services import retention_apply
from cdtt.registry.models import Resident, ResidentStatus
from cdtt.registry.selectors import coverage_of
from cdtt.registry.services import resident_set_status

PURPOSE = "Đơn đề nghị của ông Chủ ngày 05/01/2026"


def test_export_personas(field, make_user, login, client):
    url = f"/privacy/residents/{field.head.pk}/export/"
    body = {"fmt": "json", "purpose": PURPOSE}
    assert client.post(url, body).status_code == 302  # anonymous: the login page
    sibling = login(make_user("commune_officer", field.tree.sibling_commune))
    assert sibling.post(url, body).status_code == 404
    assert (
        login(make_user("province_leader", field.tree.province)).post(url, body).status_code == 403
    )
    assert not AuditEntry.objects.filter(action=SUBJECT_EXPORT).exists()
    officer = login(field.officer)
    assert officer.get(f"/privacy/residents/{field.head.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action=VIEW, object_id=str(field.head.pk)).exists()
    response = officer.post(url, body)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["resident"]["full_name"] == "Lê Văn Chủ"
    assert data["resident"]["phone"] == "0912345678"
    assert data["resident"]["birth_date"] == "1970-03-04"
    assert data["household"]["code"] == "HO-001"
    assert {a["skill"] for a in data["assessments"]} == {
        "public_services",
        "shopping",
        "payment",
        "safety",
        "local_platform",
    }
    entry = AuditEntry.objects.get(action=SUBJECT_EXPORT)
    assert entry.actor == field.officer and entry.changes["purpose"] == PURPOSE


def test_export_xlsx_holds_everything(field, login):
    response = login(field.officer).post(
        f"/privacy/residents/{field.head.pk}/export/", {"fmt": "xlsx", "purpose": PURPOSE}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    person = dict(zip(header, rows[1], strict=True))
    assert person["Họ và tên"] == "Lê Văn Chủ" and person["Số điện thoại"] == "0912345678"
    assert person["Ngày sinh"].date() == dt.date(1970, 3, 4) and person["Năm sinh"] == 1970
    assert sum(1 for r in rows if r[0] == "Đánh giá kỹ năng") == 5


def test_export_without_a_purpose_is_refused_and_logs_nothing(field, login):
    response = login(field.officer).post(
        f"/privacy/residents/{field.head.pk}/export/", {"fmt": "xlsx", "purpose": " "}
    )
    assert response.status_code == 400
    assert "Mục đích" in response.content.decode()
    assert not AuditEntry.objects.filter(action=SUBJECT_EXPORT).exists()


def _figures(tree) -> dict:
    return {
        "commune": dataclasses.asdict(coverage_of(tree.commune)),
        "province": dataclasses.asdict(coverage_of(tree.province)),
        "figures": figures_of(tree.province, codes=["households", "covered", "rate"]),
    }


def test_erase_keeps_the_figures_right(field, make_user, login, client):
    before = _figures(field.tree)
    assert before["commune"]["covered"] == 1
    url = f"/privacy/residents/{field.head.pk}/erase/"
    body = {"reason": PURPOSE, "confirm": "on"}
    assert client.post(url, body).status_code == 302
    sibling = login(make_user("commune_officer", field.tree.sibling_commune))
    assert sibling.post(url, body).status_code == 404
    officer = login(field.officer)
    # Without the confirmation nothing changes.
    assert officer.post(url, {"reason": PURPOSE}).status_code == 400
    assert Resident.objects.get(pk=field.head.pk).full_name == "Lê Văn Chủ"
    assert officer.post(url, body).status_code == 302
    erased = Resident.objects.get(pk=field.head.pk)
    assert erased.full_name != "Lê Văn Chủ" and erased.phone == "" and erased.birth_date is None
    assert erased.proficient and erased.status == ResidentStatus.CURRENT
    # Nothing left in the audit log names the resident.
    assert not AuditEntry.objects.filter(summary__contains="Lê Văn Chủ").exists()
    assert AuditEntry.objects.filter(action=ERASE, object_id=str(erased.pk)).exists()
    # The counters and the figures that counted them stay right.
    assert _figures(field.tree) == before
    for checker in checkers():
        assert list(checker.check()) == [], checker.name
    # A second erasure is refused with a reason.
    again = officer.post(url, body)
    assert again.status_code == 400 and "Nhân khẩu này đã được ẩn danh." in again.content.decode()


def test_retention_anonymises_former_residents_and_old_log(field, settings):
    settings.CDTT_FORMER_RESIDENT_RETENTION_DAYS = 30
    settings.CDTT_ACCESS_LOG_RETENTION_DAYS = 10
    today = timezone.localdate()
    resident_set_status(actor=None, resident=field.other, status=ResidentStatus.MOVED_OUT)
    Resident.objects.filter(pk=field.other.pk).update(
        status_changed_on=today - dt.timedelta(days=31)
    )
    resident_set_status(actor=None, resident=field.child, status=ResidentStatus.DECEASED)
    old = AuditEntry.objects.create(action=VIEW, object_type="x", summary="cũ")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=11))
    recent = AuditEntry.objects.create(action=VIEW, object_type="x", summary="mới")
    change = AuditEntry.objects.create(action="resident.create", object_type="x", summary="ghi")
    AuditEntry.objects.filter(pk=change.pk).update(at=timezone.now() - dt.timedelta(days=400))
    before = _figures(field.tree)
    call_command("privacy", "retention", "--dry-run")
    assert Resident.objects.get(pk=field.other.pk).full_name == "Trần Văn Hai"
    outcome = retention_apply()
    assert (outcome.residents, outcome.log_entries) == (1, 1)
    assert Resident.objects.get(pk=field.other.pk).full_name != "Trần Văn Hai"
    assert Resident.objects.get(pk=field.child.pk).full_name == "Lê Thị Con"  # not yet due
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[recent.pk, change.pk]).count() == 2
    assert _figures(field.tree) == before
    assert retention_apply().residents == 0  # already done


def test_command_line_export_and_erase(field, tmp_path):
    out = tmp_path / "du-lieu.json"
    call_command("privacy", "export", "--resident", str(field.head.pk), "-o", str(out))
    assert json.loads(out.read_text())["resident"]["full_name"] == "Lê Văn Chủ"
    xlsx = tmp_path / "du-lieu.xlsx"
    call_command("privacy", "export", "--resident", str(field.head.pk), "-o", str(xlsx))
    assert openpyxl.load_workbook(xlsx).active["D2"].value == "Lê Văn Chủ"
    with pytest.raises(CommandError):
        call_command("privacy", "export", "--resident", "999999", "-o", str(out))
    with pytest.raises(CommandError):
        call_command("privacy", "export", "--resident", str(field.head.pk), "-o", "x.csv")
    call_command("privacy", "erase", "--resident", str(field.head.pk))
    assert Resident.objects.get(pk=field.head.pk).full_name != "Lê Văn Chủ"
    with pytest.raises(CommandError):
        call_command("privacy", "erase", "--resident", str(field.head.pk))


def test_erasure_anonymises_the_resident_s_students_and_their_lists_digests(field):
    """A student matched to the erased resident is anonymised too, and the digest of the list
    last imported into the student's class is forgotten: the next import compares it."""
    from cdtt.privacy.services import resident_erase
    from cdtt.schools.models import SchoolClass, Student
    from cdtt.schools.tests.factories import ApiSeed

    seed = ApiSeed(field.tree.commune, field.head)
    name = seed.student.full_name
    assert name == "Lê Văn Chủ"
    Student.objects.filter(pk=seed.student.pk).update(resident=field.head)
    SchoolClass.objects.filter(pk=seed.school_class.pk).update(list_digest=7)
    resident_erase(actor=field.officer, resident=field.head, reason=PURPOSE)
    seed.student.refresh_from_db()
    assert seed.student.full_name != name
    assert SchoolClass.objects.get(pk=seed.school_class.pk).list_digest is None
