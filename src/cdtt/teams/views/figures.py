"""The teams' figures: a unit and its children, the Excel workbook, the map."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cdtt.core import roles
from cdtt.core.access import role_required, unit_page
from cdtt.geo.access import access_unit
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import breadcrumbs
from cdtt.lib.xlsx import INTEGER, RATE, TEXT, xlsx_response
from cdtt.teams import selectors
from cdtt.teams.views.common import (
    unit_param,
)

# --- figures -------------------------------------------------------------------------------


def _figures_unit(request) -> AdminUnit:
    unit = unit_param(request) or request.user.scope_unit
    if unit is None:
        raise Http404
    return unit


@role_required(roles.OFFICERS)
def figures(request):
    unit = _figures_unit(request)
    fig = selectors.team_figures(unit)
    children = selectors.children_figures(unit) if unit.level != Level.VILLAGE else []
    if request.GET.get("format") == "xlsx":
        rows = [
            [
                f.unit.code,
                f.unit.full_name,
                f.teams,
                f.villages,
                f.villages_with_team,
                100 * f.villages_rate,
                f.members,
                f.residents,
                f.per_100_residents,
                f.core_force,
                f.trained,
            ]
            for f in [fig, *children]
        ]
        return xlsx_response(
            f"so-lieu-to-cnscd-{unit.code}.xlsx",
            _("Số liệu Tổ CNSCĐ"),
            [
                _("Mã"),
                _("Đơn vị"),
                _("Số tổ"),
                _("Số thôn"),
                _("Thôn có tổ"),
                _("Tỷ lệ thôn có tổ (%)"),
                pgettext("member count", "Thành viên"),
                _("Nhân khẩu"),
                _("Thành viên/100 dân"),
                _("Lực lượng nòng cốt"),
                _("Đã tập huấn"),
            ],
            rows,
            kinds=[TEXT, TEXT, *[INTEGER] * 3, RATE, INTEGER, INTEGER, RATE, INTEGER, INTEGER],
            unit=unit.full_name,
        )
    return render(
        request,
        "teams/figures.html",
        {
            "unit": unit,
            "fig": fig,
            "children": children,
            "crumbs": breadcrumbs(unit),
            "crumb_url": "teams:figures_unit",
            "show_map": unit.level in (Level.PROVINCE, Level.DISTRICT),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@unit_page(roles.OFFICERS)
def figures_unit(request, code: str):
    # Out of scope answers 404 here, not after a redirect, like every page of a unit.
    unit = access_unit(request.user, code)
    return redirect(f"{reverse('teams:figures')}?unit={unit.code}")


@unit_page(roles.OFFICERS)
def figures_map(request, code: str):
    unit = access_unit(request.user, code)
    rates = selectors.village_team_rates(unit)
    features = []
    for c in AdminUnit.objects.filter(
        path__startswith=unit.path, level=Level.COMMUNE, lat__isnull=False, valid_to__isnull=True
    ):
        total, served = rates.get(c.pk, (0, 0))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                "properties": {
                    "code": c.code,
                    "name": c.full_name,
                    "rate": round(served / total, 4) if total else None,
                    "url": reverse("teams:commune", args=[c.code]),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
