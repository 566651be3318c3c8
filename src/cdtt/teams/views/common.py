"""What the pages of the teams app share: access sets, form errors, the unit parameter."""

from django.core.exceptions import PermissionDenied

from cdtt.core import roles
from cdtt.geo.access import access_unit
from cdtt.geo.models import AdminUnit
from cdtt.teams import selectors, services
from cdtt.teams.models import Membership

VIEW = roles.OFFICERS | roles.FIELD
MANAGE = roles.MANAGE_UNITS
PAGE = 50


def date_text(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


PERSON_FIELDS = ("full_name", "gender", "birth_year", "phone", "email", "organization", "position")


def person_fields(cd: dict) -> services.PersonFields:
    """A new person's fields out of a form that also holds other things."""
    return {name: cd[name] for name in PERSON_FIELDS}


def unit_param(request) -> AdminUnit | None:
    code = request.GET.get("unit", "")
    return access_unit(request.user, code) if code else None


def managed_team(request, pk: int):
    team = selectors.access_team(request.user, pk)
    if not selectors.can_manage_team(request.user, team):
        raise PermissionDenied
    return team


def managed_membership(request, pk: int) -> Membership:
    m = selectors.access_membership(request.user, pk)
    if not selectors.can_manage_team(request.user, m.team):
        raise PermissionDenied
    return m
