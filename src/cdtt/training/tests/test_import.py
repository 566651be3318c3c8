"""The paper sign-in sheet as the import kind ``attendance``."""

import pytest

from cdtt.core.imports import import_kind
from cdtt.training import services
from cdtt.training.models import Attendance
from cdtt.training.tests.factories import Training, person_in


@pytest.fixture
def t(tree, make_user):
    t = Training(tree, make_user)
    services.invite(actor=t.officer, course=t.course, teams=[t.team])
    return t


def run(t, tmp_path, text, actor=None, **options):
    path = tmp_path / "ky-ten.csv"
    path.write_text(text, encoding="utf-8")
    return import_kind("attendance").run(
        actor=actor or t.officer,
        path=str(path),
        dry_run=options.get("dry_run", False),
        skip_invalid=options.get("skip_invalid", False),
        progress=None,
    )


def test_the_sheet_marks_the_signed_members_present_once(t, tmp_path):
    sheet = f"Mã buổi học,Họ và tên\n{t.session.pk},nguyễn văn an\n{t.session.pk},Trần Thị Bình\n"
    result = run(t, tmp_path, sheet)
    assert result.ok and result.counts == {"added": 2, "unchanged": 0}
    assert Attendance.objects.filter(method="sheet").count() == 2
    again = run(t, tmp_path, sheet)
    assert again.counts == {"added": 0, "unchanged": 2}


def test_a_bad_row_writes_nothing_and_is_reported(t, tmp_path):
    sheet = (
        f"Mã buổi học,Họ và tên\n{t.session.pk},Nguyễn Văn An\n{t.session.pk},Người Lạ\n999,Ai Đó\n"
    )
    result = run(t, tmp_path, sheet)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "Họ và tên"), (4, "Mã buổi học")]
    assert not Attendance.objects.exists()
    skipped = run(t, tmp_path, sheet, skip_invalid=True)
    assert skipped.counts["added"] == 1


def test_two_enrolled_with_one_name_need_the_phone(t, tmp_path):
    twin = person_in(t.team, "Trần Thị Bình", phone="0987654321")
    services.invite(actor=t.officer, course=t.course, teams=[t.team])
    ambiguous = run(t, tmp_path, f"Mã buổi học,Họ và tên\n{t.session.pk},Trần Thị Bình\n")
    assert "trùng tên" in ambiguous.errors[0].reason
    sheet = f"Mã buổi học,Họ và tên,Số điện thoại\n{t.session.pk},Trần Thị Bình,0987654321\n"
    assert run(t, tmp_path, sheet).ok
    assert Attendance.objects.get().person == twin


def test_a_sibling_officer_cannot_import_into_the_course(t, tmp_path):
    result = run(
        t,
        tmp_path,
        f"Mã buổi học,Họ và tên\n{t.session.pk},Nguyễn Văn An\n",
        actor=t.sibling_officer,
    )
    assert not result.ok and not Attendance.objects.exists()


def test_a_dry_run_writes_nothing(t, tmp_path):
    result = run(
        t, tmp_path, f"Mã buổi học,Họ và tên\n{t.session.pk},Nguyễn Văn An\n", dry_run=True
    )
    assert result.counts["added"] == 1 and not Attendance.objects.exists()
