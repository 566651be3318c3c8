"""JSON API of the officers who run courses (mounted under /api/v1/): list the courses of one's
area, create and change a course, add a session, invite members by unit or team, close a course.
Each call goes through the same services as the pages; a refusal answers ``{detail}``."""

import datetime as dt

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import NotFound, error_responses
from cdtt.geo.access import access_unit
from cdtt.organizations.selectors import organizations_for
from cdtt.teams.models import Team
from cdtt.training import selectors, services
from cdtt.training.models import Course, Mode, OpenTo, Topic

router = Router(tags=["training"])
MAX_ITEMS = 500


class CourseIn(Schema):
    title: str
    organizer: int
    unit: str | None = None  # a unit code of the caller's area; absent: the caller's scope
    mode: Mode = Mode.IN_PERSON
    topics: list[str]  # topic codes of the catalog
    capacity: int | None = None
    open_to: OpenTo = OpenTo.EVERYONE
    eligible_units: list[str] = []
    eligible_teams: list[int] = []
    attendance_min: int = 80
    test_required: bool = True
    pass_mark: int = 70
    test_deadline: dt.datetime | None = None


class CourseOut(Schema):
    id: int
    title: str
    organizer: str
    unit_code: str
    mode: str
    status: str
    capacity: int | None
    open_to: str
    topics: list[str]
    sessions: int
    enrolled: int
    completed: int


class CourseList(Schema):
    count: int
    items: list[CourseOut]


class CourseSessionIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    trainer: str = ""


class CourseSessionOut(Schema):
    id: int
    course: int
    starts_at: str
    ends_at: str
    place: str
    trainer: str


class InviteIn(Schema):
    units: list[str] = []
    teams: list[int] = []


class InviteOut(Schema):
    invited: int


def course_out(course: Course) -> dict:
    return {
        "id": course.pk,
        "title": course.title,
        "organizer": course.organizer.name,
        "unit_code": course.unit.code,
        "mode": course.mode,
        "status": course.status,
        "capacity": course.capacity,
        "open_to": course.open_to,
        "topics": [t.code for t in course.topics.all()],
        "sessions": course.sessions.count(),
        "enrolled": course.enrolments.count(),
        "completed": course.completions.filter(revoked_at__isnull=True).count(),
    }


def _managed(request, course_id: int) -> Course:
    course = selectors.courses_for(request.auth).filter(pk=course_id).first()
    if course is None or not selectors.can_manage(request.auth, course):
        raise NotFound(_("Không tìm thấy khóa tập huấn."))
    return course


def _unit(request, code: str):
    from django.http import Http404

    try:
        return access_unit(request.auth, code)
    except Http404:
        raise NotFound(_("Không tìm thấy đơn vị %(c)s.") % {"c": code}) from None


def _fields(request, payload: CourseIn) -> dict:
    """The service's arguments from a request body: codes and ids resolved in the caller's
    area (one outside it answers 404, like a missing one)."""
    data = payload.dict()
    organizer = organizations_for(request.auth).filter(pk=data.pop("organizer")).first()
    if organizer is None:
        raise NotFound(_("Không tìm thấy đơn vị tổ chức."))
    codes = data.pop("topics")
    topics = list(Topic.objects.filter(code__in=codes, active=True))
    if len(topics) != len(set(codes)):
        raise NotFound(_("Có chủ đề không có trong danh mục."))
    path = selectors.scope_path(request.auth) or "\0"
    team_ids = data.pop("eligible_teams")
    teams = list(Team.objects.filter(pk__in=team_ids, path__startswith=path))
    if len(teams) != len(set(team_ids)):
        raise NotFound(_("Không tìm thấy tổ."))
    data.pop("unit", None)
    units = [_unit(request, c) for c in data.pop("eligible_units")]
    return {
        **data,
        "organizer": organizer,
        "topics": topics,
        "eligible_units": units,
        "eligible_teams": teams,
    }


@router.get("/courses", response=CourseList)
def course_list(request, status: str | None = None):
    """The courses of the caller's area (open or closed), newest first."""
    rows = selectors.courses_for(request.auth).select_related("organizer", "unit")
    if status:
        rows = rows.filter(status=status)
    rows = rows.order_by("-pk")
    items = [course_out(c) for c in rows.prefetch_related("topics")[:MAX_ITEMS]]
    return {"count": rows.count(), "items": items}


@router.post("/courses", response={201: CourseOut, **error_responses(403, 404, 422)})
def course_create(request, payload: CourseIn):
    """A new course of a unit of the caller's area (default: the caller's own unit)."""
    unit = _unit(request, payload.unit) if payload.unit else request.auth.scope_unit
    course = services.course_create(actor=request.auth, unit=unit, **_fields(request, payload))
    return JsonResponse(course_out(course), status=201)


@router.put(
    "/courses/{course_id}", response={200: CourseOut, **error_responses(403, 404, 409, 422)}
)
def course_update(request, course_id: int, payload: CourseIn):
    """Change a course (the whole description; the unit stays)."""
    course = _managed(request, course_id)
    course = services.course_update(actor=request.auth, course=course, **_fields(request, payload))
    return JsonResponse(course_out(course))


@router.post(
    "/courses/{course_id}/sessions",
    response={201: CourseSessionOut, **error_responses(403, 404, 422)},
)
def session_add(request, course_id: int, payload: CourseSessionIn):
    session = services.session_add(
        actor=request.auth, course=_managed(request, course_id), **payload.dict()
    )
    out = {
        "id": session.pk,
        "course": course_id,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "place": session.place,
        "trainer": session.trainer,
    }
    return JsonResponse(out, status=201)


@router.post(
    "/courses/{course_id}/invitations",
    response={200: InviteOut, **error_responses(403, 404, 409, 422)},
)
def course_invite(request, course_id: int, payload: InviteIn):
    """Invite every eligible member of the units (codes) and teams (ids) in one action."""
    course = _managed(request, course_id)
    units = [_unit(request, code) for code in payload.units]
    teams = list(Team.objects.filter(pk__in=payload.teams, path__startswith=course.path))
    invited = services.invite(actor=request.auth, course=course, units=units, teams=teams)
    return JsonResponse({"invited": invited})


@router.post("/courses/{course_id}/close", response={200: CourseOut, **error_responses(403, 404)})
def course_close(request, course_id: int):
    """Close a course: no more enrolments; completions and certificates stay."""
    course = services.course_close(actor=request.auth, course=_managed(request, course_id))
    return JsonResponse(course_out(course))
