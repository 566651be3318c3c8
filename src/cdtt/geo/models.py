"""The administrative map: one table of units, each with its ancestors' ids and a path."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Huyện/Thị xã/Thành phố")
    COMMUNE = "commune", _("Xã/Phường/Thị trấn")
    VILLAGE = "village", _("Thôn/Bản/Tổ dân phố")


class Structure(models.TextChoices):
    Y2024 = "2024", _("Ba cấp (trước 01/7/2025)")
    Y2025 = "2025", _("Hai cấp (từ 01/7/2025)")


VILLAGE_TYPES = ["Thôn", "Bản", "Xóm", "Làng", "Ấp", "Tổ dân phố", "Khu phố", "Khối"]


class AdminUnit(models.Model):
    # Codes are reused across the July 2025 merger: a code names a unit only with its structure.
    code = models.CharField(_("mã"), max_length=32, db_index=True)
    name = models.CharField(_("tên"), max_length=120)
    unit_type = models.CharField(_("loại"), max_length=40)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, db_index=True)
    structure = models.CharField(max_length=4, choices=Structure.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Ancestor ids, so that every fact carrying them rolls up with one GROUP BY.
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    commune = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=200, db_index=True)
    name_key = models.CharField(max_length=160, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(_("ngừng hoạt động từ"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị hành chính")
        indexes = [models.Index(fields=["parent", "name_key"])]
        constraints = [
            models.UniqueConstraint(fields=["code", "structure"], name="unit_code_in_structure")
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.unit_type} {self.name}".strip()

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    def ancestor_ids(self) -> dict[str, int | None]:
        """The ids a fact located in this unit carries."""
        return {
            "province_id": self.province_id or (self.pk if self.level == Level.PROVINCE else None),
            "district_id": self.district_id or (self.pk if self.level == Level.DISTRICT else None),
            "commune_id": self.commune_id or (self.pk if self.level == Level.COMMUNE else None),
        }


# The day the two-tier map came into force, and the last day of the three-tier one.
MERGER_DAY = dt.date(2025, 7, 1)
LAST_DAY_2024 = MERGER_DAY - dt.timedelta(days=1)


class VillageMove(models.Model):
    """Where a village goes in the move to the 2025 map, and, once moved, where it came from.

    Before the move a row is an officer's choice for a village of a divided commune (the others
    follow the official conversion); the move writes a row for every village and stamps
    ``moved_on``. Figures of a 2024 commune or district read its villages from these rows."""

    village = models.OneToOneField(
        AdminUnit, on_delete=models.CASCADE, related_name="move", verbose_name=_("thôn")
    )
    old_commune = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    old_district = models.ForeignKey(
        AdminUnit, null=True, on_delete=models.PROTECT, related_name="+"
    )
    new_code = models.CharField(_("mã xã mới"), max_length=32)
    new_commune = models.ForeignKey(
        AdminUnit, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned = models.BooleanField(default=False)  # chosen by an officer, not the default
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("chuyển thôn sang đơn vị mới")
        indexes = [models.Index(fields=["old_commune"]), models.Index(fields=["old_district"])]
