"""Figures of the registry: households, coverage, residents, proficiency per skill.

Now: the sums of the live per-village counters (VillageCoverage). As of a past date: the sums of
the latest daily snapshot taken on or before that date (CoverageSnapshot, ``rollups --snapshot``);
none on or before it: unknown (None). Snapshots taken before the residents and skill counters
were copied leave those unknown too.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare, declare_derived
from cdtt.figures.grouping import grouped
from cdtt.geo.models import AdminUnit
from cdtt.registry.models import CoverageSnapshot, VillageCoverage
from cdtt.skills.models import SKILL_CODES

MODULE = "registry"
SKILL_LABELS = {
    "public_services": _("Người thành thạo: Dịch vụ công trực tuyến"),
    "shopping": _("Người thành thạo: Mua sắm trực tuyến"),
    "payment": _("Người thành thạo: Thanh toán trực tuyến"),
    "safety": _("Người thành thạo: An toàn trên không gian mạng"),
    "local_platform": _("Người thành thạo: Nền tảng số khác"),
}
# figure code -> counter column (the same name on VillageCoverage and CoverageSnapshot)
COLUMNS = {
    "households": "households",
    "covered": "covered",
    "residents": "residents",
    "proficient": "proficient",
    **{f"proficient_{code}": f"p_{code}" for code in SKILL_CODES},
}
HOUSEHOLDS = _("hộ")
PEOPLE = _("người")


def snapshot_day(as_of: dt.date) -> dt.date | None:
    """The day of the latest snapshot on or before the date."""
    return CoverageSnapshot.objects.filter(day__lte=as_of).aggregate(d=Max("day"))["d"]


def _coverage(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    if as_of is None:
        rows = VillageCoverage.objects.all()
    else:
        day = snapshot_day(as_of)
        if day is None:
            return {u.pk: dict.fromkeys(COLUMNS) for u in units}
        rows = CoverageSnapshot.objects.filter(day=day)
    sums = grouped(rows, units, {code: Sum(column) for code, column in COLUMNS.items()})
    if as_of is None:
        return sums
    # A counter an older snapshot did not copy is unknown, not zero.
    known = _known_counters(rows)
    zeros = {code: 0 if code in known else None for code in COLUMNS}
    return {
        u.pk: {**zeros, **{c: v for c, v in sums.get(u.pk, {}).items() if c in known}}
        for u in units
    }


def _known_counters(rows) -> set[str]:
    """The figures the snapshot's day copied (the older ones only households and covered)."""
    first = rows.values(*COLUMNS.values()).first() or {}
    return {code for code, column in COLUMNS.items() if first.get(column) is not None}


def _rate(households: int, covered: int) -> float:
    return covered / households if households else 0.0


declare(
    module=MODULE,
    figures=[
        Figure("households", _("Hộ gia đình"), HOUSEHOLDS),
        Figure("covered", _("Hộ có người thành thạo 5 kỹ năng"), HOUSEHOLDS),
        Figure("residents", _("Nhân khẩu"), PEOPLE),
        Figure("proficient", _("Người thành thạo cả 5 kỹ năng"), PEOPLE),
        *[Figure(f"proficient_{c}", SKILL_LABELS[c], PEOPLE) for c in SKILL_CODES],
    ],
    compute=_coverage,
)
declare_derived(
    module=MODULE,
    figure=Figure("rate", _("Tỷ lệ hộ có người thành thạo 5 kỹ năng (0–1)"), _("tỷ lệ")),
    needs=["households", "covered"],
    formula=_rate,
)
