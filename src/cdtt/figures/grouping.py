"""Helpers the modules' figure sources share: sums grouped by unit, one query per level."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from django.db.models import Aggregate, Q, QuerySet
from django.utils import timezone

from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.remap import old_villages_of, remapped_unit

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
    moved = [u for u in units if remapped_unit(u)]
    if moved:
        out.update(_grouped_by_old_villages(queryset, moved, aggregates))
        units = [u for u in units if not remapped_unit(u)]
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


def _village_lookup(model) -> str | None:
    """How a row of the model reaches the villages it is located in."""
    names = {f.name for f in model._meta.get_fields()}
    if "village" in names:
        return "village_id"
    if "villages" in names:
        return "villages"
    if "team" in names:
        return "team__villages"
    if model is AdminUnit:
        return "id"
    return None


def _grouped_by_old_villages(
    queryset: QuerySet, units: Sequence[AdminUnit], aggregates: Mapping[str, Aggregate]
) -> dict[int, dict[str, int]]:
    """A 2024 commune or district closed by the move to 2025: its facts are those of the
    villages it held, wherever those villages are now (one query per such unit)."""
    lookup = _village_lookup(queryset.model)
    if lookup is None:
        return {}
    villages = old_villages_of(units)
    out = {}
    for unit in units:
        # A subquery of the caller's own rows: its filters hold, and a row reaching several of
        # the unit's villages (a team serving three) counts once.
        inside = queryset.filter(**{f"{lookup}__in": villages.get(unit.pk, [])}).values("pk")
        totals = _base(queryset).filter(pk__in=inside).aggregate(**aggregates)
        out[unit.pk] = {name: totals[name] or 0 for name in aggregates}
    return out


def _base(queryset: QuerySet) -> QuerySet:
    """The rows of the queryset's model, unfiltered: the filter is the caller's ``pk__in``."""
    return queryset.model._default_manager.all()


def in_force(day: dt.date) -> Q:
    """Administrative units in force on the day (created by then, not yet retired)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gt=day)
    )


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after the local day: times before it happened by the end of the day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
