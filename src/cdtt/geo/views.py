"""Pages of the administrative map: browse the tree, search, map, manage villages."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import role_required
from cdtt.geo.access import access_unit
from cdtt.geo.forms import VillageForm
from cdtt.geo.models import Level
from cdtt.geo.selectors import breadcrumbs, children_of, communes_with_points, unit_search
from cdtt.geo.services import village_create, village_rename, village_retire
from cdtt.lib.xlsx import xlsx_response

VIEW = roles.OFFICERS
EDIT_VILLAGES = {"province_admin", "district_officer", "commune_officer"}


@role_required(VIEW)
def browse(request):
    if request.user.scope_unit is None:
        raise Http404
    return redirect("geo:unit", request.user.scope_unit.code)


@role_required(VIEW)
def unit_detail(request, code: str):
    unit = access_unit(request.user, code)
    children = children_of(unit, include_retired=request.GET.get("retired") == "1")
    if request.GET.get("format") == "xlsx":
        rows = [
            [
                c.code,
                c.unit_type,
                c.name,
                c.get_level_display(),
                c.valid_to.strftime("%d/%m/%Y") if c.valid_to else "",
            ]
            for c in children
        ]
        return xlsx_response(
            f"don-vi-{unit.code}.xlsx",
            unit.name,
            [_("Mã"), _("Loại"), _("Tên"), _("Cấp"), _("Ngừng hoạt động từ")],
            rows,
        )
    can_edit = unit.level == Level.COMMUNE and request.user.role in EDIT_VILLAGES
    return render(
        request,
        "geo/unit.html",
        {
            "unit": unit,
            "children": children,
            "crumbs": breadcrumbs(unit),
            "can_edit": can_edit,
            "show_map": unit.level in (Level.PROVINCE, Level.DISTRICT),
            "village_form": VillageForm(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


@role_required(VIEW)
def unit_map(request, code: str):
    unit = access_unit(request.user, code)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
            "properties": {"code": c.code, "name": c.full_name},
        }
        for c in communes_with_points(unit)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@role_required(VIEW)
def search(request):
    q = request.GET.get("q", "")
    results = unit_search(request.user, q, level=request.GET.get("level", "")) if q else []
    template = (
        "geo/_search_results.html" if request.headers.get("HX-Request") else "geo/search.html"
    )
    return render(request, template, {"q": q, "results": results, "levels": Level.choices})


@require_POST
@role_required(EDIT_VILLAGES)
def village_new(request, code: str):
    commune = access_unit(request.user, code)
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            village = village_create(
                actor=request.user,
                commune=commune,
                name=form.cleaned_data["name"],
                unit_type=form.cleaned_data["unit_type"],
            )
            messages.success(request, _("Đã thêm %(v)s.") % {"v": village.full_name})
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    else:
        messages.error(request, _("Tên thôn không hợp lệ."))
    return redirect("geo:unit", commune.code)


def _village_for_edit(request, code: str):
    village = access_unit(request.user, code)
    if village.level != Level.VILLAGE:
        raise Http404
    return village


@role_required(EDIT_VILLAGES)
def village_edit(request, code: str):
    village = _village_for_edit(request, code)
    form = VillageForm(
        request.POST or None, initial={"name": village.name, "unit_type": village.unit_type}
    )
    if request.method == "POST" and form.is_valid():
        try:
            village_rename(
                actor=request.user,
                village=village,
                name=form.cleaned_data["name"],
                unit_type=form.cleaned_data["unit_type"],
            )
            messages.success(request, _("Đã lưu."))
            return redirect("geo:unit", village.parent.code)
        except ValidationError as exc:
            form.add_error("name", exc.messages[0])
    return render(
        request,
        "geo/village_form.html",
        {"form": form, "village": village, "crumbs": breadcrumbs(village)},
    )


@require_POST
@role_required(EDIT_VILLAGES)
def village_retire_view(request, code: str):
    village = _village_for_edit(request, code)
    village_retire(actor=request.user, village=village)
    messages.success(request, _("Đã cho %(v)s ngừng hoạt động.") % {"v": village.full_name})
    return redirect("geo:unit", village.parent.code)
