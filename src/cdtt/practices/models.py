"""Digital-transformation models and good practices (clause 2a of the directive): a model is
proposed for villages or units, serves some of the five skills, is approved, returned or
rejected by the Department, runs, is evaluated with what the platform measures for its places,
and once approved is shown in the public good-practice library where others replicate it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Chờ duyệt")
    RETURNED = "returned", _("Trả lại để bổ sung")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Không duyệt")


class Initiative(models.Model):
    """A model (mô hình, cách làm hay). ``unit`` is the smallest unit holding all its places:
    the scope it is seen and reviewed in (``path``)."""

    title = models.CharField(_("tên mô hình"), max_length=200)
    summary = models.CharField(_("tóm tắt"), max_length=500)
    description = models.TextField(_("nội dung, cách làm"))
    skills = models.ManyToManyField("skills.Skill", related_name="+", verbose_name=_("kỹ năng"))
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=200, db_index=True)
    started_on = models.DateField(_("ngày bắt đầu"))
    ended_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    leader_name = models.CharField(_("người, đơn vị chủ trì"), max_length=200)
    leader_person = models.ForeignKey(
        "teams.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thành viên chủ trì"),
    )
    lead_team = models.ForeignKey(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tổ chủ trì"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan, đơn vị thực hiện"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    review_comment = models.TextField(_("ý kiến của Sở"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_on = models.DateField(_("ngày duyệt"), null=True, blank=True)
    replicated_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replications",
        verbose_name=_("nhân rộng từ mô hình"),
    )
    # Title, summary and places folded (no case, no diacritics): the library's search.
    search_key = models.TextField(default="", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mô hình chuyển đổi số")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The model's page in the public library."""
        return reverse("practices:public_detail", args=[self.pk])


class Place(models.Model):
    """A village or unit where a model runs, with the ids of its ancestors (figures group by
    them in one query per level)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="places")
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("địa bàn triển khai")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "unit"], name="practices_place_once")
        ]


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Ảnh")
    DOCUMENT = "document", _("Tài liệu")


class Attachment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="practices/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=200)
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=10)  # pdf, docx, png … as the bytes say
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class Rating(models.TextChoices):
    GOOD = "good", _("Hiệu quả, nên nhân rộng")
    FAIR = "fair", _("Có kết quả, cần hoàn thiện")
    WEAK = "weak", _("Chưa hiệu quả")


class Evaluation(models.Model):
    """The evaluation at the end of a period: what the platform measured for the model's places
    (kept as measured that day) beside what the proposer reports, and the Department's rating."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="evaluations")
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    measured = models.JSONField(default=dict)
    reported = models.TextField(_("kết quả đơn vị báo cáo"))
    rating = models.CharField(_("đánh giá"), max_length=10, choices=Rating.choices)
    comment = models.TextField(_("nhận xét"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("đánh giá mô hình")
