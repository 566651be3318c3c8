"""Attendance by QR code: the signed token a session shows, and the check-in the field app sends
(exactly once, like visits: the client's UUID is the attendance's key).

The token is ``SESSION.TIME.SIGNATURE``: the session, the moment it was shown (base 36) and an
HMAC of both under the site's secret (Django's ``salted_hmac``), short enough to type from the
line under the QR when the phone has no camera. It is valid when it was shown during the
session (from a quarter of an hour before it starts to its end); a check-in carrying it may
arrive later (queued offline), within ``LATE_DAYS`` of the session's end.
"""

import base64
import datetime as dt
import hashlib
import json
import uuid

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_entry
from cdtt.lib.rows import rows_insert
from cdtt.teams.models import Person
from cdtt.training import selectors
from cdtt.training.models import Attendance, AttendanceMethod, Course, Session
from cdtt.training.services import (
    Refused,
    completion_due,
    completion_issued_rows,
    completion_new,
)

SALT = "cdtt.training.checkin"
EARLY = dt.timedelta(minutes=15)
LATE_DAYS = 7
ROTATE_SECONDS = 60  # the page shows a fresh token this often


def _b36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _signature(body: str) -> str:
    digest = salted_hmac(SALT, body, algorithm="sha256").digest()
    return base64.b32encode(digest[:5]).decode()  # 8 letters and digits


def checkin_token(session: Session, at: dt.datetime | None = None) -> str:
    moment = int((at or timezone.now()).timestamp())
    body = f"{session.pk}.{_b36(moment)}"
    return f"{body}.{_signature(body)}"


def session_open(session: Session, at: dt.datetime | None = None) -> bool:
    """Whether the session's QR may be shown now."""
    now = at or timezone.now()
    return session.starts_at - EARLY <= now <= session.ends_at


def token_moment(token: str, session_id: int) -> dt.datetime:
    """The moment a token was shown; ``Refused`` when it is forged or of another session."""
    forged = Refused(403, _("Mã QR không hợp lệ (không do hệ thống cấp cho buổi học này)."))
    parts = "".join(str(token).split()).upper().split(".")
    if len(parts) != 3:
        raise forged
    sid, moment, signature = parts
    if not constant_time_compare(signature, _signature(f"{sid}.{moment}")):
        raise forged
    if sid != str(session_id):
        raise forged
    try:
        return dt.datetime.fromtimestamp(int(moment, 36), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise forged from None


def normalize(payload) -> dict:
    if not isinstance(payload, dict):
        raise Refused(422, _("Dữ liệu điểm danh không đúng dạng."))
    try:
        checkin_id = str(uuid.UUID(str(payload.get("id", ""))))
    except ValueError:
        raise Refused(422, _("Mã lượt điểm danh (id) phải là UUID.")) from None
    session = payload.get("session")
    if (
        isinstance(session, bool)
        or not isinstance(session, int | str)
        or not str(session).isdigit()
    ):
        raise Refused(422, _("Thiếu buổi học (session)."))
    token = payload.get("token")
    if not isinstance(token, str) or not token.strip() or len(token) > 100:
        raise Refused(422, _("Thiếu mã QR (token)."))
    return {"id": checkin_id, "session": int(session), "token": "".join(token.split()).upper()}


def payload_hash(data: dict, person_id: int) -> str:
    text = json.dumps({**data, "person": person_id}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(attendance: Attendance, digest: str) -> tuple[Attendance, bool]:
    if attendance.payload_hash != digest:
        raise Refused(
            409,
            _("Lượt điểm danh này đã được gửi trước đó với nội dung khác; không ghi đè."),
        )
    return attendance, False


def checkin_submit(*, actor, payload, now: dt.datetime | None = None) -> tuple[Attendance, bool]:
    """Record a member's QR check-in; returns (attendance, created). Raises ``Refused``.

    The same UUID with the same content is answered with the stored check-in (200); with
    another content, 409; a second check-in of the member to the session under another UUID,
    409. Concurrent resends of one UUID: the primary key lets one in, the others replay it.

    What the checks need is read in one statement (``_session_facts``), before the
    transaction; the attendance and its audit entry (with the completion when this check-in
    completes the course) are then written in one more."""
    data = normalize(payload)
    session = _session_facts(actor, data)
    if session is None or session.person_id is None:
        return _without_session(actor, data, session)
    person = Person(pk=session.person_id, full_name=session.person_name, user=actor)
    digest = payload_hash(data, person.pk)
    stored = _stored(data["id"]) if session.stored_hash is not None else None
    if stored is not None:
        return _replay(stored, digest)
    _check(session, data, now or timezone.now())
    try:
        with transaction.atomic():
            attendance = _write(actor, person, session, data, digest)
    except IntegrityError:
        # Nothing got stored: another request with the same UUID got there first, or the
        # member was already present at the session.
        stored = _stored(data["id"])
        if stored is not None:
            return _replay(stored, digest)
        raise Refused(409, _("Bạn đã điểm danh buổi học này rồi.")) from None
    return attendance, True


def _stored(checkin_id: str) -> Attendance | None:
    return Attendance.objects.select_related("session").filter(pk=checkin_id).first()


def _without_session(actor, data: dict, session: Session | None) -> tuple[Attendance, bool]:
    """The refusals (or the replay) when the session named does not exist or the login is no
    member, in the order of the checks: not a member, a stored check-in, no such session."""
    person = selectors.person_of(actor) if session is None else None
    if person is None:
        raise Refused(403, _("Tài khoản của bạn chưa gắn với thành viên nào."))
    stored = _stored(data["id"])
    if stored is not None:
        return _replay(stored, payload_hash(data, person.pk))
    raise Refused(404, _("Không tìm thấy buổi học."))


# The session with its course and the course's unit, the actor's member, the check-in stored
# under the UUID sent, and what the rules read of the member in the course: one round trip,
# one statement text (prepared once a connection on PostgreSQL).
_FACTS_SQL = """
    SELECT s.id, s.course_id, s.starts_at, s.ends_at,
           c.title, c.unit_id, c.attendance_min, c.test_required, c.pass_mark, u.path,
           p.id, p.full_name,
           (SELECT a.payload_hash FROM training_attendance a WHERE a.id = %s),
           EXISTS (SELECT 1 FROM training_enrolment e
                   WHERE e.course_id = s.course_id AND e.person_id = p.id),
           EXISTS (SELECT 1 FROM training_completion k
                   WHERE k.course_id = s.course_id AND k.person_id = p.id),
           (SELECT COUNT(*) FROM training_session n WHERE n.course_id = s.course_id),
           (SELECT COUNT(*) FROM training_attendance a
              JOIN training_session n ON n.id = a.session_id
             WHERE n.course_id = s.course_id AND a.person_id = p.id),
           (SELECT MAX(t.score) FROM training_testattempt t
             WHERE t.course_id = s.course_id AND t.person_id = p.id)
    FROM training_session s
    JOIN training_course c ON c.id = s.course_id
    JOIN geo_adminunit u ON u.id = c.unit_id
    LEFT JOIN teams_person p ON p.user_id = %s
    WHERE s.id = %s
"""


def _aware(value) -> dt.datetime:
    """A timestamp as read by a raw query: aware already (PostgreSQL), or UTC without its
    zone, as a datetime or as text (SQLite)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _session_facts(actor, data: dict) -> Session | None:
    """The session named (with its course and the course's unit), with the actor's member
    (``person_id``, ``person_name``), the check-in stored under this UUID (``stored_hash``),
    whether the member is enrolled and has completed the course, the course's number of
    sessions, how many of them the member attended and their best test score: one query."""
    from cdtt.geo.models import AdminUnit

    key = Attendance._meta.pk.get_db_prep_value(data["id"], connection)
    with connection.cursor() as cursor:
        cursor.execute(_FACTS_SQL, [key, actor.pk, data["session"]])
        row = cursor.fetchone()
    if row is None:
        return None
    sid, course_id, starts_at, ends_at, title, unit_id, minimum, test, mark, path = row[:10]
    unit = AdminUnit.from_db(connection.alias, ["id", "path"], [unit_id, path])
    course = Course.from_db(
        connection.alias,
        ["id", "title", "unit_id", "attendance_min", "test_required", "pass_mark"],
        [course_id, title, unit_id, minimum, bool(test), mark],
    )
    course.unit = unit
    session = Session.from_db(
        connection.alias,
        ["id", "course_id", "starts_at", "ends_at"],
        [sid, course_id, _aware(starts_at), _aware(ends_at)],
    )
    session.course = course
    session.person_id, session.person_name, session.stored_hash = row[10:13]
    enrolled, completed, session.sessions, session.attended, session.best_score = row[13:]
    session.enrolled, session.completed = bool(enrolled), bool(completed)
    return session


def _check(session: Session, data: dict, now: dt.datetime) -> None:
    """The refusals of a check-in to a session that exists, by a member."""
    shown = token_moment(data["token"], session.pk)
    if not session_open(session, shown):
        raise Refused(403, _("Mã QR đã hết hạn: mã chỉ có giá trị trong giờ của buổi học."))
    if now > session.ends_at + dt.timedelta(days=LATE_DAYS):
        raise Refused(403, _("Đã quá hạn gửi điểm danh của buổi học này."))
    if shown > now + dt.timedelta(minutes=5):
        raise Refused(403, _("Mã QR không hợp lệ (không do hệ thống cấp cho buổi học này)."))
    if not session.enrolled:
        raise Refused(403, _("Bạn chưa đăng ký khóa tập huấn này nên không điểm danh được."))


def _write(actor, person: Person, session: Session, data: dict, digest: str) -> Attendance:
    """The attendance, its audit entry and, when this check-in completes the course, the
    completion (as ``completion_evaluate`` would issue it), in the caller's transaction."""
    # A second check-in of the member to the session breaks the unique key (session, person):
    # the IntegrityError is answered by the caller as such (or as a replay of this UUID).
    course = session.course
    attendance = Attendance(
        id=data["id"],
        session=session,
        person=person,
        method=AttendanceMethod.QR,
        recorded_by=actor,
        payload_hash=digest,
    )
    entry = audit_entry(
        actor=actor,
        action="course.checkin",
        obj=attendance,
        unit=course.unit,
        summary=f"{person} · {session}",
    )
    completion = None
    if not session.completed:  # this check-in may complete the course (as completion_evaluate)
        rate = round(100 * ((session.attended or 0) + 1) / session.sessions)
        if completion_due(course, rate, session.best_score):
            completion = completion_new(
                course=course, person=person, rate=rate, score=session.best_score
            )
    rows_insert([attendance], [entry], [completion] if completion else [])
    if completion is not None:
        rows_insert(*completion_issued_rows(completion))
    return attendance
