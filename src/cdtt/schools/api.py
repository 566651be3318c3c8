"""JSON API of the school program (mounted under /api/v1/): schools and their students, read
through the same scoped selectors as the pages (a teacher: their school)."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import Refused, error_responses
from cdtt.core.roles import sees_personal
from cdtt.schools import selectors
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
