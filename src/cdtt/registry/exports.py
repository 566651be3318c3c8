"""Exports of coverage to XLSX: a unit and each of its children (or every village below it)."""

from django.utils.translation import gettext as _

from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.xlsx import INTEGER, RATE, TEXT, xlsx_bytes
from cdtt.registry.models import VillageCoverage
from cdtt.registry.selectors import COUNTERS, Coverage, coverage_children, coverage_of
from cdtt.skills.models import SKILL_CODES, Skill


def _headers() -> list[str]:
    names = dict(Skill.objects.values_list("code", "name"))
    return [
        _("Mã"),
        _("Tên"),
        _("Cấp"),
        _("Số hộ"),
        _("Hộ có người thành thạo 5 kỹ năng"),
        _("Tỷ lệ (%)"),
        _("Số nhân khẩu"),
        _("Thành thạo cả 5 kỹ năng"),
        *[_("Thành thạo: %(s)s") % {"s": names.get(code, code)} for code in SKILL_CODES],
    ]


def _row(unit: AdminUnit, c: Coverage) -> list:
    return [
        unit.code,
        unit.full_name,
        unit.get_level_display(),
        c.households,
        c.covered,
        100 * c.rate,
        c.residents,
        c.proficient,
        *[getattr(c, f"p_{code}") for code in SKILL_CODES],
    ]


def coverage_xlsx(unit: AdminUnit, *, villages: bool = False) -> bytes:
    """The unit's row, then one row per child (or, with ``villages``, per village below it)."""
    rows = [_row(unit, coverage_of(unit))]
    if villages and unit.level != Level.VILLAGE:
        rows.extend(_row(v, c) for v, c in villages_below(unit))
    else:
        rows.extend(_row(child, c) for child, c in coverage_children(unit))
    kinds = [TEXT, TEXT, TEXT, INTEGER, INTEGER, RATE, INTEGER, INTEGER]
    kinds += [INTEGER] * len(SKILL_CODES)
    return xlsx_bytes(_("Độ phủ"), _headers(), rows, kinds=kinds, unit=unit.full_name)


def villages_below(unit: AdminUnit) -> list[tuple[AdminUnit, Coverage]]:
    """Every current village under the unit with its counters (two queries)."""
    field = {
        Level.PROVINCE: "province_id",
        Level.DISTRICT: "district_id",
        Level.COMMUNE: "commune_id",
    }[unit.level]
    counters = {
        row[0]: Coverage(*row[1:])
        for row in VillageCoverage.objects.filter(**{field: unit.pk}).values_list(
            "village_id", *COUNTERS
        )
    }
    villages = (
        AdminUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True, **{field: unit.pk})
        .only("code", "name", "unit_type", "level", "path")
        .order_by("path")
    )
    return [(v, counters.get(v.pk) or Coverage()) for v in villages]
