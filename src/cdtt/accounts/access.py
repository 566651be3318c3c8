"""The only way to fetch administrative units and users for a user: scope is a subtree.

A unit outside the user's subtree is answered exactly as a missing one (404), so that
nobody learns what exists beyond their scope.
"""

from django.db.models import QuerySet
from django.http import Http404

from cdtt.accounts.models import User
from cdtt.geo.models import AdminUnit


def scope_path(user) -> str | None:
    """The path prefix of what the user may see; None for nothing."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    unit = user.scope_unit
    if unit is None:
        return None
    return unit.path


def in_scope(user, unit: AdminUnit) -> bool:
    path = scope_path(user)
    return path is not None and unit.path.startswith(path)


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


def users_for(user) -> QuerySet[User]:
    path = scope_path(user)
    if path is None:
        return User.objects.none()
    return User.objects.filter(scope_unit__path__startswith=path).select_related("scope_unit")


def access_user(user, pk: int) -> User:
    try:
        return users_for(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("user") from None
