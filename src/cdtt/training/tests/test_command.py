"""``cdtt training``: the courses of a unit, a whole course's certificates, the completions as a
workbook; an unknown unit or course is refused."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cdtt.training import services
from cdtt.training.models import Attendance, Completion
from cdtt.training.tests.factories import Training


@pytest.fixture
def t(tree, make_user):
    return Training(tree, make_user)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("training", *args, stdout=out)
    return out.getvalue()


def test_courses_of_a_unit(t):
    assert t.course.title in _run("courses", "--unit", t.tree.commune.code)
    assert t.course.title not in _run("courses", "--unit", t.tree.sibling_commune.code)
    with pytest.raises(CommandError, match="Không có đơn vị"):
        _run("courses", "--unit", "00000")


def test_certificates_of_a_whole_course_then_the_workbook(t, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "cdtt.training.certificates.certificate_pdf", lambda completion: b"%PDF-1.4"
    )
    t.course.test_required = False
    t.course.save()
    services.enrol(actor=t.user, course=t.course, person=t.person)
    Attendance.objects.create(session=t.session, person=t.person, method="list")
    assert "1 giấy chứng nhận" in _run("certificates", str(t.course.pk))
    assert Completion.objects.filter(person=t.person).count() == 1
    target = tmp_path / "hoan-thanh.xlsx"
    assert "1 dòng" in _run("completions", "--unit", t.tree.commune.code, "-o", str(target))
    sheet = load_workbook(target).active
    assert sheet.cell(2, 1).value == "Nguyễn Văn An"
    with pytest.raises(CommandError, match="Không có khóa tập huấn"):
        _run("certificates", "999999")
