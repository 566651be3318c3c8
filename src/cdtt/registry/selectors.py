"""Reads of coverage: sums of the village counters below a unit (one GROUP BY, no counting)."""

from dataclasses import dataclass

from django.db.models import Sum

from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.models import VillageCoverage

COUNTERS = ["households", "covered", "residents", "proficient", "p_public_services", "p_shopping",
            "p_payment", "p_safety", "p_local_platform"]

_FILTER_BY_LEVEL = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}


@dataclass
class Coverage:
    households: int = 0
    covered: int = 0
    residents: int = 0
    proficient: int = 0
    p_public_services: int = 0
    p_shopping: int = 0
    p_payment: int = 0
    p_safety: int = 0
    p_local_platform: int = 0

    @property
    def rate(self) -> float:
        return self.covered / self.households if self.households else 0.0

    @property
    def rate_percent(self) -> str:
        return f"{100 * self.rate:.1f}"


def coverage_of(unit: AdminUnit) -> Coverage:
    totals = VillageCoverage.objects.filter(**{_FILTER_BY_LEVEL[unit.level]: unit.pk}).aggregate(
        **{c: Sum(c) for c in COUNTERS}
    )
    return Coverage(**{k: v or 0 for k, v in totals.items()})
