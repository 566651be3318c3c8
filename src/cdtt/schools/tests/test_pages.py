"""The school pages, with the three personas: the school's teacher, a teacher of a sibling
commune's school, anonymous."""

import pytest

from cdtt.schools.models import Completion, Lesson, Student
from cdtt.schools.services import class_create


@pytest.fixture
def school_class(school, teacher):
    return class_create(actor=teacher, school=school, name="6A", school_year="2025-2026")


def test_the_teacher_sees_their_school_and_class(client, teacher, school, student):
    client.force_login(teacher)
    page = client.get("/schools/")
    assert page.status_code == 200 and "Trường THCS Quảng Định" in page.content.decode()
    assert client.get(f"/schools/{school.pk}/").status_code == 200
    page = client.get(f"/schools/classes/{student.school_class_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nguyễn Văn An" in text and "Không tìm thấy nhân khẩu" in text


def test_a_teacher_of_a_sibling_school_gets_404(client, other_teacher, school, student):
    client.force_login(other_teacher)
    assert "Trường THCS Quảng Định" not in client.get("/schools/").content.decode()
    assert client.get(f"/schools/{school.pk}/").status_code == 404
    assert client.get(f"/schools/classes/{student.school_class_id}/").status_code == 404
    response = client.post(f"/schools/students/{student.pk}/complete/", {"skill": "payment"})
    assert response.status_code == 404
    assert not Completion.objects.exists()


def test_anonymous_is_sent_to_login(client, school, student):
    for url in (
        "/schools/",
        f"/schools/{school.pk}/",
        f"/schools/classes/{student.school_class_id}/",
    ):
        assert client.get(url).status_code == 302
    client.post(f"/schools/students/{student.pk}/complete/", {"skill": "payment"})
    assert not Completion.objects.exists()


def test_the_teacher_records_completions_matches_and_lessons(
    client,
    teacher,
    student,
    family,
):
    _household, child = family
    client.force_login(teacher)
    client.post(f"/schools/students/{student.pk}/complete/", {"skill": "payment"})
    assert Completion.objects.filter(student=student, skill__code="payment").exists()
    client.post(f"/schools/students/{student.pk}/match/", {"resident": child.pk})
    assert Student.objects.get(pk=student.pk).resident_id == child.pk
    assert child.assessments.filter(method="school").count() == 1
    client.post(
        f"/schools/classes/{student.school_class_id}/lessons/",
        {"skill": "safety", "title": "Mật khẩu mạnh", "planned_on": "01/10/2025"},
    )
    lesson = Lesson.objects.get()
    client.post(f"/schools/lessons/{lesson.pk}/delivered/")
    lesson.refresh_from_db()
    assert lesson.delivered_on is not None


def test_the_class_list_exports_to_excel_and_is_audited(client, teacher, student):
    from cdtt.audit.models import AuditEntry

    client.force_login(teacher)
    response = client.get(f"/schools/classes/{student.school_class_id}/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="export").exists()


def test_an_officer_adds_a_school_and_a_teacher(client, tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    client.force_login(officer)
    response = client.post(
        "/schools/",
        {"name": "Trường THCS Mới", "code": "th009", "level": "lower", "commune": "16000"},
    )
    assert response.status_code == 302
    from cdtt.schools.models import School

    school = School.objects.get(code="TH009")
    assert school.organization.kind == "school"
    client.post(
        f"/schools/{school.pk}/teachers/",
        {"full_name": "Cô Mai", "username": "gv-moi", "password": "Mat-khau-dai-2025"},
    )
    teacher = school.organization.users.get()
    assert (teacher.role, teacher.scope_unit.code) == ("teacher", "16000")


def test_an_officer_of_a_sibling_commune_may_not_add_a_school_there(client, tree, make_user):
    officer = make_user("commune_officer", tree.sibling_commune)
    client.force_login(officer)
    client.post(
        "/schools/", {"name": "Trường X", "code": "TX", "level": "lower", "commune": "16000"}
    )
    from cdtt.schools.models import School

    assert not School.objects.exists()
