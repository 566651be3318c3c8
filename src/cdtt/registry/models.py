"""Households, residents, yearly targets and the per-village counters coverage is read from."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from cdtt.skills.models import SKILL_CODES
from cdtt.skills.models import Level as SkillLevel


class Located(models.Model):
    """A fact that carries the ids of its village, commune, district and province.

    No database foreign keys and no single-column indexes here: the population import writes
    millions of these rows and resolves every id itself (set-based, in the same transaction),
    and a per-row constraint trigger would cost more than the whole load. Each concrete model
    declares only the indexes its queries use."""

    village = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    commune = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    district = models.ForeignKey(
        "geo.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    province = models.ForeignKey(
        "geo.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        abstract = True


class Household(Located):
    code = models.CharField(_("mã hộ"), max_length=40)
    address = models.CharField(_("địa chỉ"), max_length=250, blank=True)
    covered = models.BooleanField(_("có người thành thạo 5 kỹ năng"), default=False)
    # The database's own default too: the first load of a population copies rows without them.
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("hộ gia đình")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_code_in_commune")
        ]
        # By commune: the unique (commune, code); by village: this one; by district: the lists of
        # a district. A province holds one province: no index on it.
        indexes = [
            models.Index(fields=["village", "covered"]),
            models.Index(fields=["district"], name="household_district"),
        ]

    def __str__(self) -> str:
        return self.code


class ResidentStatus(models.TextChoices):
    CURRENT = "current", _("Đang cư trú")
    MOVED_OUT = "moved_out", _("Đã chuyển đi")
    DECEASED = "deceased", _("Đã mất")


class Gender(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")
    OTHER = "O", _("Khác")


class Resident(Located):
    # Looked up by household through the natural key's unique index (household comes first).
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        related_name="residents",
        db_constraint=False,
        db_index=False,
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_key = models.CharField(max_length=120)  # searched with "contains": a btree cannot help
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    # "1990-05-01" or "1990": part of the natural key (commune, household, name, birth).
    birth_key = models.CharField(max_length=10)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices, blank=True)
    relation = models.CharField(_("quan hệ với chủ hộ"), max_length=40, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=ResidentStatus.choices,
        default=ResidentStatus.CURRENT,
    )
    status_changed_on = models.DateField(null=True, blank=True)
    proficient = models.BooleanField(_("thành thạo 5 kỹ năng"), default=False)
    # The current level in each skill (column level_<skill code>): that of the latest statement
    # about it, an assessment or the population file that last set this resident's levels
    # (``levels_import``, which speaks as of its time for every level). A missing level is 0.
    level_public_services = models.PositiveSmallIntegerField(
        choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    level_shopping = models.PositiveSmallIntegerField(
        choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    level_payment = models.PositiveSmallIntegerField(
        choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    level_safety = models.PositiveSmallIntegerField(
        choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    level_local_platform = models.PositiveSmallIntegerField(
        choices=SkillLevel.choices, default=SkillLevel.NONE
    )
    levels_import = models.ForeignKey(
        "PopulationImport",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("nhân khẩu")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "name_key", "birth_key"], name="resident_natural_key"
            )
        ]
        # No index by village: a village's residents are found through its households (their
        # village index, then this key by household), which spares the import an index.

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.status == ResidentStatus.CURRENT

    @property
    def levels(self) -> dict[str, int]:
        """{skill code: current level} for the five skills."""
        return {code: getattr(self, LEVEL_FIELDS[code]) for code in SKILL_CODES}


# The resident's column holding the current level in each skill.
LEVEL_FIELDS = {code: f"level_{code}" for code in SKILL_CODES}


class PopulationImport(models.Model):
    """One population file imported. The levels it set are stated by this record, as of its
    time (residents point to it), instead of one assessment row per level: the file is a
    statement about millions of levels at once, and writing each as a row would cost more than
    the import itself."""

    file_name = models.CharField(_("tệp"), max_length=255, blank=True)
    checksum = models.CharField(_("mã kiểm tra SHA-256"), max_length=64, blank=True)
    skills = models.JSONField(default=list)  # codes of the skill columns the file carried
    rows = models.IntegerField(default=0)
    households_created = models.IntegerField(default=0)
    households_updated = models.IntegerField(default=0)
    residents_created = models.IntegerField(default=0)
    residents_updated = models.IntegerField(default=0)
    levels_set = models.IntegerField(default=0)  # residents whose levels the file set
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("lần nhập tệp nhân khẩu")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name or f"#{self.pk}"


class Target(models.Model):
    """A unit's coverage target for a year (percent of households covered)."""

    unit = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    rate = models.DecimalField(_("chỉ tiêu (%)"), max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="target_unit_year")]


class VillageCoverage(models.Model):
    """Exact counters of one village, changed in the same transaction as the write that moves
    them. Units above a village read the sum of their villages' rows (one GROUP BY)."""

    village = models.OneToOneField(
        "geo.AdminUnit", primary_key=True, on_delete=models.CASCADE, related_name="coverage"
    )
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    households = models.IntegerField(default=0)
    covered = models.IntegerField(default=0)
    residents = models.IntegerField(default=0)
    proficient = models.IntegerField(default=0)  # residents proficient in all five skills
    p_public_services = models.IntegerField(default=0)
    p_shopping = models.IntegerField(default=0)
    p_payment = models.IntegerField(default=0)
    p_safety = models.IntegerField(default=0)
    p_local_platform = models.IntegerField(default=0)


class CoverageSnapshot(models.Model):
    """Daily copy of a village's counters, for the chart over time and figures as of a date."""

    village = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "geo.AdminUnit", null=True, on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey("geo.AdminUnit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    households = models.IntegerField(default=0)
    covered = models.IntegerField(default=0)
    # The other counters, copied since the figures read them as of a date; empty (unknown) in
    # snapshots taken before they were.
    residents = models.IntegerField(null=True)
    proficient = models.IntegerField(null=True)
    p_public_services = models.IntegerField(null=True)
    p_shopping = models.IntegerField(null=True)
    p_payment = models.IntegerField(null=True)
    p_safety = models.IntegerField(null=True)
    p_local_platform = models.IntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village", "day"], name="snapshot_village_day")
        ]
