"""Team pages: the list, founding a team, one team, its edit, dissolve and delete; a commune's
villages without a team."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import role_required, unit_page
from cdtt.core.errors import error_text, form_error
from cdtt.core.evidence import Subject, evidence_of
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, cells, render_listing
from cdtt.geo.access import access_unit, units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.picker import picker_units, resolve_unit
from cdtt.geo.selectors import breadcrumbs
from cdtt.organizations import selectors as org_selectors
from cdtt.teams import forms, selectors, services
from cdtt.teams.models import MemberRole, TeamLevel
from cdtt.teams.views.common import (
    MANAGE,
    PAGE,
    VIEW,
    date_text,
    managed_team,
    person_fields,
    unit_param,
)

# --- teams ---------------------------------------------------------------------------------


def _team_cell(t):
    link = format_html('<a href="{}">{}</a>', reverse("teams:detail", args=[t.pk]), t.name)
    if t.dissolved_on:
        return cells(link, " ", format_html('<span class="badge no">{}</span>', _("đã giải thể")))
    return link


def _team_area_cell(t):
    commune = f", {t.commune.full_name}" if t.level == TeamLevel.VILLAGE else ""
    level = format_html('<span class="muted">· {}</span>', t.get_level_display())
    return cells(t.unit.full_name, commune, " ", level)


def _decision_cell(t):
    date = f" · {date_text(t.decision_date)}" if t.decision_date else ""
    return (t.decision_number or "—") + date


def _leader(t) -> str:
    return t.active_leaders[0].person.full_name if t.active_leaders else ""


TEAM_STATUSES = [
    ("active", _lazy("Đang hoạt động")),
    ("dissolved", _lazy("Đã giải thể")),
    ("all", _lazy("Tất cả")),
]

TEAMS = Listing(
    name="teams.teams",
    title=_lazy("Tổ CNSCĐ"),
    columns=(
        Column(_lazy("Mã xã"), "commune.code", page=False),
        Column(_lazy("Xã"), "commune.full_name", page=False),
        Column(_lazy("Tên tổ"), "name", cell=_team_cell, page=True, export=False),
        Column(_lazy("Địa bàn"), "unit.full_name", cell=_team_area_cell),
        Column(_lazy("Cấp"), "get_level_display", page=False),
        Column(_lazy("Tên tổ"), "name", page=False),
        Column(_lazy("Quyết định"), "decision_number", cell=_decision_cell, export=False),
        Column(_lazy("Số quyết định"), "decision_number", page=False),
        Column(_lazy("Ngày quyết định"), "decision_date", DATE, page=False),
        # Team leaders are public (the portal shows them): not personal data.
        Column(_lazy("Tổ trưởng"), _leader),
        Column(_lazy("Số thành viên"), "n_members", INTEGER),
        Column(_lazy("Giải thể từ"), "dissolved_on", DATE, page=False),
    ),
    template="teams/list.html",
    results_template="teams/_list_results.html",
    filename="to-cnscd.xlsx",
    filters=(
        Filter("q", _lazy("Tìm tổ"), placeholder=_lazy("Tên tổ hoặc số quyết định")),
        Filter("unit", _lazy("Mã đơn vị")),
        Filter("level", _lazy("Cấp"), choices=TeamLevel.choices, all_label=_lazy("Mọi cấp")),
        Filter("status", _lazy("Tình trạng"), choices=TEAM_STATUSES, default="active"),
    ),
    page_size=PAGE,
    empty_filtered=_lazy("Không có tổ nào khớp với bộ lọc."),
)


@role_required(VIEW)
def team_list(request):
    filters = TEAMS.values(request)
    unit = unit_param(request)
    teams = selectors.team_list(
        request.user,
        q=filters["q"],
        unit=unit,
        status=filters["status"],
        level=filters["level"],
    )
    focus = unit or request.user.scope_unit
    without = None
    if focus is not None and focus.level == Level.COMMUNE and request.user.role in roles.OFFICERS:
        without = selectors.villages_without_team(focus).count()
    context = {"unit": unit, "can_found": request.user.role in MANAGE, "focus": focus}
    context["without"] = without
    return render_listing(request, TEAMS, teams, filters=filters, unit=unit, context=context)


def _found_units(user):
    return picker_units(units_for(user), "team")


def _chosen_unit(user, data) -> AdminUnit | None:
    """The unit the found-a-team form names: its code, or a name typed in the search box."""
    text = data.get("unit", "").strip() or data.get("unit_q", "").strip()
    try:
        return resolve_unit(_found_units(user), text)
    except LookupError:
        return None


def _commune_of(unit: AdminUnit | None) -> AdminUnit | None:
    """The commune whose villages the found-a-team form offers."""
    if unit is None:
        return None
    return unit if unit.level == Level.COMMUNE else unit.parent


# The found-a-team form sent back to itself (GET) to refresh the village list: everything
# typed is kept, nothing is validated yet.
_RELOAD_IGNORED = {"reload", "csrfmiddlewaretoken", "unit_q"}


def _reload_initial(request) -> dict:
    initial = {}
    for name in request.GET:
        if name in _RELOAD_IGNORED:
            continue
        values = request.GET.getlist(name)
        initial[name] = values if name == "villages" else values[-1]
    return initial


@role_required(MANAGE)
def team_new(request):
    units = _found_units(request.user)
    initial_unit = request.GET.get("unit", "").strip()
    if request.method == "POST":
        commune = _commune_of(_chosen_unit(request.user, request.POST))
        initial = {}
    else:
        chosen = _chosen_unit(request.user, request.GET)
        commune = _commune_of(chosen)
        if initial_unit and chosen is None and not request.GET.get("reload"):
            # A link naming a unit the user may not see.
            access_unit(request.user, initial_unit)
        initial = _reload_initial(request) if request.GET.get("reload") else {}
        initial["unit"] = chosen.code if chosen and not initial_unit else initial_unit
    villages = (
        commune.children.filter(valid_to__isnull=True).order_by("name_key") if commune else []
    )
    form = forms.TeamFoundForm(
        request.POST or None,
        units=units,
        villages=villages,
        organizations=org_selectors.organizations_for(request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        unit = cd["unit"]
        chosen = list(AdminUnit.objects.filter(code__in=cd["villages"]))
        try:
            team = services.team_found_with_leader(
                actor=request.user,
                unit=unit,
                leader=person_fields(cd),
                name=cd["name"],
                villages=chosen,
                decision_number=cd["decision_number"],
                decision_date=cd["decision_date"],
                contact_phone=cd["contact_phone"],
                publish_contact=cd["publish_contact"],
            )
            messages.success(request, _("Đã thành lập %(t)s.") % {"t": team.name})
            return redirect("teams:detail", team.pk)
        except ValidationError as exc:
            form_error(form, exc)
    return render(
        request,
        "teams/form.html",
        {
            "form": form,
            "title": _("Thành lập Tổ CNSCĐ"),
            "commune": commune,
            "help": _(
                "Chọn địa bàn rồi bấm “Tải danh sách thôn” để chọn các thôn tổ phụ trách. Tổ cấp "
                "thôn luôn phụ trách thôn của mình."
            ),
            "reload_villages": True,
        },
    )


@role_required(VIEW)
def team_detail(request, pk: int):
    team = selectors.access_team(request.user, pk)
    show_left = request.GET.get("history") == "1"
    # An organisation's officer looking at a team far away sees only the staff it sent.
    memberships = (
        selectors.members_for(request.user).filter(team=team).select_related("person__user")
    )
    if not show_left:
        memberships = memberships.filter(left_on__isnull=True)
    can_manage = selectors.can_manage_team(request.user, team)
    return render(
        request,
        "teams/detail.html",
        {
            "team": team,
            "memberships": memberships.order_by("left_on", "role", "person__name_key"),
            "villages": team.villages.order_by("name_key"),
            "can_manage": can_manage,
            "add_form": forms.MemberAddForm(
                organizations=org_selectors.organizations_for(request.user)
            ),
            "show_left": show_left,
            "crumbs": breadcrumbs(team.unit),
            "has_visits": services.has_visits(team),
            "Leader": MemberRole.LEADER,
            # What every module knows of the team (visits, courses, awards…), by the registry.
            "record": evidence_of(Subject("team", team.pk)),
        },
    )


@role_required(MANAGE)
def team_edit(request, pk: int):
    team = managed_team(request, pk)
    villages = team.commune.children.filter(valid_to__isnull=True).order_by("name_key")
    form = forms.TeamEditForm(
        request.POST or None,
        villages=villages,
        initial={
            "name": team.name,
            "villages": [v.code for v in team.villages.all()],
            "decision_number": team.decision_number,
            "decision_date": team.decision_date,
            "contact_phone": team.contact_phone,
            "publish_contact": team.publish_contact,
        },
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.team_update(
                actor=request.user,
                team=team,
                name=cd["name"],
                villages=list(AdminUnit.objects.filter(code__in=cd["villages"])),
                decision_number=cd["decision_number"],
                decision_date=cd["decision_date"],
                contact_phone=cd["contact_phone"],
                publish_contact=cd["publish_contact"],
            )
            messages.success(request, _("Đã lưu."))
            return redirect("teams:detail", team.pk)
        except ValidationError as exc:
            form_error(form, exc)
    return render(
        request,
        "teams/form.html",
        {
            "form": form,
            "title": _("Sửa thông tin tổ"),
            "back": reverse("teams:detail", args=[team.pk]),
        },
    )


@require_POST
@role_required(MANAGE)
def team_dissolve(request, pk: int):
    team = managed_team(request, pk)
    try:
        services.team_dissolve(actor=request.user, team=team)
        messages.success(
            request,
            _("Đã giải thể %(t)s; danh sách thành viên được giữ làm lịch sử.") % {"t": team.name},
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("teams:detail", team.pk)


@require_POST
@role_required(MANAGE)
def team_delete(request, pk: int):
    team = managed_team(request, pk)
    commune = team.commune.code
    try:
        services.team_delete(actor=request.user, team=team)
        messages.success(request, _("Đã xóa tổ nhập nhầm."))
        return redirect(f"{reverse('teams:list')}?unit={commune}")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("teams:detail", team.pk)


@unit_page(VIEW)
def commune(request, code: str):
    unit = access_unit(request.user, code)
    if unit.level != Level.COMMUNE:
        raise Http404
    without = selectors.villages_without_team(unit)
    return render(
        request,
        "teams/commune.html",
        {
            "unit": unit,
            "without": without,
            "figures": selectors.team_figures(unit),
            "crumbs": breadcrumbs(unit),
            "can_found": request.user.role in MANAGE,
        },
    )
