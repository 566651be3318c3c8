"""Writes of the training app: courses and sessions, enrolment and invitations, attendance from
the trainer's list, the end test, completions and their certificates' revocation. Each is one
transaction with its audit entry; notifications go out on commit. The QR check-in lives in
``checkins.py``, the certificate's PDF in ``certificates.py``.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_entry, audit_record
from cdtt.core.errors import DomainError
from cdtt.core.notifications import notification_rows, notify
from cdtt.geo.models import AdminUnit
from cdtt.lib.rows import rows_insert
from cdtt.organizations.models import Organization
from cdtt.teams.models import Person, Team
from cdtt.training import selectors
from cdtt.training.models import (
    Attendance,
    AttendanceMethod,
    Completion,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    OpenTo,
    Question,
    Session,
    TestAttempt,
    Topic,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed


class Refused(DomainError):
    """A write the rules refuse, with the HTTP status the API answers it with (the project's
    one error convention: cdtt.core.errors)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status


def _check_manager(actor, course: Course | None = None, unit: AdminUnit | None = None) -> None:
    if not selectors.can_manage(actor, course):
        raise Refused(403, _("Bạn không được quản lý khóa tập huấn này."))
    if unit is not None and not unit.path.startswith(selectors.scope_path(actor) or "\0"):
        raise Refused(403, _("Địa bàn nằm ngoài phạm vi của bạn."))


@transaction.atomic
def course_create(
    *,
    actor,
    title: str,
    organizer: Organization,
    unit: AdminUnit,
    mode: str,
    topics: Sequence[Topic],
    capacity: int | None = None,
    open_to: str = OpenTo.EVERYONE,
    eligible_units: Iterable[AdminUnit] = (),
    eligible_teams: Iterable[Team] = (),
    attendance_min: int = 80,
    test_required: bool = True,
    pass_mark: int = 70,
    test_deadline: dt.datetime | None = None,
) -> Course:
    """A new course of the actor's subtree, open for enrolment."""
    _check_manager(actor, unit=unit)
    title = " ".join(title.split())
    if not title:
        raise Refused(422, _("Hãy nhập tên khóa tập huấn."))
    if not topics:
        raise Refused(422, _("Hãy chọn ít nhất một chủ đề."))
    course = Course.objects.create(
        title=title[:200],
        organizer=organizer,
        unit=unit,
        path=unit.path,
        mode=mode,
        capacity=capacity,
        open_to=open_to,
        attendance_min=attendance_min,
        test_required=test_required,
        pass_mark=pass_mark,
        test_deadline=test_deadline,
        created_by=actor,
    )
    course.topics.set(topics)
    course.eligible_units.set([u for u in eligible_units if u.path.startswith(unit.path)])
    course.eligible_teams.set([t for t in eligible_teams if t.path.startswith(unit.path)])
    audit_record(actor=actor, action="course.create", obj=course, unit=unit, summary=course.title)
    return course


RULES = ("attendance_min", "test_required", "pass_mark")
EDITABLE = ("title", "organizer", "mode", "capacity", "open_to", *RULES, "test_deadline")


@transaction.atomic
def course_update(
    *,
    actor,
    course: Course,
    topics: Sequence[Topic],
    eligible_units: Iterable[AdminUnit] = (),
    eligible_teams: Iterable[Team] = (),
    **fields,
) -> Course:
    """Change a course: its title, topics, organiser, mode, capacity, who may enrol, and its
    completion rules while nobody has completed it (after that the rules are what the
    certificates were issued under). A closed course is not changed."""
    _check_manager(actor, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == CourseStatus.CLOSED:
        raise Refused(409, _("Khóa tập huấn đã đóng, không sửa được."))
    title = " ".join(str(fields.get("title", "")).split())
    if not title:
        raise Refused(422, _("Hãy nhập tên khóa tập huấn."))
    if not topics:
        raise Refused(422, _("Hãy chọn ít nhất một chủ đề."))
    fields["title"] = title[:200]
    changed = {k: v for k, v in fields.items() if k in EDITABLE and getattr(course, k) != v}
    if set(changed) & set(RULES) and course.completions.exists():
        raise Refused(
            409,
            _(
                "Đã có người hoàn thành khóa theo điều kiện hiện tại; "
                "không thể đổi điều kiện hoàn thành."
            ),
        )
    capacity = fields.get("capacity")
    if capacity is not None and capacity < course.enrolments.count():
        raise Refused(422, _("Số chỗ ít hơn số người đã đăng ký."))
    before = {k: str(getattr(course, k)) for k in changed}
    for key, value in changed.items():
        setattr(course, key, value)
    course.save()
    course.topics.set(topics)
    course.eligible_units.set([u for u in eligible_units if u.path.startswith(course.path)])
    course.eligible_teams.set([t for t in eligible_teams if t.path.startswith(course.path)])
    audit_record(
        actor=actor,
        action="course.update",
        obj=course,
        unit=course.unit,
        summary=course.title,
        changes={"before": before},
    )
    return course


@transaction.atomic
def course_close(*, actor, course: Course) -> Course:
    """Close a course: no more enrolments; its completions and certificates stay."""
    _check_manager(actor, course)
    course.status = CourseStatus.CLOSED
    course.save(update_fields=["status"])
    audit_record(actor=actor, action="course.close", obj=course, unit=course.unit)
    return course


@transaction.atomic
def course_delete(*, actor, course: Course) -> None:
    """Delete a course nobody has completed; one with completions is refused (close it)."""
    _check_manager(actor, course)
    if Completion.objects.filter(course=course).exists():
        raise Refused(
            409,
            _(
                "Khóa tập huấn đã có người hoàn thành nên không xóa được; hãy đóng khóa thay vì xóa."
            ),
        )
    audit_record(actor=actor, action="course.delete", obj=course, unit=course.unit)
    Attendance.objects.filter(session__course=course).delete()
    TestAttempt.objects.filter(course=course).delete()
    course.delete()


@transaction.atomic
def session_add(
    *,
    actor,
    course: Course,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    trainer: str = "",
) -> Session:
    _check_manager(actor, course)
    if ends_at <= starts_at:
        raise Refused(422, _("Giờ kết thúc phải sau giờ bắt đầu."))
    session = Session.objects.create(
        course=course, starts_at=starts_at, ends_at=ends_at, place=place, trainer=trainer
    )
    audit_record(
        actor=actor,
        action="course.session_add",
        obj=session,
        unit=course.unit,
        summary=str(session),
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session: Session,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    trainer: str = "",
) -> Session:
    """Move a session or change its place or trainer; attendance already taken stays."""
    _check_manager(actor, session.course)
    if ends_at <= starts_at:
        raise Refused(422, _("Giờ kết thúc phải sau giờ bắt đầu."))
    before = str(session)
    session.starts_at, session.ends_at = starts_at, ends_at
    session.place, session.trainer = place, trainer
    session.save()
    audit_record(
        actor=actor,
        action="course.session_update",
        obj=session,
        unit=session.course.unit,
        summary=str(session),
        changes={"before": before},
    )
    return session


@transaction.atomic
def session_delete(*, actor, session: Session) -> None:
    """Remove a session nobody attended; one with attendance is refused."""
    _check_manager(actor, session.course)
    if session.attendances.exists():
        raise Refused(409, _("Buổi học đã có người điểm danh nên không xóa được."))
    audit_record(
        actor=actor,
        action="course.session_delete",
        obj=session,
        unit=session.course.unit,
        summary=str(session),
    )
    session.delete()


def _seats_left(course: Course) -> int | None:
    if course.capacity is None:
        return None
    return course.capacity - course.enrolments.count()


def _notify_people(people: Iterable[Person], course: Course, title: str) -> None:
    users = [p.user for p in people if p.user_id]
    if users:
        notify(recipients=users, title=title, body=course.title, link=f"/training/my/{course.pk}/")


@transaction.atomic
def enrol(*, actor, course: Course, person: Person) -> Enrolment:
    """A member enrols themselves (or accepts an invitation) in an open course they may join."""
    if course.status != CourseStatus.OPEN:
        raise Refused(409, _("Khóa tập huấn đã đóng."))
    # Enrolments of one course are counted one after another (capacity).
    Course.objects.select_for_update().filter(pk=course.pk).first()
    existing = Enrolment.objects.filter(course=course, person=person).first()
    if existing is not None:
        if existing.status == EnrolmentStatus.INVITED:
            existing.status = EnrolmentStatus.ENROLLED
            existing.save(update_fields=["status"])
        return existing
    if not selectors.is_eligible(course, person):
        raise Refused(403, _("Bạn không thuộc đối tượng của khóa tập huấn này."))
    seats = _seats_left(course)
    if seats is not None and seats <= 0:
        raise Refused(409, _("Khóa tập huấn đã đủ số chỗ."))
    enrolment = Enrolment.objects.create(
        course=course, person=person, status=EnrolmentStatus.ENROLLED
    )
    audit_record(
        actor=actor, action="course.enrol", obj=course, unit=course.unit, summary=str(person)
    )
    return enrolment


@transaction.atomic
def invite(
    *,
    actor,
    course: Course,
    units: Iterable[AdminUnit] = (),
    teams: Iterable[Team] = (),
) -> int:
    """Invite, in one action, every eligible member of the chosen units and teams who is not
    yet in the course; returns how many were invited. Over capacity: nobody is invited."""
    _check_manager(actor, course)
    if course.status != CourseStatus.OPEN:
        raise Refused(409, _("Khóa tập huấn đã đóng."))
    Course.objects.select_for_update().filter(pk=course.pk).first()
    members = selectors.eligible_memberships(course)
    from django.db.models import Q

    rule = Q(pk__in=[])
    for unit in units:
        rule |= Q(team__path__startswith=unit.path)
    team_ids = [t.pk for t in teams]
    if team_ids:
        rule |= Q(team_id__in=team_ids)
    taken = course.enrolments.values("person_id")
    ids = set(members.filter(rule).exclude(person_id__in=taken).values_list("person_id", flat=True))
    seats = _seats_left(course)
    if seats is not None and len(ids) > seats:
        raise Refused(
            409,
            _("Chỉ còn %(s)d chỗ mà có %(n)d thành viên được chọn; hãy chọn ít hơn.")
            % {"s": seats, "n": len(ids)},
        )
    Enrolment.objects.bulk_create(
        [Enrolment(course=course, person_id=pk, status=EnrolmentStatus.INVITED) for pk in ids]
    )
    if ids:
        audit_record(
            actor=actor,
            action="course.invite",
            obj=course,
            unit=course.unit,
            summary=_("Mời %(n)d thành viên") % {"n": len(ids)},
            changes={"invited": len(ids)},
        )
        people = Person.objects.filter(pk__in=ids).select_related("user")
        _notify_people(people, course, _("Bạn được mời tham gia khóa tập huấn"))
    return len(ids)


def enrolment_of(course: Course, person: Person) -> Enrolment | None:
    return Enrolment.objects.filter(course=course, person=person).first()


@transaction.atomic
def attendance_set(*, actor, session: Session, person: Person, present: bool) -> bool:
    """The trainer marks a member present or absent on the session's list."""
    _check_manager(actor, session.course)
    if enrolment_of(session.course, person) is None:
        raise Refused(403, _("Người này chưa đăng ký khóa tập huấn."))
    if present:
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    session=session, person=person, method=AttendanceMethod.LIST, recorded_by=actor
                )
        except IntegrityError:
            return True  # already present (checked in by QR, or marked before)
        completion_evaluate(course=session.course, person=person)
    else:
        Attendance.objects.filter(session=session, person=person).delete()
    audit_record(
        actor=actor,
        action="course.attendance",
        obj=session,
        unit=session.course.unit,
        summary=f"{person} · {'+' if present else '-'}",
    )
    return present


def test_questions(course: Course) -> QuerySet[Question]:
    """The end test: the active questions of the bank under the course's topics."""
    return (
        Question.objects.filter(topic__in=course.topics.values("pk"), active=True)
        .prefetch_related("choices")
        .order_by("topic__position", "id")
    )


def _score(questions: list[Question], answers: dict[str, list[int]]) -> int:
    right = 0
    for q in questions:
        chosen = {int(c) for c in answers.get(str(q.pk), [])}
        if chosen and chosen == {c.pk for c in q.choices.all() if c.correct}:
            right += 1
    return round(100 * right / len(questions)) if questions else 0


@transaction.atomic
def test_submit(
    *, actor, course: Course, person: Person, answers: dict[str, list[int]]
) -> TestAttempt:
    """Record a member's answers to the end test and its score; after the deadline: refused."""
    if enrolment_of(course, person) is None:
        raise Refused(403, _("Bạn chưa đăng ký khóa tập huấn này."))
    if course.test_deadline is not None and timezone.now() > course.test_deadline:
        raise Refused(
            409,
            _("Đã quá hạn nộp bài kiểm tra (%(d)s); bài không được ghi nhận.")
            % {"d": timezone.localtime(course.test_deadline).strftime("%d/%m/%Y %H:%M")},
        )
    questions = list(test_questions(course))
    if not questions:
        raise Refused(409, _("Khóa tập huấn chưa có câu hỏi kiểm tra."))
    clean = {str(k): [int(c) for c in v] for k, v in answers.items()}
    score = _score(questions, clean)
    attempt = TestAttempt.objects.create(
        course=course, person=person, answers=clean, score=score, passed=score >= course.pass_mark
    )
    audit_record(
        actor=actor,
        action="course.test",
        obj=course,
        unit=course.unit,
        summary=f"{person} · {score}%",
    )
    completion_evaluate(course=course, person=person)
    return attempt


def attendance_rate(course: Course, person: Person) -> int:
    sessions = course.sessions.count()
    if not sessions:
        return 0
    attended = Attendance.objects.filter(session__course=course, person=person).count()
    return round(100 * attended / sessions)


def best_score(course: Course, person: Person) -> int | None:
    scores = TestAttempt.objects.filter(course=course, person=person).values_list(
        "score", flat=True
    )
    return max(scores, default=None)


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def completion_evaluate(*, course: Course, person: Person) -> Completion | None:
    """Issue the certificate when the member meets the course's rules (called inside the
    transaction of the write that may complete them); the existing one if already issued."""
    existing = Completion.objects.filter(course=course, person=person).first()
    if existing is not None:
        return existing
    rate = attendance_rate(course, person)
    if rate < course.attendance_min or rate == 0 and not course.sessions.exists():
        return None
    score = best_score(course, person)
    if not completion_due(course, rate, score):
        return None
    completion = completion_new(course=course, person=person, rate=rate, score=score)
    rows_insert([completion])
    rows_insert(*completion_issued_rows(completion))
    return completion


def completion_due(course: Course, rate: int, score: int | None) -> bool:
    """Whether a member with this attendance rate (of a course that has sessions) and best
    score meets the course's rules."""
    if rate < course.attendance_min:
        return False
    return not (course.test_required and (score is None or score < course.pass_mark))


def completion_new(*, course: Course, person: Person, rate: int, score: int | None) -> Completion:
    """The completion of a member who meets the rules, unsaved (the caller inserts it in its
    transaction, then the rows of ``completion_issued_rows``)."""
    return Completion(
        course=course,
        person=person,
        code=_new_code(),
        completed_on=timezone.localdate(),
        attendance_rate=rate,
        score=score,
    )


def completion_issued_rows(completion: Completion) -> list[list]:
    """What goes with a completion just inserted (it has its key): its audit entry and the
    member's notification, unsaved, for ``rows_insert``; the e-mail, if any, leaves on
    commit."""
    course, person = completion.course, completion.person
    entry = audit_entry(
        actor=None,
        action="course.complete",
        obj=completion,
        unit=course.unit,
        summary=f"{person} · {course.title}",
    )
    notices = []
    if person.user_id:
        notices = notification_rows(
            recipients=[person.user],
            title=_("Bạn đã hoàn thành khóa tập huấn"),
            body=_("Mã giấy chứng nhận: %(c)s") % {"c": completion.code},
            link=f"/verify/{completion.code}",
            kind="training.completed",
        )
    return [[entry], notices]


@transaction.atomic
def completion_revoke(*, actor, completion: Completion, reason: str) -> Completion:
    """Revoke a certificate: the public page says so, and it no longer counts as trained."""
    _check_manager(actor, completion.course)
    reason = " ".join(reason.split())
    if not reason:
        raise Refused(422, _("Hãy ghi lý do thu hồi."))
    if completion.revoked_at is None:
        completion.revoked_at = timezone.now()
        completion.revoked_reason = reason[:300]
        completion.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            actor=actor,
            action="certificate.revoke",
            obj=completion,
            unit=completion.course.unit,
            summary=f"{completion.code} · {reason}",
        )
    return completion


@transaction.atomic
def topic_add(*, actor, name: str) -> Topic:
    """The province adds a topic to the catalog."""
    from django.utils.text import slugify

    from cdtt.core import roles

    if not roles.has_role(actor, roles.MANAGE_CATALOG):
        raise Refused(403, _("Chỉ cấp tỉnh sửa danh mục chủ đề."))
    name = " ".join(name.split())
    base = slugify(fold_ascii(name))[:30] or "topic"
    code, n = base, 1
    while Topic.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    topic = Topic.objects.create(code=code, name=name, position=Topic.objects.count() + 1)
    audit_record(actor=actor, action="topic.create", obj=topic, summary=name)
    return topic


@transaction.atomic
def topic_update(*, actor, topic: Topic, name: str, active: bool) -> Topic:
    """The province renames a topic or stops offering it (courses that have it keep it)."""
    from cdtt.core import roles

    if not roles.has_role(actor, roles.MANAGE_CATALOG):
        raise Refused(403, _("Chỉ cấp tỉnh sửa danh mục chủ đề."))
    name = " ".join(name.split())
    if not name:
        raise Refused(422, _("Hãy nhập tên chủ đề."))
    before = {"name": topic.name, "active": topic.active}
    topic.name, topic.active = name[:200], active
    topic.save(update_fields=["name", "active"])
    audit_record(
        actor=actor, action="topic.update", obj=topic, summary=name, changes={"before": before}
    )
    return topic


@transaction.atomic
def question_retire(*, actor, question: Question) -> Question:
    """Take a question out of the bank: tests already taken keep their scores."""
    if not selectors.can_manage(actor):
        raise Refused(403, _("Bạn không được sửa ngân hàng câu hỏi."))
    question.active = False
    question.save(update_fields=["active"])
    audit_record(actor=actor, action="question.retire", obj=question, summary=question.text[:200])
    return question


def fold_ascii(text: str) -> str:
    from cdtt.lib.text import fold

    return fold(text)


@transaction.atomic
def question_add(
    *, actor, topic: Topic, text: str, kind: str, choices: Sequence[tuple[str, bool]]
) -> Question:
    """A question of the topic's bank with its choices (``(text, correct)`` pairs)."""
    from cdtt.training.models import Choice

    if not selectors.can_manage(actor):
        raise Refused(403, _("Bạn không được sửa ngân hàng câu hỏi."))
    question = Question.objects.create(topic=topic, text=text.strip(), kind=kind)
    Choice.objects.bulk_create(
        [Choice(question=question, text=t[:300], correct=ok) for t, ok in choices]
    )
    audit_record(actor=actor, action="question.create", obj=question, summary=text[:200])
    return question
