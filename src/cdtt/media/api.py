"""JSON API of the media log (mounted under /api/v1/): the posts a caller sees, logging one, the
posts per outlet and month of a year."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from cdtt.core.errors import error_responses
from cdtt.geo.models import AdminUnit
from cdtt.media import selectors, services
from cdtt.organizations.models import Organization
from cdtt.teams.models import Team

router = Router(tags=["media"])
MAX_ITEMS = 500


class MediaPostOut(Schema):
    id: int
    outlet: str
    outlet_id: int
    title: str
    published_on: dt.date
    kind: str
    link: str
    units: list[str]
    teams: list[int]
    skills: list[str]
    services: list[str]


class MediaPostList(Schema):
    count: int
    items: list[MediaPostOut]


class MediaPostIn(Schema):
    outlet: int
    title: str
    published_on: dt.date
    kind: Literal["article", "tv", "radio", "social"]
    link: str
    units: list[str] = []  # unit codes (units in force)
    teams: list[int] = []
    skills: list[str] = []
    services: list[str] = []


class MediaOutletMonths(Schema):
    outlet: str
    months: list[int]
    total: int


class MediaFiguresOut(Schema):
    year: int
    items: list[MediaOutletMonths]


class MediaFiguresQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _post(p) -> dict:
    return {
        "id": p.pk,
        "outlet": p.outlet.name,
        "outlet_id": p.outlet_id,
        "title": p.title,
        "published_on": p.published_on,
        "kind": p.kind,
        "link": p.link,
        "units": [u.code for u in p.units.all()],
        "teams": [t.pk for t in p.teams.all()],
        "skills": list(p.skills),
        "services": list(p.services),
    }


@router.get("/media/posts", response={200: MediaPostList, **error_responses(401)})
def posts(request):
    """The posts the caller sees, newest first (at most 500)."""
    rows = selectors.posts_for(request.user).prefetch_related("units", "teams")[:MAX_ITEMS]
    items = [_post(p) for p in rows]
    return {"count": len(items), "items": items}


@router.post("/media/posts", response={201: MediaPostOut, **error_responses(401, 403, 409, 422)})
def log(request, body: MediaPostIn):
    """Log a post of an outlet the caller works for (a link that is not http(s): 422; the same
    link twice: 409)."""
    post = services.post_log(
        actor=request.user,
        outlet=Organization.objects.filter(pk=body.outlet).first(),
        title=body.title,
        published_on=body.published_on,
        kind=body.kind,
        link=body.link,
        units=AdminUnit.objects.filter(code__in=body.units, valid_to__isnull=True),
        teams=Team.objects.filter(pk__in=body.teams),
        skills=body.skills,
        services=body.services,
    )
    return 201, _post(post)


@router.get("/media/figures", response={200: MediaFiguresOut, **error_responses(401, 422)})
def figures(request, query: Query[MediaFiguresQuery]):
    """Posts per outlet and month of a year (this year by default)."""
    year = query.year or timezone.localdate().year
    items = selectors.outlet_months(selectors.posts_for(request.user), year)
    return {"year": year, "items": items}
