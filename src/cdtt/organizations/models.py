"""Organisations (agencies, enterprises, schools, media, the youth union…) in a tree of branches:
what users and team members are sent by, and what offers, movements and honours stand on."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    AGENCY = "agency", _("Cơ quan nhà nước")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Trường học")
    MEDIA = "media", _("Báo chí, phát thanh - truyền hình")
    POLICE = "police", _("Công an")
    HEALTH = "health", _("Y tế")
    SOCIAL = "social", _("Tổ chức chính trị - xã hội")
    VILLAGE = "village", _("Thôn, bản, tổ dân phố")
    OTHER = "other", _("Khác")


class Organization(models.Model):
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=OrganizationKind.choices)
    unit = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("địa bàn"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
        verbose_name=_("trực thuộc"),
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(blank=True)
    name_key = models.CharField(max_length=240, db_index=True)
    active = models.BooleanField(default=True)
    # Merged into another organisation: kept as history, closed on that day.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("đã hợp nhất vào"),
    )
    closed_on = models.DateField(_("ngừng hoạt động từ"), null=True, blank=True)

    class Meta:
        db_table = "accounts_organization"  # the table of the days it lived in accounts
        ordering = ["name"]
        verbose_name = _("cơ quan, đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name_key"], name="organization_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationName(models.Model):
    """A former name of an organisation: the name it had until the day it was renamed."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("tên cũ"), max_length=200)
    short_name = models.CharField(_("tên viết tắt cũ"), max_length=60, blank=True)
    renamed_on = models.DateField(_("đổi tên từ ngày"))

    class Meta:
        ordering = ["-renamed_on", "-pk"]
        verbose_name = _("tên cũ của cơ quan, đơn vị")

    def __str__(self) -> str:
        return self.name
