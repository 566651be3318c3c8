"""Scoped reads of the media log: the Department and the provincial leader see every post; an
outlet's officers the posts of their outlet; a commune or district officer the posts that
feature a unit of their subtree. Figures per outlet and month."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.core.roles import Role
from cdtt.media.models import MediaPost
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.organizations.selectors import organization_tree

SEE_ALL = {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER}


def outlet_of(user) -> Organization | None:
    """The media outlet a user works for, if any."""
    org = getattr(user, "organization", None) if roles.has_role(user, roles.OFFICERS) else None
    return org if org is not None and org.kind == OrganizationKind.MEDIA else None


def can_log(user) -> bool:
    return roles.has_role(user, {Role.PROVINCE_ADMIN}) or outlet_of(user) is not None


def outlets_for(user) -> QuerySet[Organization]:
    """The outlets a user may log posts for."""
    outlets = Organization.objects.filter(kind=OrganizationKind.MEDIA, active=True)
    if roles.has_role(user, {Role.PROVINCE_ADMIN}):
        return outlets
    own = outlet_of(user)
    return outlets.filter(pk__in=organization_tree(own)) if own else outlets.none()


def posts_for(user) -> QuerySet[MediaPost]:
    posts = MediaPost.objects.select_related("outlet")
    if not roles.has_role(user, roles.OFFICERS):
        return posts.none()
    path = scope_path(user)
    if user.role in SEE_ALL:  # the posts of the province's outlets or about its units
        if path is None:
            return posts.none()
        about = MediaPost.objects.filter(units__path__startswith=path).values("pk")
        return posts.filter(Q(outlet__unit__path__startswith=path) | Q(pk__in=about))
    cond = Q(pk__in=[])
    own = outlet_of(user)
    if own is not None:
        cond |= Q(outlet_id__in=organization_tree(own))
    if path is not None and user.role in {Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER}:
        cond |= Q(pk__in=MediaPost.objects.filter(units__path__startswith=path).values("pk"))
    return posts.filter(cond)


def access_post(user, pk: int) -> MediaPost:
    found = posts_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("media post")
    return found


def outlet_months(posts: QuerySet[MediaPost], year: int) -> list[dict]:
    """Posts per outlet and month of a year: ``[{outlet, months: [12 counts], total}]``."""
    rows = (
        posts.filter(published_on__year=year)
        .annotate(month=ExtractMonth("published_on"))
        .values("outlet_id", "outlet__name", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict[int, dict] = {}
    for row in rows:
        entry = table.setdefault(
            row["outlet_id"], {"outlet": row["outlet__name"], "months": [0] * 12, "total": 0}
        )
        entry["months"][row["month"] - 1] += row["n"]
        entry["total"] += row["n"]
    return sorted(table.values(), key=lambda e: e["outlet"])


def kinds_count(posts: QuerySet[MediaPost], year: int) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for kind in posts.filter(published_on__year=year).values_list("kind", flat=True):
        counts[kind] += 1
    return dict(counts)
