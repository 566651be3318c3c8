"""Fixtures of the school program: two schools in sibling communes, a teacher of each, and a
household of the registry whose resident is a student."""

import datetime as dt

import pytest

from cdtt.registry.services import household_create, resident_create
from cdtt.schools.services import school_create, teacher_create
from cdtt.testing import PASSWORD


@pytest.fixture
def skills(db):
    from cdtt.skills.models import Skill

    return list(Skill.objects.filter(active=True).order_by("position"))


@pytest.fixture
def school(tree):
    return school_create(
        actor=None, name="Trường THCS Quảng Định", code="TH001", level="lower", commune=tree.commune
    )


@pytest.fixture
def other_school(tree):
    return school_create(
        actor=None,
        name="Trường THCS Quảng Nhân",
        code="TH002",
        level="lower",
        commune=tree.sibling_commune,
    )


@pytest.fixture
def teacher(school):
    return teacher_create(
        actor=None, school=school, username="gv-th001", password=PASSWORD, full_name="Cô Lan"
    )


@pytest.fixture
def other_teacher(other_school):
    return teacher_create(
        actor=None,
        school=other_school,
        username="gv-th002",
        password=PASSWORD,
        full_name="Thầy Minh",
    )


@pytest.fixture
def family(tree):
    """Household HK0001 of village Yên Trung with a child born 05/03/2013."""
    household = household_create(actor=None, village=tree.village, code="HK0001")
    child = resident_create(
        actor=None,
        household=household,
        full_name="Nguyễn Văn An",
        birth_date=dt.date(2013, 3, 5),
        birth_year=None,
    )
    return household, child


def student_file(tmp_path, rows, header=None, name="hs.csv"):
    header = header or [
        "Mã trường",
        "Lớp",
        "Năm học",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Mã xã",
        "Mã hộ",
    ]
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def student(school, teacher):
    from cdtt.schools.models import Student
    from cdtt.schools.services import class_create

    school_class = class_create(actor=teacher, school=school, name="6a", school_year="2025-2026")
    return Student.objects.create(
        school_class=school_class,
        full_name="Nguyễn Văn An",
        name_key="nguyen van an",
        birth_date=dt.date(2013, 3, 5),
        birth_year=2013,
        birth_key="2013-03-05",
        commune=school.commune,
    )
