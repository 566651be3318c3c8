"""A directive, its tasks (a clause each, led by one agency with others co-ordinating), the
progress the agencies report, the urgings of the Department, the daily digests and the secret
of each user's calendar feed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Directive(models.Model):
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    signer = models.CharField(_("người ký"), max_length=120)
    summary = models.CharField(_("trích yếu"), max_length=500)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    file = models.FileField(_("tệp văn bản"), upload_to="directives/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("văn bản chỉ đạo")

    def __str__(self) -> str:
        return self.number


class Recurrence(models.TextChoices):
    NONE = "", _("Một lần (theo hạn)")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")


class Task(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    clause = models.CharField(_("điểm, khoản"), max_length=20)
    title = models.TextField(_("nội dung nhiệm vụ"))
    lead = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="tasks_led",
        verbose_name=_("cơ quan chủ trì"),
    )
    co_agencies = models.ManyToManyField(
        "organizations.Organization",
        blank=True,
        related_name="tasks_coordinated",
        verbose_name=_("cơ quan phối hợp"),
    )
    deadline = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    recurrence = models.CharField(
        _("định kỳ"), max_length=10, choices=Recurrence.choices, blank=True, default=""
    )
    # A recurring task falls due on this day (of the month, of the quarter's last month, or of
    # due_month for a yearly one): "by 10/10 every year" is yearly, day 10, month 10.
    due_day = models.PositiveSmallIntegerField(_("ngày đến hạn"), null=True, blank=True)
    due_month = models.PositiveSmallIntegerField(_("tháng đến hạn"), null=True, blank=True)
    output = models.CharField(_("sản phẩm đầu ra"), max_length=300, blank=True)
    figure_code = models.CharField(_("chỉ số đo lường"), max_length=60, blank=True)
    figure_target = models.DecimalField(
        _("chỉ tiêu"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    last_report_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["directive_id", "clause", "pk"]
        verbose_name = _("nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["directive", "clause"], name="task_unique_clause")
        ]

    def __str__(self) -> str:
        return f"{self.directive.number} {self.clause}"


class Progress(models.Model):
    """One report of an agency on a task: the task's status and percent follow the latest."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    agency = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_on = models.DateField(_("ngày báo cáo"))
    status = models.CharField(_("tình trạng"), max_length=12, choices=TaskStatus.choices)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    text = models.TextField(_("kết quả thực hiện"))
    document = models.FileField(_("tài liệu kèm theo"), upload_to="progress/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Urging(models.Model):
    """The Department urged an agency on a task (đôn đốc): logged on the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="urgings")
    agency = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class Digest(models.Model):
    """The digest of one officer for one day: kept until sent, so that a mail server that
    refuses loses nothing (retried, and the failure shown to the officer)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không được")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_user_day")]


class CalendarFeed(models.Model):
    """The secret in a user's calendar address; resetting it cuts off the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
