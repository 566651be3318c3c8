"""The only way to fetch administrative units for a user: scope is a subtree.

A unit outside the user's subtree is answered exactly as a missing one (404), so that
nobody learns what exists beyond their scope.
"""

from django.db.models import F, QuerySet
from django.http import Http404

from cdtt.core.access import scope_path
from cdtt.geo.models import AdminUnit


def units_for(user) -> QuerySet[AdminUnit]:
    path = scope_path(user)
    if path is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(path__startswith=path)


def access_unit(user, code: str, structure: str | None = None) -> AdminUnit:
    """The unit with this code if the user may see it; otherwise 404. Codes are reused across
    the 2025 merger: without a structure the unit in force wins over a closed one."""
    units = units_for(user).filter(code=code)
    if structure:
        units = units.filter(structure=structure)
    unit = units.order_by(F("valid_to").desc(nulls_first=True)).first()
    if unit is None:
        raise Http404("unit")
    return unit


def access_unit_by_id(user, pk: int) -> AdminUnit:
    try:
        return units_for(user).get(pk=pk)
    except AdminUnit.DoesNotExist:
        raise Http404("unit") from None
