"""JSON API of training (mounted under /api/v1/): the field app's check-in, the member's
courses, and the public answer about a certificate.

``POST /checkins`` reads the raw body itself (like ``POST /visits``): malformed JSON gets the
same ``{detail}`` answer as every other refusal, and nothing is written on a 4xx.
"""

import json
import uuid

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import BadRequest, NotFound, PayloadTooLarge, error_responses
from cdtt.training import checkins, selectors
from cdtt.training.certificates import public_answer
from cdtt.training.models import Attendance, Completion

router = Router(tags=["training"])
MAX_PAYLOAD_BYTES = 4 * 1024


class CheckinIn(Schema):
    id: str
    session: int
    token: str


class CheckinOut(Schema):
    id: str
    session: int
    course: int
    person: int
    recorded_at: str


class CertificateOut(Schema):
    code: str
    valid: bool
    holder: str
    course: str
    issued_on: str
    issuer: str
    revoked_on: str | None


class SessionOut(Schema):
    id: int
    starts_at: str
    ends_at: str
    place: str
    attended: bool


class MyCourse(Schema):
    id: int
    title: str
    organizer: str
    mode: str
    status: str
    enrolment: str
    sessions: list[SessionOut]
    completed: bool
    certificate: str | None


class MyCourses(Schema):
    items: list[MyCourse]


def checkin_out(attendance: Attendance) -> dict:
    return {
        "id": str(attendance.pk),
        "session": attendance.session_id,
        "course": attendance.session.course_id,
        "person": attendance.person_id,
        "recorded_at": attendance.recorded_at.isoformat(),
    }


@router.post(
    "/checkins",
    response={
        200: CheckinOut,
        201: CheckinOut,
        **error_responses(400, 401, 403, 404, 409, 413, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CheckinIn.model_json_schema()}},
        }
    },
)
def checkin_create(request):
    """Attendance by the session's QR code (idempotent by its client UUID): 201 stored, 200 the
    same check-in was already stored, 409 that UUID was stored with another content or the
    member already checked in. Nothing is written on a 4xx."""
    if len(request.body) > MAX_PAYLOAD_BYTES:
        raise PayloadTooLarge(_("Dữ liệu gửi lên quá lớn."))
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(_("Dữ liệu gửi lên không phải JSON hợp lệ.")) from None
    # A refusal (services.Refused, a DomainError) is answered by the API's one error handler.
    attendance, created = checkins.checkin_submit(actor=request.user, payload=payload)
    return JsonResponse(checkin_out(attendance), status=201 if created else 200)


@router.get("/checkins/{checkin_id}", response={200: CheckinOut, **error_responses(404)})
def checkin_get(request, checkin_id: str):
    """A check-in of the caller."""
    person = selectors.person_of(request.user)
    try:
        key = uuid.UUID(checkin_id)
    except ValueError:
        key = None
    found = (
        Attendance.objects.select_related("session").filter(pk=key, person=person).first()
        if key and person
        else None
    )
    if found is None:
        raise NotFound(_("Không tìm thấy lượt điểm danh."))
    return JsonResponse(checkin_out(found))


@router.get("/training/courses", response={200: MyCourses})
def my_courses(request):
    """The caller's courses (enrolled or invited) with their sessions and certificate."""
    person = selectors.person_of(request.user)
    courses = selectors.member_courses(person).select_related("organizer")
    items = []
    attended = (
        set(Attendance.objects.filter(person=person).values_list("session_id", flat=True))
        if person
        else set()
    )
    for course in courses.prefetch_related("sessions", "enrolments", "completions"):
        enrolment = next(e for e in course.enrolments.all() if e.person_id == person.pk)
        done = next((c for c in course.completions.all() if c.person_id == person.pk), None)
        items.append(
            {
                "id": course.pk,
                "title": course.title,
                "organizer": course.organizer.name,
                "mode": course.mode,
                "status": course.status,
                "enrolment": enrolment.status,
                "sessions": [
                    {
                        "id": s.pk,
                        "starts_at": s.starts_at.isoformat(),
                        "ends_at": s.ends_at.isoformat(),
                        "place": s.place,
                        "attended": s.pk in attended,
                    }
                    for s in course.sessions.all()
                ],
                "completed": done is not None and done.revoked_at is None,
                "certificate": done.code if done is not None else None,
            }
        )
    return JsonResponse({"items": items})


@router.get(
    "/certificates/{certificate_code}",
    auth=None,
    response={200: CertificateOut, **error_responses(404)},
)
def certificate_get(request, certificate_code: str):
    """Anyone may check a certificate by its code: holder's name masked; a revoked one says so."""
    completion = (
        Completion.objects.select_related("course__organizer", "person")
        .filter(code=certificate_code.strip().upper())
        .first()
    )
    if completion is None:
        raise NotFound(_("Không có giấy chứng nhận nào mang mã này."))
    return JsonResponse(public_answer(completion))
