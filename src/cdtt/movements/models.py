"""Youth emulation movements (clause 1b of the directive): the Provincial Youth Union runs a
movement over a period among the units and Youth Union branches taking part; each criterion
gives points, either counted from the platform's facts (``cdtt.movements.counters``) or claimed
with evidence and approved by the movement's officer. Rankings are computed on read."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Movement(models.Model):
    title = models.CharField(_("tên phong trào"), max_length=200)
    description = models.TextField(_("nội dung"), blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị phát động"),
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=200, db_index=True)
    units = models.ManyToManyField(
        "geo.AdminUnit", blank=True, related_name="+", verbose_name=_("địa bàn tham gia")
    )
    branches = models.ManyToManyField(
        "organizations.Organization",
        related_name="+",
        verbose_name=_("cơ sở Đoàn tham gia"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("phong trào thi đua")

    def __str__(self) -> str:
        return self.title


class CriterionKind(models.TextChoices):
    COUNTED = "counted", _("Nền tảng tự đếm")
    CLAIMED = "claimed", _("Đăng ký kèm minh chứng")


class Criterion(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("tiêu chí"), max_length=200)
    kind = models.CharField(_("cách tính"), max_length=10, choices=CriterionKind.choices)
    counter = models.CharField(_("số liệu đếm"), max_length=40, blank=True)
    points = models.PositiveIntegerField(_("điểm mỗi lần"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("tiêu chí thi đua")

    def __str__(self) -> str:
        return self.name


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Không duyệt")


class PointClaim(models.Model):
    """A member's claim of points for a fact, with its evidence (a file or a link)."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="claims")
    person = models.ForeignKey("teams.Person", on_delete=models.PROTECT, related_name="+")
    fact = models.CharField(_("việc đã làm"), max_length=300)
    fact_key = models.CharField(max_length=300)
    happened_on = models.DateField(_("ngày thực hiện"))
    evidence_url = models.URLField(_("đường dẫn minh chứng"), blank=True)
    evidence_file = models.FileField(upload_to="movements/%Y/%m/", blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    review_comment = models.CharField(_("ý kiến"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("đăng ký điểm thi đua")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "person", "fact_key"], name="movement_claim_once"
            )
        ]

    def __str__(self) -> str:
        return self.fact
