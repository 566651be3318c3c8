"""JSON API of the good-practice library (no login): approved models, searchable."""

from django.http import JsonResponse
from ninja import Router, Schema

from cdtt.core.errors import NotFound, error_responses
from cdtt.geo.models import AdminUnit
from cdtt.practices import selectors

router = Router(tags=["practices"])


class InitiativePlace(Schema):
    code: str
    name: str


class InitiativeItem(Schema):
    id: int
    title: str
    summary: str
    url: str
    units: list[InitiativePlace]
    skills: list[str]
    status: str
    approved_on: str | None
    replications: int


class Initiatives(Schema):
    count: int
    items: list[InitiativeItem]


def item(i) -> dict:
    return {
        "id": i.pk,
        "title": i.title,
        "summary": i.summary,
        "url": i.get_absolute_url(),
        "units": [{"code": p.unit.code, "name": p.unit.full_name} for p in i.places.all()],
        "skills": [s.code for s in i.skills.all()],
        "status": i.status,
        "approved_on": i.approved_on.isoformat() if i.approved_on else None,
        "replications": i.n_replications,
    }


@router.get("/initiatives", auth=None, response={200: Initiatives, **error_responses(404, 422)})
def initiative_list(request, q: str = "", skill: str = "", unit: str = "", year: str = ""):
    """Approved models of the library: search without diacritics, by skill code, by unit code
    (its subtree), by year started. No login."""
    place = None
    if unit:
        place = AdminUnit.objects.filter(code=unit, valid_to__isnull=True).first()
        if place is None:
            raise NotFound()
    qs = selectors.filtered(selectors.library(), q=q, skill=skill, unit=place, year=year)
    qs = qs.prefetch_related("skills", selectors.places_prefetch()).order_by("-approved_on", "-pk")
    items = [item(i) for i in qs[:200]]
    return JsonResponse({"count": qs.count(), "items": items})
