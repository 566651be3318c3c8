"""Helpers the modules' figure sources share: sums grouped by unit, one query per level."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db.models import Aggregate, Q, QuerySet
from django.utils import timezone

from cdtt.geo.models import AdminUnit, Level

# The column that locates a located fact (or a counter row) under a unit of each level.
LEVEL_FIELD = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}


def by_level(units: Sequence[AdminUnit]) -> dict[str, list[int]]:
    """Ids of the units, by level (children of one unit share one level: one query)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        groups[unit.level].append(unit.pk)
    return groups


def grouped(
    queryset: QuerySet,
    units: Sequence[AdminUnit],
    aggregates: Mapping[str, Aggregate],
    fields: Mapping[str, str] = LEVEL_FIELD,
) -> dict[int, dict[str, int]]:
    """``{unit pk: {name: aggregate}}`` over the rows under each unit: one GROUP BY per level.
    ``fields`` names the column (or lookup) that locates a row under a unit of each level."""
    out: dict[int, dict[str, int]] = {}
    for level, ids in by_level(units).items():
        column = fields[level]
        rows = (
            queryset.filter(**{f"{column}__in": ids})
            .values(column)
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            out[row[column]] = {name: row[name] or 0 for name in aggregates}
    return out


def in_force(day: dt.date) -> Q:
    """Administrative units in force on the day (created by then, not yet retired)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after the local day: times before it happened by the end of the day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
