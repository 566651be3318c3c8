"""JSON API of the school program (mounted under /api/v1/): schools and their students, read
through the same scoped selectors as the pages (a teacher: their school); a teacher's classes,
lessons planned and taught, skills completed and matches confirmed, written through the same
services as the pages."""

import datetime as dt

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import Refused, error_responses
from cdtt.core.roles import sees_personal
from cdtt.schools import selectors, services
from cdtt.schools.models import Completion

router = Router(tags=["schools"])
MAX_ITEMS = 500


class SchoolOut(Schema):
    id: int
    code: str
    name: str
    level: str
    commune_code: str
    classes: int


class SchoolList(Schema):
    count: int
    items: list[SchoolOut]


class StudentOut(Schema):
    id: int
    class_id: int
    class_name: str
    school_year: str
    full_name: str
    birth_date: str | None
    birth_year: int
    commune_code: str
    household_code: str
    match: str  # confirmed | one | many | none
    completed: list[str]


class StudentList(Schema):
    count: int
    items: list[StudentOut]


@router.get("/schools", response=SchoolList)
def schools(request):
    """The schools the caller may see, with their number of classes."""
    from django.db.models import Count

    rows = selectors.schools_for(request.auth).annotate(n=Count("classes")).order_by("code")
    items = [
        SchoolOut(
            id=s.pk,
            code=s.code,
            name=s.organization.name,
            level=s.level,
            commune_code=s.commune.code,
            classes=s.n,
        )
        for s in rows[:MAX_ITEMS]
    ]
    return {"count": rows.count(), "items": items}


@router.get("/school-students", response={200: StudentList, **error_responses(403)})
def students(request, school_class: int | None = None):
    """Students the caller may see (of one class when ``school_class`` is given), with their
    match to the registry and the skills they completed; refused to a role that needs figures
    only."""
    if not sees_personal(request.auth):
        raise Refused(_("Vai trò của bạn chỉ xem số liệu tổng hợp, không xem dữ liệu cá nhân."))
    rows = selectors.students_for(request.auth).order_by("school_class_id", "name_key")
    if school_class is not None:
        rows = rows.filter(school_class_id=school_class)
    page = list(rows[:MAX_ITEMS])
    done: dict[int, list[str]] = {}
    for student_id, code in Completion.objects.filter(student__in=page).values_list(
        "student_id", "skill__code"
    ):
        done.setdefault(student_id, []).append(code)
    items = [
        StudentOut(
            id=m.student.pk,
            class_id=m.student.school_class_id,
            class_name=m.student.school_class.name,
            school_year=m.student.school_class.school_year,
            full_name=m.student.full_name,
            birth_date=m.student.birth_date.isoformat() if m.student.birth_date else None,
            birth_year=m.student.birth_year,
            commune_code=m.student.commune.code,
            household_code=m.student.household_code,
            match=m.state,
            completed=sorted(done.get(m.student.pk, [])),
        )
        for m in selectors.matches(page)
    ]
    return {"count": rows.count(), "items": items}


# --- writes: a teacher's (or a managing officer's) class, lessons, completions, matches ----------


class ClassIn(Schema):
    school: int
    name: str
    school_year: str  # e.g. 2025-2026


class ClassOut(Schema):
    id: int
    school: int
    name: str
    grade: int
    school_year: str


class LessonIn(Schema):
    school_class: int
    skill: str  # a skill code of the catalog
    title: str
    planned_on: dt.date


class DeliveredIn(Schema):
    delivered_on: dt.date
    note: str = ""


class LessonOut(Schema):
    id: int
    school_class: int
    skill: str
    title: str
    planned_on: str
    delivered_on: str | None


class CompletionIn(Schema):
    student: int
    skill: str
    completed_on: dt.date | None = None


class SchoolCompletionOut(Schema):
    id: int
    student: int
    skill: str
    completed_on: str
    assessed: bool  # recorded as a school assessment of the matched resident


class MatchIn(Schema):
    resident: int


class MatchOut(Schema):
    student: int
    resident: int
    household_code: str


def _lesson_out(lesson) -> dict:
    return {
        "id": lesson.pk,
        "school_class": lesson.school_class_id,
        "skill": lesson.skill.code,
        "title": lesson.title,
        "planned_on": lesson.planned_on.isoformat(),
        "delivered_on": lesson.delivered_on.isoformat() if lesson.delivered_on else None,
    }


WRITE_ERRORS = error_responses(403, 404, 422)


@router.post("/school-classes", response={201: ClassOut, **WRITE_ERRORS})
def class_create(request, payload: ClassIn):
    """A class of the caller's school (an existing one of the same name and year is answered)."""
    school = selectors.access_school(request.auth, payload.school)
    made = services.class_create(
        actor=request.auth, school=school, name=payload.name, school_year=payload.school_year
    )
    out = {
        "id": made.pk,
        "school": school.pk,
        "name": made.name,
        "grade": made.grade,
        "school_year": made.school_year,
    }
    return JsonResponse(out, status=201)


@router.post("/school-lessons", response={201: LessonOut, **WRITE_ERRORS})
def lesson_plan(request, payload: LessonIn):
    """Plan a lesson of the five-skill curriculum for a class."""
    school_class = selectors.access_class(request.auth, payload.school_class)
    lesson = services.lesson_plan(
        actor=request.auth,
        school_class=school_class,
        skill_code=payload.skill,
        title=payload.title,
        planned_on=payload.planned_on,
    )
    return JsonResponse(_lesson_out(lesson), status=201)


@router.post("/school-lessons/{lesson_id}/delivered", response={200: LessonOut, **WRITE_ERRORS})
def lesson_deliver(request, lesson_id: int, payload: DeliveredIn):
    """Log that a planned lesson was taught (not on a day to come)."""
    lesson = selectors.access_lesson(request.auth, lesson_id)
    lesson = services.lesson_deliver(
        actor=request.auth, lesson=lesson, delivered_on=payload.delivered_on, note=payload.note
    )
    return JsonResponse(_lesson_out(lesson))


@router.post("/school-completions", response={200: SchoolCompletionOut, **WRITE_ERRORS})
def completion_record(request, payload: CompletionIn):
    """A student completed a skill; a matched student's household coverage moves at once.
    Recording the same skill again answers the first record and changes nothing."""
    student = selectors.access_student(request.auth, payload.student)
    completion = services.completion_record(
        actor=request.auth,
        student=student,
        skill_code=payload.skill,
        completed_on=payload.completed_on,
    )
    out = {
        "id": completion.pk,
        "student": student.pk,
        "skill": completion.skill.code,
        "completed_on": completion.completed_on.isoformat(),
        "assessed": completion.assessment_id is not None,
    }
    return JsonResponse(out)


@router.post(
    "/school-students/{student_id}/match",
    response={200: MatchOut, **error_responses(403, 404, 422)},
)
def match_confirm(request, student_id: int, payload: MatchIn):
    """Confirm the one resident who fits the student (never when two or none fit)."""
    student = selectors.access_student(request.auth, student_id)
    student = services.student_match_confirm(
        actor=request.auth, student=student, resident_id=payload.resident
    )
    out = {
        "student": student.pk,
        "resident": student.resident_id,
        "household_code": student.resident.household.code,
    }
    return JsonResponse(out)
