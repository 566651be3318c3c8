"""Reads of the administrative map within a user's scope."""

import datetime as dt

from django.db.models import Count, F, Q, QuerySet

from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level, Structure
from cdtt.lib.text import fold


def children_of(unit: AdminUnit, *, include_retired: bool = False) -> QuerySet[AdminUnit]:
    children = unit.children.annotate(
        n_children=Count("children", filter=Q(children__valid_to__isnull=True))
    ).order_by("name_key")
    if not include_retired:
        children = children.filter(valid_to__isnull=True)
    return children


def breadcrumbs(unit: AdminUnit) -> list[AdminUnit]:
    # By the parent chain: a code alone may name a closed 2024 unit and a 2025 one.
    chain = [unit]
    while chain[0].parent_id:
        chain.insert(0, chain[0].parent)
    return chain


def unit_search(user, q: str, *, level: str = "", limit: int = 50) -> QuerySet[AdminUnit]:
    """Name search ignoring case and diacritics ('quang xuong' finds 'Quảng Xương'), or by code."""
    units = units_for(user).filter(valid_to__isnull=True)
    if level:
        units = units.filter(level=level)
    key = fold(q)
    if not key:
        return units.none()
    return units.filter(Q(name_key__contains=key) | Q(code=q.strip())).order_by("path")[:limit]


def communes_with_points(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(
        path__startswith=unit.path, level=Level.COMMUNE, lat__isnull=False
    ).only("code", "name", "unit_type", "lat", "lon", "path")


def unit_by_code(
    code: str,
    *,
    units: QuerySet[AdminUnit] | None = None,
    structure: Structure | str | None = None,
    as_of: dt.date | None = None,
) -> AdminUnit | None:
    """The unit with this code, or None. Codes are reused across the July 2025 merger (a 2025
    commune may carry the code of a 2024 one, now closed): a code names a unit only with its
    structure. Given ``structure``, the unit of that structure; given ``as_of``, the unit in
    force on that day (a day before 01/07/2025 finds the 2024 unit); neither, the unit in force
    now (an open unit before a closed one)."""
    found = (AdminUnit.objects.all() if units is None else units).filter(code=code)
    if structure:
        found = found.filter(structure=structure)
    if as_of is not None:
        found = found.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=as_of)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=as_of)
        )
    return found.order_by(F("valid_to").desc(nulls_first=True), "-structure").first()
