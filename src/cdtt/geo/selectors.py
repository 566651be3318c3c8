"""Reads of the administrative map within a user's scope."""

from django.db.models import Count, Q, QuerySet

from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
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
