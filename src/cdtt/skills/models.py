"""Skill catalog and assessments (a resident's current levels are columns of their row)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SKILL_CODES = ["public_services", "shopping", "payment", "safety", "local_platform"]


class Level(models.IntegerChoices):
    NONE = 0, _("Chưa biết")
    BASIC = 1, _("Cơ bản")
    PROFICIENT = 2, _("Thành thạo")


class Method(models.TextChoices):
    HOME_VISIT = "home_visit", _("Hướng dẫn tại hộ")
    SCHOOL = "school", _("Nhà trường")
    COURSE = "course", _("Lớp bồi dưỡng")
    SELF_TEST = "self_test", _("Tự đánh giá")
    IMPORT = "import", _("Nhập từ tệp")


class Skill(models.Model):
    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=160)
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("kỹ năng số")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("việc quan sát được"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class SkillAssessment(models.Model):
    """One observation of a resident's level in a skill; the latest one counts."""

    # No database foreign keys on the two big tables of this module: the population import
    # writes millions of rows whose ids it resolves itself, set-based, in the same transaction.
    resident = models.ForeignKey(
        "registry.Resident",
        on_delete=models.CASCADE,
        related_name="assessments",
        db_constraint=False,
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    level = models.PositiveSmallIntegerField(_("mức"), choices=Level.choices)
    method = models.CharField(_("hình thức"), max_length=12, choices=Method.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    assessor_name = models.CharField(_("người đánh giá"), max_length=120, blank=True)
    assessed_at = models.DateTimeField(_("thời điểm"))
    checklist = models.JSONField(_("việc đã làm được"), default=list, blank=True)
    # The field visit that produced it, if any (campaigns.Visit's UUID; no FK to keep apps layered).
    visit_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [
            # Only assessments made on a visit are looked up by visit (imported ones have none).
            models.Index(
                fields=["visit_id"],
                name="assessment_visit",
                condition=models.Q(visit_id__isnull=False),
            )
        ]
