"""The only way to fetch administrative units for a user: scope is a subtree.

A unit outside the user's subtree is answered exactly as a missing one (404), so that
nobody learns what exists beyond their scope.
"""

from django.db.models import QuerySet
from django.http import Http404

from cdtt.core.access import scope_path
from cdtt.geo.models import AdminUnit


def units_for(user) -> QuerySet[AdminUnit]:
    path = scope_path(user)
    if path is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(path__startswith=path)


def access_unit(user, code: str) -> AdminUnit:
    """The unit with this code if the user may see it; otherwise 404."""
    try:
        return units_for(user).get(code=code)
    except AdminUnit.DoesNotExist:
        raise Http404("unit") from None


def access_unit_by_id(user, pk: int) -> AdminUnit:
    try:
        return units_for(user).get(pk=pk)
    except AdminUnit.DoesNotExist:
        raise Http404("unit") from None
