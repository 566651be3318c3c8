"""Writes to the administrative map: loading official units, and the villages communes keep."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.geo.models import VILLAGE_TYPES, AdminUnit, Level
from cdtt.geo.official import official_units
from cdtt.lib.text import clean, fold


class StructureConflict(Exception):
    """The database already holds the other administrative structure."""


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


def _path_of(parent: AdminUnit | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def _ancestors(parent: AdminUnit | None) -> dict:
    if parent is None:
        return {"province_id": None, "district_id": None, "commune_id": None}
    return parent.ancestor_ids()


def _structure_conflict_check(structure: str) -> None:
    """Refuse to load a structure while current units of the other one exist."""
    # Units of the other structure closed by the move to 2025 are history, not a conflict.
    other = AdminUnit.objects.exclude(structure=structure).filter(valid_to__isnull=True).first()
    if other is not None:
        raise StructureConflict(
            _(
                "Cơ sở dữ liệu đang dùng cấu trúc hành chính %(have)s; không thể nạp cấu trúc "
                "%(want)s. Việc chuyển dữ liệu qua đợt sắp xếp 01/7/2025 chưa được hỗ trợ."
            )
            % {"have": other.structure, "want": structure}
        )


def _official_unit_upsert(
    official, *, structure: str, existing: dict[str, AdminUnit], result: LoadResult
) -> None:
    """Create or refresh one official unit under its (already loaded) parent, counting it."""
    parent = existing.get(official.parent_code) if official.parent_code else None
    values = {
        "name": official.name,
        "unit_type": official.unit_type,
        "level": official.level,
        "structure": structure,
        "parent_id": parent.pk if parent else None,
        "path": _path_of(parent, official.code),
        "name_key": fold(official.name),
        "lat": official.lat,
        "lon": official.lon,
        **_ancestors(parent),
    }
    unit = existing.get(official.code)
    if unit is None:
        unit = AdminUnit.objects.create(code=official.code, **values)
        existing[official.code] = unit
        result.created += 1
    else:
        changed = {k: v for k, v in values.items() if getattr(unit, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(unit, k, v)
            unit.save(
                update_fields=[k.removesuffix("_id") if k.endswith("_id") else k for k in changed]
            )
            result.updated += 1
        else:
            result.unchanged += 1
    result.by_level[official.level] = result.by_level.get(official.level, 0) + 1


@transaction.atomic
def units_load(*, actor, province_code: str, structure: str) -> LoadResult:
    """Load (or refresh) one province's official units. Loading twice changes nothing."""
    _structure_conflict_check(structure)
    try:
        units = official_units(province_code, structure)
    except LookupError:
        raise ValidationError(_("Không có tỉnh mã %(c)s.") % {"c": province_code}) from None
    existing = {
        u.code: u
        for u in AdminUnit.objects.filter(code__in=[u.code for u in units], structure=structure)
    }
    result = LoadResult()
    for official in units:
        _official_unit_upsert(official, structure=structure, existing=existing, result=result)
    if result.created or result.updated:
        province = existing[units[0].code]
        audit_record(
            actor=actor,
            action="units.load",
            obj=province,
            unit=province,
            summary=_("Nạp đơn vị hành chính %(name)s (%(s)s): %(c)d mới, %(u)d cập nhật")
            % {
                "name": province.full_name,
                "s": structure,
                "c": result.created,
                "u": result.updated,
            },
        )
    return result


def _check_village_name(commune: AdminUnit, name: str, exclude_pk: int | None = None) -> None:
    if not name:
        raise ValidationError(_("Tên thôn không được để trống."))
    clash = commune.children.filter(name_key=fold(name), valid_to__isnull=True)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(_("Xã đã có thôn tên “%(n)s”.") % {"n": name})


def _next_village_code(commune: AdminUnit) -> str:
    # By prefix, not by parent: after the move to 2025 a commune's code may prefix the villages
    # of an old commune of that code now under another commune.
    codes = AdminUnit.objects.filter(
        level=Level.VILLAGE, code__startswith=f"{commune.code}-"
    ).values_list("code", flat=True)
    numbers = [int(c.rsplit("-", 1)[1]) for c in codes if c.rsplit("-", 1)[-1].isdigit()]
    return f"{commune.code}-{max(numbers, default=0) + 1:03d}"


def village_build(*, commune: AdminUnit, name: str, unit_type: str, code: str) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=name,
        unit_type=unit_type,
        level=Level.VILLAGE,
        structure=commune.structure,
        parent=commune,
        path=_path_of(commune, code),
        name_key=fold(name),
        valid_from=timezone.localdate(),
        **commune.ancestor_ids(),
    )


@transaction.atomic
def village_create(*, actor, commune: AdminUnit, name: str, unit_type: str = "Thôn") -> AdminUnit:
    if commune.level != Level.COMMUNE:
        raise ValidationError(_("Chỉ thêm thôn vào một xã, phường, thị trấn."))
    name = clean(name)
    _check_village_name(commune, name)
    unit_type = clean(unit_type) or "Thôn"
    village = village_build(
        commune=commune, name=name, unit_type=unit_type, code=_next_village_code(commune)
    )
    village.save()
    audit_record(
        actor=actor,
        action="village.create",
        obj=village,
        unit=village,
        summary=_("Thêm %(v)s thuộc %(c)s") % {"v": village.full_name, "c": commune.full_name},
    )
    return village


@transaction.atomic
def village_rename(
    *, actor, village: AdminUnit, name: str, unit_type: str | None = None
) -> AdminUnit:
    name = clean(name)
    _check_village_name(village.parent, name, exclude_pk=village.pk)
    before = village.full_name
    village.name, village.name_key = name, fold(name)
    if unit_type:
        village.unit_type = clean(unit_type)
    village.save(update_fields=["name", "name_key", "unit_type"])
    audit_record(
        actor=actor,
        action="village.rename",
        obj=village,
        unit=village,
        summary=_("Đổi tên %(a)s thành %(b)s") % {"a": before, "b": village.full_name},
        changes={"before": before, "after": village.full_name},
    )
    return village


@transaction.atomic
def village_retire(*, actor, village: AdminUnit, on: dt.date | None = None) -> AdminUnit:
    """Retire a village (merged or dissolved); its history stays."""
    village.valid_to = on or timezone.localdate()
    village.save(update_fields=["valid_to"])
    audit_record(
        actor=actor,
        action="village.retire",
        obj=village,
        unit=village,
        summary=_("Ngừng hoạt động %(v)s") % {"v": village.full_name},
    )
    return village


# The village types, longest first, each with its folded prefix.
_TYPE_PREFIXES = [(t, fold(t) + " ") for t in sorted(VILLAGE_TYPES, key=len, reverse=True)]


def village_type_guess(name: str) -> tuple[str, str]:
    """'Tổ dân phố 3' -> ('Tổ dân phố', '3'); a name with no known prefix is a 'Thôn'."""
    folded = fold(name)
    for t, prefix in _TYPE_PREFIXES:
        if folded.startswith(prefix):
            return t, clean(name)[len(t) :].strip()
    return "Thôn", clean(name)
