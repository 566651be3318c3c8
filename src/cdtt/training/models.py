"""Courses for team members (Dispatch 3240, Appendix 1): topics, courses and their sessions,
enrolments, attendance (QR check-in, the trainer's list, the paper sign-in sheet), the end test
and its question bank, and completions, each with its certificate.

A course is about people (``teams.Person``): the members it trains. A completion *is* the
certificate: its code is what the public page verifies; revoking it takes it out of the count of
members trained.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A topic of the catalog the province edits (seeded with the five skills and four more)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên chủ đề"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("chủ đề tập huấn")

    def __str__(self) -> str:
        return self.name


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    BLENDED = "blended", _("Kết hợp")


class OpenTo(models.TextChoices):
    EVERYONE = "everyone", _("Mọi thành viên trong địa bàn")
    UNITS = "units", _("Thành viên của các địa bàn được chọn")
    TEAMS = "teams", _("Thành viên của các tổ được chọn")


class CourseStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng")


class Course(models.Model):
    title = models.CharField(_("tên khóa"), max_length=200)
    topics = models.ManyToManyField(Topic, related_name="courses", verbose_name=_("chủ đề"))
    organizer = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("đơn vị tổ chức"),
    )
    # The unit the course belongs to (its members come from its subtree); scope is one prefix.
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    path = models.CharField(max_length=200, db_index=True)
    mode = models.CharField(_("hình thức"), max_length=10, choices=Mode.choices)
    capacity = models.PositiveIntegerField(_("số chỗ"), null=True, blank=True)
    open_to = models.CharField(
        _("ai được đăng ký"), max_length=10, choices=OpenTo.choices, default=OpenTo.EVERYONE
    )
    eligible_units = models.ManyToManyField(
        "geo.AdminUnit", blank=True, related_name="+", verbose_name=_("các địa bàn")
    )
    eligible_teams = models.ManyToManyField(
        "teams.Team", blank=True, related_name="+", verbose_name=_("các tổ")
    )
    # Completion rules: the share of sessions attended (percent) and, when the course has a
    # test, its pass mark (percent of the questions answered right) and deadline.
    attendance_min = models.PositiveSmallIntegerField(_("tỉ lệ buổi học tối thiểu (%)"), default=80)
    test_required = models.BooleanField(_("phải đạt bài kiểm tra cuối khóa"), default=True)
    pass_mark = models.PositiveSmallIntegerField(_("điểm đạt (%)"), default=70)
    test_deadline = models.DateTimeField(_("hạn nộp bài kiểm tra"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("khóa tập huấn")

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    place = models.CharField(_("địa điểm hoặc đường dẫn"), max_length=300, blank=True)
    trainer = models.CharField(_("giảng viên"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("buổi học")

    def __str__(self) -> str:
        return f"{self.course} · {self.starts_at:%d/%m/%Y %H:%M}"


class EnrolmentStatus(models.TextChoices):
    INVITED = "invited", _("Được mời")
    ENROLLED = "enrolled", _("Đã đăng ký")


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=10, choices=EnrolmentStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__name_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrolment_unique")
        ]


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("Quét mã QR")
    LIST = "list", _("Giảng viên điểm danh")
    SHEET = "sheet", _("Danh sách ký tên")


class Attendance(models.Model):
    """One person present at one session. A QR check-in keeps the field app's UUID as its key,
    so that a resend is answered, never stored twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    payload_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once")
        ]


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Một đáp án")
    MULTIPLE = "multiple", _("Nhiều đáp án")


class Question(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions")
    text = models.TextField(_("câu hỏi"))
    kind = models.CharField(_("loại"), max_length=10, choices=QuestionKind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["topic", "id"]
        verbose_name = _("câu hỏi")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("phương án"), max_length=300)
    correct = models.BooleanField(_("đúng"), default=False)

    class Meta:
        ordering = ["question", "id"]


class TestAttempt(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # {question id: [choice ids]}
    score = models.PositiveSmallIntegerField()  # percent of the questions answered right
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]


class Completion(models.Model):
    """A person who met the course's rules, and the certificate that says so."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="completions")
    code = models.CharField(_("mã xác thực"), max_length=20, unique=True)
    completed_on = models.DateField(_("ngày hoàn thành"))
    attendance_rate = models.PositiveSmallIntegerField(default=0)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    pdf = models.FileField(upload_to="certificates/", blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="completion_once")]
        indexes = [
            models.Index(
                fields=["person", "completed_on"],
                condition=Q(revoked_at=None),
                name="completion_valid",
            )
        ]

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
