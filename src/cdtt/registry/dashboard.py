"""Reads behind the coverage dashboard: the chart over time, target progress, the commune map.

Everything here reads the per-village counters (VillageCoverage) or their daily copies
(CoverageSnapshot), summed with one GROUP BY; nothing counts households or residents, so the
dashboard opens as fast for the province as for a village.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.models import CoverageSnapshot, Target, VillageCoverage
from cdtt.registry.selectors import Coverage, targets_for

# The field that locates a counter row under a unit of each level.
LEVEL_FIELD = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}

HISTORY_CACHE_SECONDS = 3600

SKILL_COUNTERS = [
    ("public_services", "p_public_services"),
    ("shopping", "p_shopping"),
    ("payment", "p_payment"),
    ("safety", "p_safety"),
    ("local_platform", "p_local_platform"),
]


@dataclass
class Point:
    day: dt.date
    households: int
    covered: int

    @property
    def rate(self) -> float:
        return self.covered / self.households if self.households else 0.0


def history(unit: AdminUnit, today_figure: Coverage, *, days: int = 400) -> list[Point]:
    """Daily coverage of the unit from the snapshots, ending with today's live figure.

    Past days do not change once their snapshot is taken, so their sums are cached for the day:
    at province scale they are a GROUP BY over a year of every village's snapshots.
    """
    today = timezone.localdate()
    key = f"cdtt:coverage-history:{unit.pk}:{today.isoformat()}:{days}"
    past = cache.get(key)
    if past is None:
        rows = (
            CoverageSnapshot.objects.filter(
                **{LEVEL_FIELD[unit.level]: unit.pk},
                day__gte=today - dt.timedelta(days=days),
                day__lt=today,
            )
            .values("day")
            .annotate(households=Sum("households"), covered=Sum("covered"))
            .order_by("day")
        )
        past = [(r["day"], r["households"] or 0, r["covered"] or 0) for r in rows]
        cache.set(key, past, HISTORY_CACHE_SECONDS)
    points = [Point(*row) for row in past]
    points.append(Point(today, today_figure.households, today_figure.covered))
    return points


def chart_data(points: list[Point]) -> dict:
    """What dashboard.js draws: labels as dd/mm/yyyy and the rate in percent."""
    return {
        "labels": [p.day.strftime("%d/%m/%Y") for p in points],
        "rates": [round(100 * p.rate, 2) for p in points],
        "covered": [p.covered for p in points],
        "households": [p.households for p in points],
    }


@dataclass
class Progress:
    target: Target
    inherited: bool  # the target was set by an ancestor, not by the unit itself
    rate_percent: float  # current coverage in percent
    households_needed: int  # covered households needed to reach the target
    households_missing: int  # how many more households must be covered

    @property
    def reached(self) -> bool:
        return self.households_missing == 0

    @property
    def share_of_target(self) -> float:
        """Current rate as a share of the target, 0..100, for the progress bar."""
        target = float(self.target.rate)
        return 100.0 if target <= 0 else min(100.0, round(100 * self.rate_percent / target, 1))


def target_progress(
    unit: AdminUnit, coverage: Coverage, year: int | None = None
) -> Progress | None:
    year = year or timezone.localdate().year
    target = targets_for(unit, year)
    if target is None:
        return None
    needed = int(
        (Decimal(coverage.households) * target.rate / 100).to_integral_value(
            rounding="ROUND_CEILING"
        )
    )
    return Progress(
        target=target,
        inherited=target.unit_id != unit.pk,
        rate_percent=round(100 * coverage.rate, 1),
        households_needed=needed,
        households_missing=max(0, needed - coverage.covered),
    )


def proficient_per_skill(coverage: Coverage) -> list[tuple[str, int]]:
    """(skill code, residents proficient in it) in catalog order."""
    return [(code, getattr(coverage, field)) for code, field in SKILL_COUNTERS]


def map_features(unit: AdminUnit) -> dict:
    """GeoJSON points of the communes under the unit, each with its coverage rate."""
    communes = AdminUnit.objects.filter(
        path__startswith=unit.path, level=Level.COMMUNE, lat__isnull=False, lon__isnull=False
    ).only("code", "name", "unit_type", "lat", "lon")
    sums = {
        r["commune_id"]: r
        for r in VillageCoverage.objects.filter(**{LEVEL_FIELD[unit.level]: unit.pk})
        .values("commune_id")
        .annotate(households=Sum("households"), covered=Sum("covered"))
    }
    features = []
    for c in communes:
        row = sums.get(c.pk)
        households = (row or {}).get("households") or 0
        covered = (row or {}).get("covered") or 0
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": {
                    "code": c.code,
                    "name": c.full_name,
                    "households": households,
                    "covered": covered,
                    "rate": round(covered / households, 4) if households else None,
                    "url": reverse("registry:dashboard_unit", args=[c.code]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
