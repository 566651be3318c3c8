"""Demo data of the school program: a lower-secondary school of the demo commune with its
teacher's login (``giaovien``), a class per grade 6–9 of this school year whose students are the
commune's residents of that age, most of them matched to the registry by the teacher, and the
skills the first lessons completed (recorded as school assessments, so coverage moved); and an
upper-secondary school that has only just joined (no classes yet)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from cdtt.geo.models import AdminUnit
from cdtt.registry.models import Resident, ResidentStatus
from cdtt.schools.models import School, SchoolClass, Student
from cdtt.schools.selectors import matches
from cdtt.schools.services import (
    class_create,
    completion_record,
    lesson_deliver,
    lesson_plan,
    school_create,
    student_match_confirm,
    teacher_create,
)

TEACHER = "giaovien"
STUDENTS_PER_CLASS = 30
LESSONS = [
    ("public_services", "Tạo tài khoản định danh điện tử VNeID và nộp hồ sơ trực tuyến"),
    ("payment", "Thanh toán không dùng tiền mặt an toàn"),
    ("safety", "Nhận biết tin nhắn lừa đảo, bảo vệ mã OTP"),
]


def school_year(today: dt.date) -> str:
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}-{start + 1}"


def _code(commune: AdminUnit, level: str) -> str:
    return f"{'THCS' if level == 'lower' else 'THPT'}-{commune.code}"


def _students(school_class: SchoolClass, commune: AdminUnit, grade: int, today: dt.date) -> int:
    """The commune's current residents born in the year a student of the grade is, as the
    school's list would give them (name, date of birth, commune)."""
    born = today.year - (grade + 6) if today.month >= 9 else today.year - (grade + 5)
    residents = (
        Resident.objects.filter(commune=commune, birth_year=born, status=ResidentStatus.CURRENT)
        .only("full_name", "name_key", "birth_date", "birth_year", "birth_key", "gender")
        .order_by("pk")[:STUDENTS_PER_CLASS]
    )
    rows = [
        Student(
            school_class=school_class,
            full_name=r.full_name,
            name_key=r.name_key,
            birth_date=r.birth_date,
            birth_year=r.birth_year,
            birth_key=r.birth_key,
            gender=r.gender,
            commune=commune,
        )
        for r in residents
    ]
    Student.objects.bulk_create(rows)
    return len(rows)


def _teach(*, teacher, school_class: SchoolClass, today: dt.date, rng: random.Random) -> int:
    """The first lessons planned and taught; each student who was there completed the skill.
    Returns how many skills were completed."""
    done = 0
    students = list(school_class.students.order_by("pk"))
    for week, (skill, title) in enumerate(LESSONS):
        day = today - dt.timedelta(days=7 * (len(LESSONS) - week))
        lesson = lesson_plan(
            actor=teacher, school_class=school_class, skill_code=skill, title=title, planned_on=day
        )
        lesson_deliver(actor=teacher, lesson=lesson, delivered_on=day)
        for student in students:
            if rng.random() < 0.8:
                completion_record(
                    actor=teacher, student=student, skill_code=skill, completed_on=day
                )
                done += 1
    return done


@transaction.atomic
def schools_demo_ensure(*, commune: AdminUnit, password: str, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    if School.objects.filter(code=_code(commune, "lower")).exists():
        return "already there"
    school = school_create(
        actor=None,
        name=f"Trường THCS {commune.name}",
        code=_code(commune, "lower"),
        level="lower",
        commune=commune,
    )
    school_create(
        actor=None,
        name=f"Trường THPT {commune.name}",
        code=_code(commune, "upper"),
        level="upper",
        commune=commune,
    )
    teacher = teacher_create(
        actor=None, school=school, username=TEACHER, password=password, full_name="Lê Thị Giáo"
    )
    rng, students, completed, matched = random.Random(7), 0, 0, 0
    for grade in (6, 7, 8, 9):
        school_class = class_create(
            actor=teacher, school=school, name=f"{grade}A", school_year=school_year(today)
        )
        students += _students(school_class, commune, grade, today)
        for match in matches(list(school_class.students.all())):
            if match.state == "one" and rng.random() < 0.85:  # a few left for the teacher
                student_match_confirm(
                    actor=teacher, student=match.student, resident_id=match.candidates[0].pk
                )
                matched += 1
        completed += _teach(teacher=teacher, school_class=school_class, today=today, rng=rng)
    return f"{students} students in 4 classes, {matched} matched, {completed} skills completed"
