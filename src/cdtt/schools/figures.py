"""Figures of the school program: schools taking part, classes, students who completed the
five skills, households covered through a student.

- ``schools_taking_part``: schools with at least one class (created by the date);
- ``school_classes``: classes created by the date;
- ``students_completed``: students who had completed every active skill by the date;
- ``households_through_student``: households of the registry with a student, matched to one of
  its residents, who had completed every active skill by the date (the school assessments make
  that resident proficient, hence the household covered).

Schools stand in a commune: at a village, schools and classes are not counted; households
through a student are located by the resident's village.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit, Level
from cdtt.schools.models import Completion, SchoolClass, Student
from cdtt.skills.models import Skill

MODULE = "schools"
CLASS_FIELD = {
    Level.PROVINCE: "school__province_id",
    Level.DISTRICT: "school__district_id",
    Level.COMMUNE: "school__commune_id",
}
STUDENT_FIELD = {level: f"school_class__{f}" for level, f in CLASS_FIELD.items()}
HOUSEHOLD_FIELD = {
    Level.PROVINCE: "resident__province_id",
    Level.DISTRICT: "resident__district_id",
    Level.COMMUNE: "resident__commune_id",
    Level.VILLAGE: "resident__village_id",
}


def classes_at(as_of: dt.date | None) -> QuerySet[SchoolClass]:
    classes = SchoolClass.objects.all()
    return classes if as_of is None else classes.filter(created_at__lt=end_of_day(as_of))


def completed_at(as_of: dt.date | None) -> QuerySet[Student]:
    """Students who had completed every active skill by the date."""
    done = Completion.objects.filter(skill__active=True)
    if as_of is not None:
        done = done.filter(completed_on__lte=as_of)
    # The number of active skills, inside the query (no round trip of its own).
    active = Subquery(
        Skill.objects.filter(active=True).values("active").annotate(n=Count("pk")).values("n")
    )
    ids = (
        done.values("student_id")
        .annotate(n=Count("skill_id", distinct=True))
        .filter(n__gte=active)
        .values("student_id")
    )
    return Student.objects.filter(pk__in=ids)


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    above = [u for u in units if u.level != Level.VILLAGE]
    classes = classes_at(as_of)
    completed = completed_at(as_of)
    parts = [
        grouped(
            classes,
            above,
            {
                "schools_taking_part": Count("school_id", distinct=True),
                "school_classes": Count("pk"),
            },
            CLASS_FIELD,
        ),
        grouped(completed, above, {"students_completed": Count("pk")}, STUDENT_FIELD),
        grouped(
            completed.filter(resident__isnull=False),
            units,
            {"households_through_student": Count("resident__household_id", distinct=True)},
            HOUSEHOLD_FIELD,
        ),
    ]
    out: dict[int, dict[str, Value]] = {}
    for part in parts:
        for pk, values in part.items():
            out.setdefault(pk, {}).update(values)
    return out


declare(
    module=MODULE,
    figures=[
        Figure("schools_taking_part", _("Trường tham gia chương trình"), _("trường")),
        Figure("school_classes", _("Lớp học tham gia"), _("lớp")),
        Figure("students_completed", _("Học sinh hoàn thành 5 kỹ năng"), _("học sinh")),
        Figure("households_through_student", _("Hộ đạt phổ cập nhờ học sinh"), _("hộ")),
    ],
    compute=_counts,
)
