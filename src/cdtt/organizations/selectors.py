"""Reading organisations within a user's reach: the tree of branches, the organisations an
agency officer manages, the organisations a user may see or change."""

from django.db.models import Q, QuerySet

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.core.roles import Role
from cdtt.lib.text import fold
from cdtt.organizations.models import Organization


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def organization_tree(org: Organization | None) -> list[int]:
    """An organisation and all its branches (ids)."""
    if org is None:
        return []
    ids, frontier = [org.pk], [org.pk]
    while frontier:
        frontier = list(
            Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = [i for i in frontier if i not in ids]
        ids.extend(frontier)
    return ids


def officer_organizations(user) -> list[int]:
    """The organisations whose focal staff an agency officer manages across the province."""
    if not _active(user) or user.role != Role.AGENCY_OFFICER or not user.organization_id:
        return []
    return organization_tree(user.organization)


def organizations_for(user) -> QuerySet[Organization]:
    """Organisations the user may see: those located in their scope, those above it (a province
    enterprise sends staff to every commune), and an officer's own organisation tree."""
    if not _active(user):
        return Organization.objects.none()
    path = scope_path(user)
    cond = Q(pk__in=officer_organizations(user))
    if path is not None:
        # The units above by their paths: a code alone may also name a closed 2024 unit.
        parts = [c for c in path.strip("/").split("/") if c]
        ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
        cond |= Q(unit__path__startswith=path) | Q(unit__path__in=ancestors)
    return Organization.objects.filter(cond).select_related("unit", "parent")


def organization_list(user, *, q: str = "", kind: str = "") -> QuerySet[Organization]:
    """The organisations list: those the user may see, by kind and a search of their names
    (ignoring case and diacritics)."""
    orgs = organizations_for(user)
    if kind:
        orgs = orgs.filter(kind=kind)
    if q:
        orgs = orgs.filter(name_key__contains=fold(q))
    return orgs


def can_manage_organization(user, org: Organization | None = None) -> bool:
    if not _active(user):
        return False
    if org is not None and org.pk in officer_organizations(user):
        return True
    if user.role not in roles.MANAGE_UNITS:
        return False
    path = scope_path(user)
    return path is not None and (org is None or org.unit.path.startswith(path))
