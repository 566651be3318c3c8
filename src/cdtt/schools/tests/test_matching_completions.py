"""Matching students to residents and recording completed skills as school assessments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cdtt.registry.models import Household
from cdtt.registry.services import household_create, resident_create
from cdtt.schools.models import Completion
from cdtt.schools.selectors import match_of
from cdtt.schools.services import (
    class_create,
    completion_record,
    lesson_deliver,
    lesson_plan,
    student_household_code_set,
    student_match_confirm,
)
from cdtt.skills.models import Method, SkillAssessment


def test_one_resident_fits_and_the_teacher_confirms(student, family, teacher):
    household, child = family
    match = match_of(student)
    assert match.state == "one" and match.candidates == [child]
    student_match_confirm(actor=teacher, student=student, resident_id=child.pk)
    student.refresh_from_db()
    assert student.resident == child and match_of(student).state == "confirmed"


def test_no_resident_fits_is_reported(student, teacher):
    assert match_of(student).state == "none"
    with pytest.raises(ValidationError, match="Không tìm thấy"):
        student_match_confirm(actor=teacher, student=student, resident_id=1)


def test_two_residents_fit_is_never_guessed(student, family, tree, teacher):
    _household, child = family
    other = household_create(actor=None, village=tree.village2, code="HK0002")
    twin = resident_create(
        actor=None,
        household=other,
        full_name="Nguyễn Văn An",
        birth_date=dt.date(2013, 3, 5),
        birth_year=None,
    )
    assert match_of(student).state == "many"
    with pytest.raises(ValidationError, match="không tự chọn"):
        student_match_confirm(actor=teacher, student=student, resident_id=child.pk)
    student_household_code_set(actor=teacher, student=student, household_code="hk0002")
    match = match_of(student)
    assert match.state == "one" and match.candidates == [twin]


def test_a_completion_of_a_matched_student_covers_the_household(student, family, teacher, skills):
    household, child = family
    student_match_confirm(actor=teacher, student=student, resident_id=child.pk)
    for skill in skills:
        completion_record(actor=teacher, student=student, skill_code=skill.code)
    household.refresh_from_db()
    assert household.covered
    assessments = SkillAssessment.objects.filter(resident=child)
    assert assessments.count() == len(skills)
    assert set(assessments.values_list("method", flat=True)) == {Method.SCHOOL}
    call_command("rollups", "--check")  # exits 1 on any difference


def test_completions_before_the_match_are_assessed_at_the_match(student, family, teacher, skills):
    household, child = family
    for skill in skills:
        completion_record(actor=teacher, student=student, skill_code=skill.code)
    assert not SkillAssessment.objects.exists()
    student_match_confirm(actor=teacher, student=student, resident_id=child.pk)
    assert Household.objects.get(pk=household.pk).covered
    assert not Completion.objects.filter(assessment__isnull=True).exists()
    call_command("rollups", "--check")


def test_recording_a_skill_twice_changes_nothing(student, teacher, skills):
    completion_record(actor=teacher, student=student, skill_code=skills[0].code)
    completion_record(actor=teacher, student=student, skill_code=skills[0].code)
    assert Completion.objects.count() == 1


def test_a_teacher_of_another_school_may_not_record(
    student, other_teacher, skills, tree, make_user
):
    with pytest.raises(PermissionDenied):
        completion_record(actor=other_teacher, student=student, skill_code=skills[0].code)
    sibling = make_user("commune_officer", tree.sibling_commune)
    with pytest.raises(PermissionDenied):
        student_match_confirm(actor=sibling, student=student, resident_id=1)


def test_lessons_are_planned_then_delivered(student, teacher, skills):
    lesson = lesson_plan(
        actor=teacher,
        school_class=student.school_class,
        skill_code="payment",
        title="Thanh toán an toàn",
        planned_on=dt.date(2025, 10, 1),
    )
    assert lesson.delivered_on is None
    lesson_deliver(actor=teacher, lesson=lesson, delivered_on=dt.date(2025, 10, 2))
    lesson.refresh_from_db()
    assert lesson.delivered_on == dt.date(2025, 10, 2) and lesson.delivered_by == teacher


def test_a_class_outside_grades_6_to_12_is_refused(school, teacher):
    with pytest.raises(ValidationError):
        class_create(actor=teacher, school=school, name="5A", school_year="2025-2026")
    with pytest.raises(ValidationError):
        class_create(actor=teacher, school=school, name="6A", school_year="2025-2027")


def test_a_school_the_teams_listed_joins_the_program_once(tree):
    from cdtt.organizations.models import Organization
    from cdtt.organizations.services import organization_create
    from cdtt.schools.services import school_create

    listed = organization_create(
        actor=None, name="Trường THCS Quảng Nhân", kind="school", unit=tree.sibling_commune
    )
    school = school_create(
        actor=None,
        name="Trường THCS Quảng Nhân",
        code="th9",
        level="lower",
        commune=tree.sibling_commune,
    )
    assert school.organization_id == listed.pk and Organization.objects.count() == 1
    with pytest.raises(ValidationError, match="đã tham gia"):
        school_create(
            actor=None,
            name="Trường THCS Quảng Nhân",
            code="th10",
            level="lower",
            commune=tree.sibling_commune,
        )
