"""Scoped reads of letterheads: an officer sees the letterheads of the units in their subtree;
``access_letterhead`` is the only way to fetch one (outside the subtree it answers 404, like a
missing one)."""

from django.db.models import QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.documents.models import Letterhead

# Who may read letterheads (those of their subtree) and who may create and edit them.
READ = roles.OFFICERS
MANAGE = roles.MANAGE_CATALOG


def letterheads_for(user) -> QuerySet[Letterhead]:
    path = scope_path(user)
    if path is None or not roles.has_role(user, READ):
        return Letterhead.objects.none()
    return Letterhead.objects.filter(unit__path__startswith=path).select_related("unit")


def access_letterhead(user, pk: int) -> Letterhead:
    letterhead = letterheads_for(user).filter(pk=pk).first()
    if letterhead is None:
        raise Http404("letterhead")
    return letterhead


def can_manage(user) -> bool:
    return roles.has_role(user, MANAGE)
