"""JSON API of the administrative map."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import NotFound, error_responses
from cdtt.geo.access import access_unit
from cdtt.geo.selectors import children_of

router = Router(tags=["units"])


class UnitOut(Schema):
    code: str
    name: str
    unit_type: str
    level: str
    lat: float | None = None
    lon: float | None = None


class UnitDetail(UnitOut):
    parent_code: str | None = None
    children: list[UnitOut]


@router.get("/{code}", response={200: UnitDetail, **error_responses(404)})
def unit_get(request, code: str):
    """A unit in the caller's scope, with its current children."""
    try:
        unit = access_unit(request.user, code)
    except Http404:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None
    return {
        "code": unit.code,
        "name": unit.name,
        "unit_type": unit.unit_type,
        "level": unit.level,
        "lat": unit.lat,
        "lon": unit.lon,
        "parent_code": unit.parent.code if unit.parent else None,
        "children": list(children_of(unit)),
    }
