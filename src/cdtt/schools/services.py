"""Writes of the school program: keyword-only, one transaction, one audit entry each.

A completed skill of a student matched to a resident is recorded as an assessment with method
``school`` through the registry's assessment service, in the same transaction: the resident's
level, the household's coverage and the village's counters move at once. A student matched
later takes the assessments of the skills completed before the match."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.accounts.services import user_create
from cdtt.audit.services import audit_record
from cdtt.core.access import in_scope
from cdtt.core.roles import Role
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import clean, fold
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.organizations.services import organization_create
from cdtt.registry.assessments import Observation, assessments_record
from cdtt.registry.models import Resident
from cdtt.schools.models import (
    GRADES,
    SCHOOL_YEAR_PATTERN,
    Completion,
    Lesson,
    School,
    SchoolClass,
    SchoolLevel,
    Student,
)
from cdtt.schools.selectors import can_manage_schools, can_teach, match_of
from cdtt.skills.models import Level as SkillLevel
from cdtt.skills.models import Method, Skill


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def school_year_check(value: str) -> str:
    """'2025-2026': two consecutive years."""
    value = clean(value).replace(" ", "").replace("–", "-")
    if not re.match(SCHOOL_YEAR_PATTERN, value) or int(value[5:]) != int(value[:4]) + 1:
        raise ValidationError(
            _("Năm học “%(v)s” phải có dạng 2025-2026 (hai năm liền nhau).") % {"v": value}
        )
    return value


def class_grade(name: str) -> int:
    """The grade a class name starts with: '6A' -> 6, '10A1' -> 10."""
    digits = re.match(r"^\d+", clean(name))
    grade = int(digits.group()) if digits else 0
    if grade not in GRADES:
        raise ValidationError(
            _("Lớp “%(v)s” phải bắt đầu bằng khối từ 6 đến 12 (ví dụ 6A, 10A1).") % {"v": name}
        )
    return grade


def _school_organization(*, actor, name: str, commune: AdminUnit, phone: str) -> Organization:
    """The commune's organisation of kind school of that name (one the teams already listed
    joins the program), or a new one."""
    found = Organization.objects.filter(
        unit=commune, kind=OrganizationKind.SCHOOL, name_key=fold(clean(name))
    ).first()
    if found is not None:
        if School.objects.filter(organization=found).exists():
            raise ValidationError({"name": _("Trường này đã tham gia chương trình.")})
        return found
    return organization_create(
        actor=actor, name=name, kind=OrganizationKind.SCHOOL, unit=commune, phone=phone
    )


@transaction.atomic
def school_create(
    *, actor, name: str, code: str, level: str, commune: AdminUnit, phone: str = ""
) -> School:
    """A school: an organisation of kind school (the commune's one of that name when the teams
    already listed it), with its code and level."""
    if actor is not None:
        _require(can_manage_schools(actor) and commune is not None and in_scope(actor, commune))
    code = clean(code).upper()
    if not code:
        raise ValidationError({"code": _("Mã trường không được để trống.")})
    if level not in SchoolLevel.values:
        raise ValidationError({"level": _("Cấp học không hợp lệ.")})
    if commune is None or commune.level != Level.COMMUNE:
        raise ValidationError({"commune": _("Trường phải thuộc một xã.")})
    if School.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Đã có trường mã “%(c)s”.") % {"c": code}})
    org = _school_organization(actor=actor, name=name, commune=commune, phone=phone)
    ids = commune.ancestor_ids()
    school = School.objects.create(
        organization=org,
        code=code,
        level=level,
        commune=commune,
        district_id=ids.get("district_id"),
        province_id=ids.get("province_id"),
    )
    audit_record(
        actor=actor,
        action="school.create",
        obj=school,
        unit=commune,
        summary=_("Thêm trường %(n)s (mã %(c)s)") % {"n": org.name, "c": code},
    )
    return school


@transaction.atomic
def teacher_create(
    *, actor, school: School, username: str, password: str, full_name: str, phone: str = ""
):
    """A teacher's account: role teacher, scope the school's commune, linked to the school."""
    if actor is not None:
        _require(can_manage_schools(actor, school))
    user = user_create(
        actor=None,  # the officer's right over the school was checked above
        username=clean(username),
        password=password,
        role=Role.TEACHER,
        scope_unit=school.commune,
        full_name=clean(full_name),
        phone=phone,
        organization=school.organization,
    )
    audit_record(
        actor=actor,
        action="school.teacher_add",
        obj=school,
        unit=school.commune,
        summary=_("Thêm giáo viên %(u)s cho trường %(s)s") % {"u": user, "s": school},
    )
    return user


@transaction.atomic
def class_create(*, actor, school: School, name: str, school_year: str) -> SchoolClass:
    if actor is not None:
        _require(can_teach(actor, school))
    name = clean(name).upper()
    grade = class_grade(name)
    school_year = school_year_check(school_year)
    school_class, created = SchoolClass.objects.get_or_create(
        school=school,
        school_year=school_year,
        name_key=fold(name),
        defaults={"name": name, "grade": grade},
    )
    if created:
        audit_record(
            actor=actor,
            action="school.class_create",
            obj=school_class,
            unit=school.commune,
            summary=_("Thêm lớp %(c)s, %(s)s") % {"c": school_class, "s": school},
        )
    return school_class


def _skill(code: str) -> Skill:
    skill = Skill.objects.filter(code=code, active=True).first()
    if skill is None:
        raise ValidationError(_("Không có kỹ năng mã “%(c)s”.") % {"c": code})
    return skill


@transaction.atomic
def lesson_plan(
    *, actor, school_class: SchoolClass, skill_code: str, title: str, planned_on: dt.date
) -> Lesson:
    """Plan a lesson of the curriculum (one of the five skills) for a class."""
    _require(actor is None or can_teach(actor, school_class.school))
    title = clean(title)
    if not title:
        raise ValidationError({"title": _("Nội dung tiết học không được để trống.")})
    lesson = Lesson.objects.create(
        school_class=school_class,
        skill=_skill(skill_code),
        title=title[:200],
        planned_on=planned_on,
    )
    audit_record(
        actor=actor,
        action="school.lesson_plan",
        obj=lesson,
        unit=school_class.school.commune,
        summary=_("Lên kế hoạch tiết “%(t)s” cho lớp %(c)s") % {"t": title, "c": school_class},
    )
    return lesson


@transaction.atomic
def lesson_deliver(*, actor, lesson: Lesson, delivered_on: dt.date, note: str = "") -> Lesson:
    """Log that a planned lesson was taught."""
    school = lesson.school_class.school
    _require(actor is None or can_teach(actor, school))
    if delivered_on > timezone.localdate():
        raise ValidationError(_("Ngày dạy ở tương lai."))
    lesson.delivered_on = delivered_on
    lesson.delivered_by = actor if getattr(actor, "pk", None) else None
    lesson.note = clean(note)[:300]
    lesson.save(update_fields=["delivered_on", "delivered_by", "note"])
    audit_record(
        actor=actor,
        action="school.lesson_deliver",
        obj=lesson,
        unit=school.commune,
        summary=_("Đã dạy tiết “%(t)s”, lớp %(c)s") % {"t": lesson.title, "c": lesson.school_class},
    )
    return lesson


def _assessed_at(day: dt.date) -> dt.datetime:
    """The moment an assessment of a completion is dated: now for today, else noon that day."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _assess(actor, student: Student, completions: list[Completion]) -> None:
    """Record the completions of a matched student as school assessments (proficient)."""
    resident = Resident.objects.select_related("village").get(pk=student.resident_id)
    for completion in completions:  # one time each: each completion keeps its own date
        (assessment,) = assessments_record(
            actor=actor,
            observations=[Observation(resident, completion.skill.code, int(SkillLevel.PROFICIENT))],
            method=Method.SCHOOL,
            assessed_at=_assessed_at(completion.completed_on),
            assessor_name=str(student.school_class.school),
        )
        completion.assessment = assessment
        completion.save(update_fields=["assessment"])


@transaction.atomic
def completion_record(
    *, actor, student: Student, skill_code: str, completed_on: dt.date | None = None
) -> Completion:
    """Record that a student completed a skill; for a matched student, also the school
    assessment (the household's coverage moves in this transaction). Recording a skill twice
    changes nothing."""
    school = student.school_class.school
    _require(actor is None or can_teach(actor, school))
    # The match as stored now (a teacher may have confirmed it since ``student`` was read).
    student = Student.objects.select_related("school_class__school").get(pk=student.pk)
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ValidationError(_("Ngày hoàn thành ở tương lai."))
    skill = _skill(skill_code)
    completion, created = Completion.objects.get_or_create(
        student=student,
        skill=skill,
        defaults={
            "completed_on": completed_on,
            "recorded_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    if not created:
        return completion
    if student.resident_id:
        _assess(actor, student, [completion])
    audit_record(
        actor=actor,
        action="school.completion",
        obj=completion,
        unit=school.commune,
        summary=_("%(s)s hoàn thành kỹ năng %(k)s") % {"s": student, "k": skill.name},
    )
    return completion


def class_list_changed(class_ids) -> None:
    """Forget the digest of these classes' lists (``SchoolClass.list_digest``): a student of
    theirs was written otherwise than by the list's import, and the next import of the list
    compares it row by row."""
    SchoolClass.objects.filter(pk__in=list(class_ids), list_digest__isnull=False).update(
        list_digest=None
    )


@transaction.atomic
def student_household_code_set(*, actor, student: Student, household_code: str) -> Student:
    """The household code narrows a student's match when two residents fit."""
    _require(actor is None or can_teach(actor, student.school_class.school))
    if student.resident_id:
        raise ValidationError(_("Học sinh đã được đối chiếu với nhân khẩu."))
    student.household_code = clean(household_code)[:40]
    student.save(update_fields=["household_code"])
    class_list_changed([student.school_class_id])
    audit_record(
        actor=actor,
        action="school.student_update",
        obj=student,
        unit=student.commune,
        summary=_("Mã hộ của học sinh %(s)s: %(c)s") % {"s": student, "c": student.household_code},
    )
    return student


@transaction.atomic
def student_match_confirm(*, actor, student: Student, resident_id: int) -> Student:
    """A teacher confirms the one resident who fits the student. Never when two residents fit
    (the household code must narrow it first) nor when none does. The skills the student
    completed already are recorded as assessments of that resident."""
    _require(actor is None or can_teach(actor, student.school_class.school))
    student = (
        Student.objects.select_for_update()
        .select_related("school_class__school")
        .get(pk=student.pk)
    )
    match = match_of(student)
    if match.state == "confirmed":
        raise ValidationError(_("Học sinh đã được đối chiếu với nhân khẩu."))
    if match.state == "none":
        raise ValidationError(_("Không tìm thấy nhân khẩu nào khớp với học sinh này."))
    if match.state == "many":
        raise ValidationError(
            _(
                "Có %(n)d nhân khẩu cùng họ tên, ngày sinh trong xã: không tự chọn. "
                "Hãy nhập mã hộ của học sinh để phân biệt."
            )
            % {"n": len(match.candidates)}
        )
    resident = match.candidates[0]
    if resident.pk != int(resident_id):
        raise ValidationError(_("Nhân khẩu được chọn không khớp với học sinh."))
    student.resident = resident
    student.matched_by = actor if getattr(actor, "pk", None) else None
    student.matched_at = timezone.now()
    student.save(update_fields=["resident", "matched_by", "matched_at"])
    pending = list(student.completions.filter(assessment__isnull=True).select_related("skill"))
    if pending:
        _assess(actor, student, pending)
    audit_record(
        actor=actor,
        action="school.student_match",
        obj=student,
        unit=resident.village,
        summary=_("Đối chiếu học sinh %(s)s với nhân khẩu hộ %(h)s")
        % {"s": student, "h": resident.household.code},
    )
    return student
