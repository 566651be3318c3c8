"""JSON API of the figures (mounted under /api/v1/): the catalogue and a unit's figures as of a date.

A unit outside the caller's scope answers exactly like a missing one (404).
"""

import datetime as dt

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import BadRequest, NotFound, error_responses
from cdtt.figures.catalogue import catalogue, figures_of
from cdtt.geo.access import access_unit

router = Router(tags=["figures"])


class FigureOut(Schema):
    code: str
    label: str
    unit_of_measure: str
    module: str


class CatalogueOut(Schema):
    count: int
    items: list[FigureOut]


class UnitRef(Schema):
    code: str
    name: str
    level: str


class FiguresOut(Schema):
    unit: UnitRef
    as_of: dt.date
    figures: dict[str, int | float | None]


def parse_as_of(text: str | None) -> dt.date:
    """The date asked for (YYYY-MM-DD), today when absent; a bad or future date is a 400."""
    today = timezone.localdate()
    if not text:
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(_("Ngày không hợp lệ: hãy ghi theo dạng YYYY-MM-DD.")) from None
    if day > today:
        raise BadRequest(_("Không có số liệu của một ngày chưa tới."))
    return day


def _round(value):
    """Rates and ratios to four decimals, as the coverage endpoint gives them."""
    return round(value, 4) if isinstance(value, float) else value


@router.get("/figures", response={200: CatalogueOut}, summary="Catalogue of figures")
def figures_catalogue(request):
    """Every figure the modules declare: code, label (Vietnamese), unit of measure, module."""
    items = [
        {"code": f.code, "label": str(f.label), "unit_of_measure": str(f.unit), "module": f.module}
        for f in catalogue()
    ]
    return {"count": len(items), "items": items}


@router.get(
    "/figures/{unit_code}",
    response={200: FiguresOut, **error_responses(400, 404)},
    summary="Figures of a unit as of a date",
)
def unit_figures(request, unit_code: str, as_of: str | None = None):
    """Every figure of the unit as of ``as_of`` (YYYY-MM-DD; absent: now, from the live
    counters). A figure the history cannot give for that date is null."""
    try:
        unit = access_unit(request.user, unit_code)
    except Http404:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None
    day = parse_as_of(as_of)
    values = figures_of(unit, as_of=day)
    return {
        "unit": {"code": unit.code, "name": unit.full_name, "level": unit.level},
        "as_of": day,
        "figures": {code: _round(v) for code, v in values.items()},
    }
