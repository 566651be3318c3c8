"""Test data of training, shared by the unit tests and the browser test: a commune officer,
a member with a login in a team of the commune, a member of a sibling commune's team, an
organiser, and a course of the commune with one session under way and a two-question test."""

import datetime as dt
import uuid

from django.utils import timezone

from cdtt.organizations.models import Organization
from cdtt.teams.models import Membership, Person, Team
from cdtt.training import services
from cdtt.training.models import Choice, Question, Topic


def team_in(unit, name: str, tree) -> Team:
    team = Team.objects.create(
        name=name,
        name_key=name.lower(),
        level="village",
        unit=unit,
        commune=unit.parent,
        district=tree.district,
        province=tree.province,
        path=unit.path,
    )
    team.villages.add(unit)
    return team


def person_in(team: Team, full_name: str, user=None, phone: str = "") -> Person:
    from cdtt.lib.text import fold

    person = Person.objects.create(
        full_name=full_name, name_key=fold(full_name), user=user, phone=phone
    )
    Membership.objects.create(team=team, person=person, joined_on=dt.date(2024, 1, 1))
    return person


def seed_topics() -> None:
    """Put back the topics the data migration seeds when a transactional test flushed them."""
    from importlib import import_module

    from django.apps import apps

    if not Topic.objects.exists():
        import_module("cdtt.training.migrations.0002_seed_topics").seed(apps, None)


class Training:
    def __init__(self, tree, make_user):
        seed_topics()
        self.tree = tree
        self.officer = make_user("commune_officer", tree.commune, username="officer")
        self.sibling_officer = make_user(
            "commune_officer", tree.sibling_commune, username="officer2"
        )
        self.user = make_user("team_member", tree.commune, username="member")
        self.sibling_user = make_user("team_member", tree.sibling_commune, username="member2")
        self.team = team_in(tree.village, "Tổ CNSCĐ Yên Trung", tree)
        self.sibling_team = team_in(tree.sibling_village, "Tổ CNSCĐ Đông", tree)
        self.person = person_in(self.team, "Nguyễn Văn An", self.user)
        self.colleague = person_in(self.team, "Trần Thị Bình", phone="0912345678")
        self.sibling_person = person_in(self.sibling_team, "Lê Văn Cường", self.sibling_user)
        self.organizer = Organization.objects.create(
            name="Đoàn Thanh niên xã Quảng Định",
            short_name="ĐTN",
            kind="youth_union",
            unit=tree.commune,
            name_key="doan thanh nien xa quang dinh",
        )
        self.topic = Topic.objects.get(code="safety")
        self.course = services.course_create(
            actor=self.officer,
            title="Tập huấn an toàn trên không gian mạng",
            organizer=self.organizer,
            unit=tree.commune,
            mode="in_person",
            topics=[self.topic],
            attendance_min=100,
            pass_mark=50,
        )
        now = timezone.now()
        self.session = services.session_add(
            actor=self.officer,
            course=self.course,
            starts_at=now - dt.timedelta(minutes=30),
            ends_at=now + dt.timedelta(hours=2),
            place="Nhà văn hóa thôn Yên Trung",
            trainer="Phạm Văn Giảng",
        )
        self.q1 = Question.objects.create(
            topic=self.topic, text="Có nên cho người lạ mã OTP không?", kind="single"
        )
        self.q1_no = Choice.objects.create(question=self.q1, text="Không", correct=True)
        self.q1_yes = Choice.objects.create(question=self.q1, text="Có")
        self.q2 = Question.objects.create(
            topic=self.topic, text="Dấu hiệu của tin nhắn lừa đảo?", kind="multiple"
        )
        self.q2_a = Choice.objects.create(question=self.q2, text="Đường dẫn lạ", correct=True)
        self.q2_b = Choice.objects.create(question=self.q2, text="Giục chuyển tiền", correct=True)
        self.q2_c = Choice.objects.create(question=self.q2, text="Lời chào")

    def right_answers(self) -> dict:
        return {str(self.q1.pk): [self.q1_no.pk], str(self.q2.pk): [self.q2_a.pk, self.q2_b.pk]}


def completed(person: Person, on: dt.date, unit) -> "object":
    """A completion of a small course of ``unit`` dated ``on`` (for figures' tests)."""
    from cdtt.training.models import Completion, Course

    organizer = Organization.objects.filter(unit=unit).first() or Organization.objects.create(
        name="Sở Khoa học và Công nghệ", kind="agency", unit=unit, name_key="so khcn"
    )
    course = Course.objects.create(
        title="Bồi dưỡng kỹ năng số", organizer=organizer, unit=unit, path=unit.path, mode="online"
    )
    return Completion.objects.create(
        course=course, person=person, code=f"T{person.pk:03d}-{course.pk:04d}", completed_on=on
    )


class ApiSeed:
    """For the OpenAPI test: ``person`` (with a login) enrolled in a course of ``unit`` with two
    sessions under way, checked in at the first, holding a certificate; the second session is
    left for a new check-in."""

    def __init__(self, person: Person, officer, unit):
        from cdtt.training.checkins import checkin_submit, checkin_token
        from cdtt.training.models import Completion, Course, Enrolment, Session

        seed_topics()
        organizer = Organization.objects.create(
            name="Sở Khoa học và Công nghệ", kind="agency", unit=unit, name_key="so khcn api"
        )
        course = Course.objects.create(
            title="Bồi dưỡng kỹ năng số",
            organizer=organizer,
            unit=unit,
            path=unit.path,
            mode="online",
            test_required=False,
            attendance_min=100,
        )
        now = timezone.now()
        first, self.session = (
            Session.objects.create(
                course=course,
                starts_at=now - dt.timedelta(hours=1),
                ends_at=now + dt.timedelta(hours=1),
            )
            for _ in range(2)
        )
        Enrolment.objects.create(course=course, person=person, status="enrolled")
        self.course, self.organizer = course, organizer
        self.checkin, _ = checkin_submit(
            actor=person.user,
            payload={"id": str(uuid.uuid4()), "session": first.pk, "token": checkin_token(first)},
        )
        self.token = checkin_token(self.session)
        self.completion = Completion.objects.create(
            course=course, person=person, code="ABCD-EFGH", completed_on=dt.date.today()
        )
