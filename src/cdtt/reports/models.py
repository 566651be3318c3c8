"""Reports to the Ministry and the Chairman: a draft the officer edits, then an issued snapshot
(figures frozen as of the cut-off, the files in storage, who issued it and when) and the log of
where it was sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cdtt.reports.kinds import ReportKind


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class Report(models.Model):
    kind = models.CharField(_("loại báo cáo"), max_length=16, choices=ReportKind.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn")
    )
    period_from = models.DateField(_("từ ngày"))
    period_to = models.DateField(_("đến ngày"))
    cutoff = models.DateField(_("ngày chốt số liệu"))
    letterhead = models.ForeignKey(
        "documents.Letterhead",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mẫu phần đầu văn bản"),
    )
    number = models.CharField(_("số văn bản"), max_length=10, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    recipients = models.TextField(_("nơi nhận"), max_length=2000, blank=True)
    achievements = models.TextField(_("kết quả nổi bật"), max_length=20000, blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), max_length=20000, blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), max_length=20000, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Frozen at issue: the figures, the heading as printed, the files.
    figures = models.JSONField(default=dict, blank=True)
    heading = models.JSONField(default=dict, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    docx = models.FileField(upload_to="reports/%Y/", blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("báo cáo")
        indexes = [models.Index(fields=["status", "kind"], name="reports_status_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit.full_name}"

    @property
    def issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    def number_text(self) -> str:
        number = f"{int(self.number):02d}" if self.number.isdigit() else self.number
        symbol = self.heading.get("symbol", "") if self.heading else ""
        return f"{number}/BC-{symbol}" if number and symbol else number

    def file_stem(self) -> str:
        return f"bao-cao-{self.kind}-{self.unit.code}-{self.cutoff:%Y%m%d}"


class Submission(models.Model):
    """One sending of an issued report: to whom, when, how."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="submissions")
    recipient = models.CharField(_("nơi nhận"), max_length=200)
    sent_on = models.DateField(_("ngày gửi"))
    channel = models.CharField(_("hình thức gửi"), max_length=120, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("lần gửi báo cáo")
