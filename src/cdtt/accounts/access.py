"""The only way to fetch users for a user: scope is a subtree.

A user outside the acting user's subtree is answered exactly as a missing one (404), so that
nobody learns what exists beyond their scope. Units are fetched through ``cdtt.geo.access``.
"""

from django.db.models import QuerySet
from django.http import Http404

from cdtt.accounts.models import User
from cdtt.core.access import scope_path


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
