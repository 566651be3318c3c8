"""Reads of the school program, scoped: a teacher sees their own school; officers the schools
of their area. Matching a student to residents of the registry is a read too: it proposes, the
teacher confirms (services.student_match_confirm)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import in_scope, scope_path
from cdtt.registry.models import Resident, ResidentStatus
from cdtt.schools.models import Lesson, School, SchoolClass, Student

VIEW = roles.OFFICERS | {roles.Role.TEACHER}
MANAGE = roles.MANAGE_UNITS


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def schools_for(user) -> QuerySet[School]:
    """Schools the user may see: a teacher's own school; an officer's in their area."""
    schools = School.objects.select_related("organization", "commune")
    if not _active(user):
        return schools.none()
    if user.role == roles.Role.TEACHER:
        return schools.filter(organization_id=user.organization_id or -1)
    path = scope_path(user)
    if user.role not in roles.OFFICERS or path is None:
        return schools.none()
    return schools.filter(commune__path__startswith=path)


def can_manage_schools(user, school: School | None = None) -> bool:
    """Officers who manage units create schools and their teachers, in their area."""
    if not roles.has_role(user, MANAGE):
        return False
    return school is None or in_scope(user, school.commune)


def can_teach(user, school: School) -> bool:
    """Whether the user may change the school's classes, students, lessons and completions:
    its teachers, and the officers who manage it."""
    if not _active(user):
        return False
    if user.role == roles.Role.TEACHER:
        return user.organization_id is not None and user.organization_id == school.organization_id
    return can_manage_schools(user, school)


def access_school(user, pk: int) -> School:
    try:
        return schools_for(user).get(pk=pk)
    except School.DoesNotExist:
        raise Http404("school") from None


def classes_for(user) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(school__in=schools_for(user).values("pk")).select_related(
        "school__organization"
    )


def access_class(user, pk: int) -> SchoolClass:
    try:
        return classes_for(user).get(pk=pk)
    except SchoolClass.DoesNotExist:
        raise Http404("class") from None


def students_for(user) -> QuerySet[Student]:
    return Student.objects.filter(school_class__in=classes_for(user).values("pk")).select_related(
        "school_class", "commune", "resident__household"
    )


def access_student(user, pk: int) -> Student:
    try:
        return students_for(user).get(pk=pk)
    except Student.DoesNotExist:
        raise Http404("student") from None


def access_lesson(user, pk: int) -> Lesson:
    try:
        return Lesson.objects.select_related("school_class__school", "skill").get(
            pk=pk, school_class__in=classes_for(user).values("pk")
        )
    except Lesson.DoesNotExist:
        raise Http404("lesson") from None


@dataclass
class Match:
    """What the registry holds for a student: ``state`` is ``confirmed`` (a teacher confirmed
    ``resident``), ``one`` (one resident fits, to confirm), ``many`` (two or more fit: never
    guessed; the household code narrows it) or ``none``."""

    student: Student
    candidates: list[Resident]

    @property
    def state(self) -> str:
        if self.student.resident_id:
            return "confirmed"
        if not self.candidates:
            return "none"
        return "one" if len(self.candidates) == 1 else "many"


def _fits(student: Student, resident: Resident) -> bool:
    if resident.commune_id != student.commune_id or resident.name_key != student.name_key:
        return False
    if resident.birth_year != student.birth_year:
        return False
    if student.birth_date and resident.birth_date and student.birth_date != resident.birth_date:
        return False
    return not student.household_code or (
        resident.household.code.casefold() == student.household_code.casefold()
    )


def matches(students: list[Student]) -> list[Match]:
    """The residents who fit each student: same commune, same name (ignoring case and
    diacritics), same birth (the date when both have one, else the year), and the household
    code when the student's row gave one. Current residents only; one query for the list."""
    if not students:
        return []
    wanted = Q()
    for commune_id in {s.commune_id for s in students}:
        names = {s.name_key for s in students if s.commune_id == commune_id}
        wanted |= Q(commune_id=commune_id, name_key__in=names)
    residents = list(
        Resident.objects.filter(wanted, status=ResidentStatus.CURRENT)
        .select_related("household", "village")
        .order_by("pk")
    )
    by_key: dict[tuple[int, str], list[Resident]] = {}
    for r in residents:
        by_key.setdefault((r.commune_id, r.name_key), []).append(r)
    return [
        Match(s, [r for r in by_key.get((s.commune_id, s.name_key), []) if _fits(s, r)])
        for s in students
    ]


def match_of(student: Student) -> Match:
    return matches([student])[0]
