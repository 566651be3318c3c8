"""Demo data of training: last year's refresher course, completed by the demo teams' core force
(the Youth Union members trained first), and a course under way today that the demo member can check
in to (its session's QR is on the session page) and whose test they can take."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone

from cdtt.geo.models import AdminUnit
from cdtt.organizations.models import Organization
from cdtt.teams.models import Membership, Person
from cdtt.training.models import (
    Choice,
    Completion,
    Course,
    CourseStatus,
    Enrolment,
    Question,
    Session,
    Topic,
)
from cdtt.training.services import CODE_ALPHABET

PAST = "Bồi dưỡng kỹ năng số cho thành viên Tổ CNSCĐ"
TODAY = "An toàn thông tin và kỹ năng hướng dẫn người dân"
QUESTIONS = [
    (
        "safety",
        "Có nên cho người khác biết mã OTP gửi về điện thoại không?",
        "single",
        [("Không, không bao giờ", True), ("Có, nếu họ xưng là ngân hàng", False)],
    ),
    (
        "safety",
        "Dấu hiệu nào cho thấy một tin nhắn có thể là lừa đảo?",
        "multiple",
        [("Có đường dẫn lạ", True), ("Giục chuyển tiền gấp", True), ("Có lời chào", False)],
    ),
]


def _code(taken: set[str]) -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if code not in taken:
            taken.add(code)
            return code


def _core_force_trained() -> list[tuple[int, dt.date]]:
    """Each core-force member with the day of their training: 30 days after they first joined a
    team, at the latest yesterday."""
    latest = timezone.localdate() - dt.timedelta(days=1)
    first: dict[int, dt.date] = {}
    rows = Membership.objects.filter(core_force=True).values_list("person_id", "joined_on")
    for pk, joined in rows.order_by("person_id", "joined_on"):
        first.setdefault(pk, joined)
    return [(pk, min(day + dt.timedelta(days=30), latest)) for pk, day in first.items()]


def _organizer(province: AdminUnit) -> Organization:
    org = Organization.objects.filter(unit=province, kind="agency").order_by("pk").first()
    return org or Organization.objects.create(
        name="Sở Khoa học và Công nghệ",
        short_name="SKHCN",
        kind="agency",
        unit=province,
        name_key="so khoa hoc va cong nghe",
    )


def _past_course_build(*, actor, province: AdminUnit, organizer) -> int:
    """Last year's closed course, completed by the core force a month after they joined (at the
    latest yesterday); returns how many."""
    topics = list(
        Topic.objects.filter(
            code__in=["public_services", "shopping", "payment", "safety", "local_platform"]
        )
    )
    trained = _core_force_trained()
    first = min((d for _, d in trained), default=timezone.localdate() - dt.timedelta(days=200))
    past = Course.objects.create(
        title=PAST,
        organizer=organizer,
        unit=province,
        path=province.path,
        mode="blended",
        test_required=False,
        attendance_min=0,
        status=CourseStatus.CLOSED,
        created_by=actor,
    )
    past.topics.set(topics)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time(8)))
    Session.objects.create(
        course=past,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        place="Hội trường Sở Khoa học và Công nghệ",
        trainer="Giảng viên của Sở",
    )
    Enrolment.objects.bulk_create(
        [Enrolment(course=past, person_id=pk, status="enrolled") for pk, _ in trained],
        batch_size=2000,
    )
    taken: set[str] = set()
    Completion.objects.bulk_create(
        [
            Completion(
                course=past, person_id=pk, code=_code(taken), completed_on=day, attendance_rate=100
            )
            for pk, day in trained
        ],
        batch_size=2000,
    )
    return len(trained)


def _today_course_build(*, actor, province: AdminUnit, organizer, member_user) -> None:
    """Today's course, under way, with its test questions and the demo member enrolled."""
    today = Course.objects.create(
        title=TODAY,
        organizer=organizer,
        unit=province,
        path=province.path,
        mode="in_person",
        attendance_min=100,
        pass_mark=50,
        created_by=actor,
    )
    today.topics.set(Topic.objects.filter(code__in=["safety", "guiding_residents"]))
    now = timezone.now()
    Session.objects.create(
        course=today,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
        place="Nhà văn hóa xã",
        trainer="Giảng viên của Sở",
    )
    for code, text, kind, choices in QUESTIONS:
        question = Question.objects.create(topic=Topic.objects.get(code=code), text=text, kind=kind)
        Choice.objects.bulk_create(
            [Choice(question=question, text=t, correct=ok) for t, ok in choices]
        )
    person = Person.objects.filter(user=member_user).first() if member_user else None
    if person is not None:
        Enrolment.objects.create(course=today, person=person, status="enrolled")


@transaction.atomic
def training_demo_ensure(*, actor, province: AdminUnit, member_user=None) -> str:
    """Build the demo courses once; returns what was built."""
    if Course.objects.filter(title=PAST).exists():
        return "already there"
    organizer = _organizer(province)
    trained = _past_course_build(actor=actor, province=province, organizer=organizer)
    _today_course_build(
        actor=actor, province=province, organizer=organizer, member_user=member_user
    )
    return f"{trained} completions of last year's course; one course under way today"
