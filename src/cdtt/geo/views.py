"""Pages of the administrative map: browse the tree, search, map, manage villages."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import login_required, role_required, unit_page
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, cells, render_listing
from cdtt.geo.access import access_unit, units_for
from cdtt.geo.forms import VillageForm
from cdtt.geo.models import Level
from cdtt.geo.picker import UnitPicker, picker_kind, picker_units
from cdtt.geo.selectors import breadcrumbs, children_of, communes_with_points, unit_search
from cdtt.geo.services import village_create, village_rename, village_retire
from cdtt.lib.text import fold

VIEW = roles.OFFICERS
PICKER_LIMIT = 20
EDIT_VILLAGES = {"province_admin", "district_officer", "commune_officer"}


@role_required(VIEW)
def browse(request):
    if request.user.scope_unit is None:
        raise Http404
    return redirect("geo:unit", request.user.scope_unit.code)


def _child_cell(c):
    link = format_html('<a href="{}">{}</a>', reverse("geo:unit", args=[c.code]), c.full_name)
    if c.is_active:
        return link
    return cells(link, " ", format_html('<span class="badge no">{}</span>', _("đã ngừng")))


CHILDREN = Listing(
    name="geo.children",
    title=_lazy("Đơn vị trực thuộc"),
    columns=(
        Column(_lazy("Mã"), "code"),
        Column(_lazy("Loại"), "unit_type", page=False),
        Column(_lazy("Tên"), "name", cell=_child_cell),
        Column(_lazy("Cấp"), "get_level_display"),
        Column(_lazy("Đơn vị trực thuộc"), "n_children", INTEGER, export=False),
        Column(_lazy("Ngừng hoạt động từ"), "valid_to", DATE, page=False),
        Column("", "code", template="geo/_village_actions.html", export=False),
    ),
    template="geo/unit.html",
    results_template="geo/_children_results.html",
    filename="don-vi-{unit}.xlsx",
    filters=(
        Filter("q", _lazy("Tìm đơn vị trực thuộc"), placeholder=_lazy("Tên đơn vị trực thuộc")),
        Filter("retired", _lazy("Hiện cả đơn vị đã ngừng"), check=True),
    ),
    page_size=100,
    empty=_lazy("Không có đơn vị trực thuộc."),
    empty_filtered=_lazy("Không có đơn vị trực thuộc nào khớp bộ lọc."),
)


@unit_page(VIEW)
def unit_detail(request, code: str):
    unit = access_unit(request.user, code)
    filters = CHILDREN.values(request)
    children = children_of(unit, include_retired=filters["retired"] == "1")
    if fold(filters["q"]):
        children = children.filter(name_key__contains=fold(filters["q"]))
    can_edit = unit.level == Level.COMMUNE and request.user.role in EDIT_VILLAGES
    context = {
        "unit": unit,
        "crumbs": breadcrumbs(unit),
        "can_edit": can_edit,
        "can_remap": unit.level == Level.PROVINCE
        and request.user.role == roles.Role.PROVINCE_ADMIN,
        "show_map": unit.level in (Level.PROVINCE, Level.DISTRICT),
        "village_form": VillageForm(),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render_listing(request, CHILDREN, children, filters=filters, unit=unit, context=context)


@unit_page(VIEW)
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


@login_required
def unit_picker(request):
    """The htmx side of the unit picker: a short list of units matching a name (ignoring case
    and diacritics) or a code, within the user's scope; ``pick`` returns the picker with that
    unit chosen. Each kind of picker says who may use it (cdtt.geo.picker)."""
    kind = request.GET.get("for", "")
    field = request.GET.get("field", "unit")
    spec = picker_kind(kind)
    if spec is None or not field.isidentifier():
        raise Http404
    if request.user.role not in spec.roles:
        raise PermissionDenied
    units = picker_units(units_for(request.user), kind)
    if "pick" in request.GET:
        widget = UnitPicker(kind=kind, units=units)
        return HttpResponse(
            widget.render(field, request.GET["pick"].strip(), attrs={"id": f"id_{field}"})
        )
    q = request.GET.get(f"{field}_q", request.GET.get("q", ""))
    key = fold(q)
    results = (
        units.filter(Q(name_key__contains=key) | Q(code=q.strip()))
        .select_related("parent")
        .order_by("path")[:PICKER_LIMIT]
        if key
        else []
    )
    return render(
        request,
        "geo/_unit_results.html",
        {
            "q": q,
            "results": results,
            "field_id": f"id_{field}",
            "pick_url": f"{reverse('geo:unit_picker')}?for={kind}&field={field}",
        },
    )
