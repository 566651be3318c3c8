"""Test data of the school program for the OpenAPI test: a school of ``commune`` with a class, a
planned lesson, and a student who is ``resident`` of the registry (one fits: to confirm)."""

import datetime as dt

from cdtt.lib.text import fold
from cdtt.schools.models import Lesson, Student
from cdtt.schools.services import class_create, school_create


class ApiSeed:
    def __init__(self, commune, resident):
        from cdtt.skills.models import Skill

        self.school = school_create(
            actor=None, name="Trường THCS Quảng Định", code="TH001", level="lower", commune=commune
        )
        self.school_class = class_create(
            actor=None, school=self.school, name="6A", school_year="2025-2026"
        )
        self.skill = Skill.objects.filter(active=True).order_by("position").first()
        self.lesson = Lesson.objects.create(
            school_class=self.school_class,
            skill=self.skill,
            title="Cài đặt VNeID",
            planned_on=dt.date(2025, 10, 1),
        )
        self.student = Student.objects.create(
            school_class=self.school_class,
            full_name=resident.full_name,
            name_key=fold(resident.full_name),
            birth_year=resident.birth_year,
            birth_key=str(resident.birth_year),
            commune=commune,
        )
        self.resident = resident
