"""Pages of the teams app: teams, members, organisations, figures, import."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import login_required, role_required
from cdtt.core.listing import DATE, INTEGER, PHONE, Column, Filter, Listing, cells, render_listing
from cdtt.core.roles import Role
from cdtt.geo.access import access_unit, units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import breadcrumbs
from cdtt.lib.phone import phone_mask
from cdtt.lib.text import fold
from cdtt.lib.xlsx import RATE, TEXT, xlsx_response
from cdtt.organizations import access as org_access
from cdtt.organizations import selectors as org_selectors
from cdtt.organizations import services as org_services
from cdtt.organizations.models import OrganizationKind
from cdtt.teams import forms, selectors, services
from cdtt.teams.models import MemberRole, Membership, TeamLevel

VIEW = roles.OFFICERS | roles.FIELD
MANAGE = roles.MANAGE_UNITS
ORG_MANAGE = roles.MANAGE_UNITS | {Role.AGENCY_OFFICER}
PAGE = 50
PICKER_LIMIT = 20


def _d(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _error_text(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _unit_param(request) -> AdminUnit | None:
    code = request.GET.get("unit", "")
    return access_unit(request.user, code) if code else None


def _page(request, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


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
    date = f" · {_d(t.decision_date)}" if t.decision_date else ""
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
    unit = _unit_param(request)
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
    return forms.picker_units(units_for(user), "team")


def _chosen_unit(user, data) -> AdminUnit | None:
    """The unit the found-a-team form names: its code, or a name typed in the search box."""
    text = data.get("unit", "").strip() or data.get("unit_q", "").strip()
    try:
        return forms.resolve_unit(_found_units(user), text)
    except LookupError:
        return None


def _commune_of(unit: AdminUnit | None) -> AdminUnit | None:
    """The commune whose villages the found-a-team form offers."""
    if unit is None:
        return None
    return unit if unit.level == Level.COMMUNE else unit.parent


@role_required(ORG_MANAGE)
def unit_picker(request):
    """The htmx side of the unit picker: a short list of units matching a name (ignoring case
    and diacritics) or a code, within the user's scope; ``pick`` returns the picker with that
    unit chosen."""
    kind = request.GET.get("for", "")
    field = request.GET.get("field", "unit")
    if kind not in forms.PICKER_LEVELS or not field.isidentifier():
        raise Http404
    if kind == "team" and request.user.role not in MANAGE:
        raise PermissionDenied
    units = forms.picker_units(units_for(request.user), kind)
    if "pick" in request.GET:
        widget = forms.UnitPicker(kind=kind, units=units)
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
        "teams/_unit_results.html",
        {
            "q": q,
            "results": results,
            "field_id": f"id_{field}",
            "pick_url": f"{reverse('teams:unit_picker')}?for={kind}&field={field}",
        },
    )


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
            from django.db import transaction

            with transaction.atomic():
                leader = services.person_create(
                    actor=request.user,
                    full_name=cd["full_name"],
                    gender=cd["gender"],
                    birth_year=cd["birth_year"],
                    phone=cd["phone"],
                    email=cd["email"],
                    organization=cd["organization"],
                    position=cd["position"],
                )
                team = services.team_found(
                    actor=request.user,
                    unit=unit,
                    leader=leader,
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
            _form_errors(form, exc)
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
        },
    )


def _managed_team(request, pk: int):
    team = selectors.access_team(request.user, pk)
    if not selectors.can_manage_team(request.user, team):
        raise PermissionDenied
    return team


def _managed_membership(request, pk: int) -> Membership:
    try:
        m = selectors.members_for(request.user).get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None
    if not selectors.can_manage_team(request.user, m.team):
        raise PermissionDenied
    return m


@role_required(MANAGE)
def team_edit(request, pk: int):
    team = _managed_team(request, pk)
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
            _form_errors(form, exc)
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
def member_add(request, pk: int):
    team = _managed_team(request, pk)
    form = forms.MemberAddForm(
        request.POST, organizations=org_selectors.organizations_for(request.user)
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Thông tin thành viên chưa hợp lệ: %(e)s")
            % {"e": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
        return redirect("teams:detail", team.pk)
    cd = form.cleaned_data
    try:
        from django.db import transaction

        with transaction.atomic():
            if cd["existing"]:
                person = selectors.access_person(request.user, cd["existing"])
            else:
                person = services.person_create(
                    actor=request.user,
                    full_name=cd["full_name"],
                    gender=cd["gender"],
                    birth_year=cd["birth_year"],
                    phone=cd["phone"],
                    email=cd["email"],
                    organization=cd["organization"],
                    position=cd["position"],
                )
            services.member_add(
                actor=request.user,
                team=team,
                person=person,
                role=cd["role"],
                core_force=cd["core_force"],
                skills=cd["skills"],
                joined_on=cd["joined_on"],
            )
        messages.success(request, _("Đã thêm %(n)s vào tổ.") % {"n": person.full_name})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("teams:detail", team.pk)


@role_required(MANAGE)
def member_edit(request, pk: int):
    m = _managed_membership(request, pk)
    form = forms.MemberEditForm(
        request.POST or None,
        initial={
            "role": m.role,
            "core_force": m.core_force,
            "skills": m.skills,
            "joined_on": m.joined_on,
        },
    )
    if m.role == MemberRole.LEADER:
        form.fields["role"].choices = [(MemberRole.LEADER, MemberRole.LEADER.label)]
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.member_update(
                actor=request.user,
                membership=m,
                role=None if m.role == MemberRole.LEADER else cd["role"],
                core_force=cd["core_force"],
                skills=cd["skills"],
                joined_on=cd["joined_on"],
            )
            messages.success(request, _("Đã lưu."))
            return redirect("teams:detail", m.team_id)
        except ValidationError as exc:
            _form_errors(form, exc)
    return render(
        request,
        "teams/form.html",
        {
            "form": form,
            "title": _("%(n)s trong %(t)s") % {"n": m.person.full_name, "t": m.team.name},
            "back": reverse("teams:detail", args=[m.team_id]),
        },
    )


@require_POST
@role_required(MANAGE)
def member_remove(request, pk: int):
    m = _managed_membership(request, pk)
    try:
        services.member_remove(actor=request.user, membership=m)
        messages.success(
            request, _("%(n)s đã rời tổ (vẫn giữ lịch sử).") % {"n": m.person.full_name}
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("teams:detail", m.team_id)


@require_POST
@role_required(MANAGE)
def leader_appoint(request, pk: int):
    m = _managed_membership(request, pk)
    try:
        services.leader_appoint(actor=request.user, team=m.team, membership=m)
        messages.success(request, _("%(n)s là tổ trưởng.") % {"n": m.person.full_name})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("teams:detail", m.team_id)


@require_POST
@role_required(MANAGE)
def member_invite(request, pk: int):
    m = _managed_membership(request, pk)
    try:
        user, password = services.member_invite(actor=request.user, membership=m)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("teams:detail", m.team_id)
    return render(
        request, "teams/invited.html", {"membership": m, "new_user": user, "password": password}
    )


@require_POST
@role_required(MANAGE)
def team_dissolve(request, pk: int):
    team = _managed_team(request, pk)
    try:
        services.team_dissolve(actor=request.user, team=team)
        messages.success(
            request,
            _("Đã giải thể %(t)s; danh sách thành viên được giữ làm lịch sử.") % {"t": team.name},
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("teams:detail", team.pk)


@require_POST
@role_required(MANAGE)
def team_delete(request, pk: int):
    team = _managed_team(request, pk)
    commune = team.commune.code
    try:
        services.team_delete(actor=request.user, team=team)
        messages.success(request, _("Đã xóa tổ nhập nhầm."))
        return redirect(f"{reverse('teams:list')}?unit={commune}")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("teams:detail", team.pk)


@role_required(VIEW)
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


# --- members -------------------------------------------------------------------------------


def _member_cell(m):
    link = format_html(
        '<a href="{}">{}</a>', reverse("teams:person", args=[m.person.pk]), m.person.full_name
    )
    core = format_html(' <span class="badge ok">{}</span>', _("nòng cốt")) if m.core_force else ""
    trained = (
        format_html(' <span class="badge">{}</span>', _("đã tập huấn"))
        if m.person.trained_on
        else ""
    )
    return cells(link, core, trained)


def _team_link(m):
    return format_html(
        '<a href="{}">{}</a>', reverse("teams:detail", args=[m.team.pk]), m.team.name
    )


def _joined_cell(m):
    return _d(m.joined_on) + (f" → {_d(m.left_on)}" if m.left_on else "")


def _organizations(request):
    return [(o.pk, o.name) for o in org_selectors.organizations_for(request.user).order_by("name")]


MEMBER_STATUSES = [
    ("active", _lazy("Đang tham gia")),
    ("left", _lazy("Đã rời tổ")),
    ("all", _lazy("Tất cả")),
]
ORGANIZATION = pgettext_lazy("organization of a member", "Cơ quan, đơn vị")

MEMBERS = Listing(
    name="teams.members",
    title=pgettext_lazy("team members", "Thành viên"),
    columns=(
        Column(_lazy("Mã xã"), "team.commune.code", page=False),
        Column(_lazy("Tổ"), "team.name", page=False),
        Column(_lazy("Họ và tên"), "person.full_name", personal=True, cell=_member_cell),
        Column(_lazy("Tổ"), "team.name", cell=_team_link, export=False),
        Column(_lazy("Giới tính"), "person.get_gender_display", page=False),
        Column(_lazy("Năm sinh"), "person.birth_year", INTEGER, personal=True, page=False),
        # Officers call their members: the workbook keeps the number, the page masks it.
        Column(_lazy("Số điện thoại"), "person.phone", PHONE, personal=True, page=False),
        Column(_lazy("Email"), "person.email", personal=True, page=False),
        Column(_lazy("Vai trò trong tổ"), "get_role_display"),
        Column(_lazy("Lực lượng nòng cốt"), lambda m: _("Có") if m.core_force else "", page=False),
        Column(ORGANIZATION, lambda m: str(m.person.organization or "")),
        Column(
            _lazy("Điện thoại"),
            "person.phone",
            personal=True,
            cell=lambda m: phone_mask(m.person.phone) or "—",
            export=False,
        ),
        Column(_lazy("Chức vụ"), "person.position", page=False),
        Column(_lazy("Kỹ năng hướng dẫn"), lambda m: ", ".join(m.skills), page=False),
        Column(_lazy("Ngày tham gia"), "joined_on", DATE, cell=_joined_cell),
        Column(_lazy("Ngày rời tổ"), "left_on", DATE, page=False),
        Column(_lazy("Tập huấn ngày"), "person.trained_on", DATE, page=False),
    ),
    template="teams/members.html",
    results_template="teams/_members_results.html",
    filename="thanh-vien-to-cnscd.xlsx",
    filters=(
        Filter("q", _lazy("Tìm thành viên"), placeholder=_lazy("Họ tên hoặc số điện thoại")),
        Filter("unit", _lazy("Mã đơn vị")),
        Filter(
            "role", _lazy("Vai trò"), choices=MemberRole.choices, all_label=_lazy("Mọi vai trò")
        ),
        Filter(
            "kind",
            _lazy("Loại cơ quan"),
            choices=OrganizationKind.choices,
            all_label=_lazy("Mọi nguồn"),
        ),
        Filter(
            "organization",
            ORGANIZATION,
            choices=_organizations,
            all_label=_lazy("Mọi cơ quan, đơn vị"),
        ),
        Filter("core", _lazy("Nòng cốt"), check=True),
        Filter("status", _lazy("Tình trạng"), choices=MEMBER_STATUSES, default="active"),
    ),
    page_size=PAGE,
    empty=_lazy("Chưa có thành viên nào. Thành viên được thêm ở trang của từng tổ."),
    empty_filtered=_lazy(
        "Không có thành viên nào khớp với bộ lọc. Thành viên được thêm ở trang của từng tổ."
    ),
    audit_action="members.export",
)


@role_required(VIEW)
def member_list(request):
    filters = MEMBERS.values(request)
    unit = _unit_param(request)
    members = selectors.member_list(
        request.user,
        q=filters["q"],
        unit=unit,
        role=filters["role"],
        kind=filters["kind"],
        organization=int(filters["organization"]) if filters["organization"] else None,
        core=filters["core"],
        status=filters["status"],
    ).select_related("team__commune")
    return render_listing(
        request, MEMBERS, members, filters=filters, unit=unit, context={"unit": unit}
    )


@role_required(VIEW)
def person_detail(request, pk: int):
    person = selectors.access_person(request.user, pk)
    can_edit = selectors.can_manage_person(request.user, person)
    form = None
    if can_edit:
        form = forms.PersonForm(
            request.POST or None,
            organizations=org_selectors.organizations_for(request.user),
            initial={
                "full_name": person.full_name,
                "gender": person.gender,
                "birth_year": person.birth_year,
                "phone": person.phone,
                "email": person.email,
                "organization": person.organization,
                "position": person.position,
                "trained_on": person.trained_on,
            },
        )
        if request.method == "POST" and form.is_valid():
            cd = form.cleaned_data
            try:
                services.person_update(actor=request.user, person=person, **cd)
                messages.success(request, _("Đã lưu."))
                return redirect("teams:person", person.pk)
            except ValidationError as exc:
                _form_errors(form, exc)
    elif request.method == "POST":
        raise PermissionDenied
    memberships = selectors.members_for(request.user).filter(person=person).order_by("-joined_on")
    return render(
        request, "teams/person.html", {"person": person, "memberships": memberships, "form": form}
    )


@login_required
def profile(request):
    person = selectors.person_of(request.user)
    form = forms.ProfileForm(
        request.POST or None,
        initial={"phone": person.phone if person else "", "email": person.email if person else ""},
    )
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            services.profile_update(
                actor=request.user,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
            messages.success(request, _("Đã cập nhật thông tin liên hệ."))
            return redirect("teams:profile")
        except ValidationError as exc:
            _form_errors(form, exc)
    memberships = (
        person.memberships.select_related("team", "team__unit").order_by("-joined_on")
        if person
        else []
    )
    return render(
        request, "teams/profile.html", {"person": person, "form": form, "memberships": memberships}
    )


# --- organisations -------------------------------------------------------------------------


@role_required(roles.OFFICERS)
def organization_list(request):
    orgs = org_selectors.organizations_for(request.user)
    from django.db.models import Count, Q

    orgs = orgs.annotate(
        n_staff=Count(
            "focal_staff", filter=Q(focal_staff__memberships__left_on__isnull=True), distinct=True
        )
    )
    kind = request.GET.get("kind", "")
    if kind:
        orgs = orgs.filter(kind=kind)
    q = request.GET.get("q", "")
    if q:
        orgs = orgs.filter(name_key__contains=fold(q))
    orgs = orgs.order_by("kind", "name_key")
    if request.GET.get("format") == "xlsx":
        rows = [
            [
                o.name,
                o.short_name,
                o.get_kind_display(),
                o.unit.full_name,
                str(o.parent or ""),
                o.phone,
                o.email,
                o.n_staff,
                _("Có") if o.active else _("Không"),
            ]
            for o in orgs
        ]
        return xlsx_response(
            "co-quan-don-vi.xlsx",
            _("Cơ quan, đơn vị"),
            [
                _("Tên"),
                _("Tên viết tắt"),
                _("Loại"),
                _("Địa bàn"),
                _("Trực thuộc"),
                _("Điện thoại"),
                _("Email"),
                _("Số thành viên đang tham gia tổ"),
                _("Hoạt động"),
            ],
            rows,
            kinds=[TEXT, TEXT, TEXT, TEXT, TEXT, PHONE, TEXT, INTEGER, TEXT],
            unit=getattr(request.user.scope_unit, "full_name", ""),
        )
    return render(
        request,
        "teams/organizations.html",
        {
            "page": _page(request, orgs),
            "kinds": OrganizationKind.choices,
            "can_create": request.user.role in MANAGE,
        },
    )


@role_required(roles.OFFICERS)
def organization_detail(request, pk: int):
    org = org_access.access_organization(request.user, pk)
    staff = (
        selectors.persons_for(request.user)
        .filter(organization_id__in=org_selectors.organization_tree(org))
        .order_by("name_key")
    )
    return render(
        request,
        "teams/organization.html",
        {
            "org": org,
            "page": _page(request, staff),
            "can_edit": org_selectors.can_manage_organization(request.user, org),
            "branches": org.branches.order_by("name"),
        },
    )


def _org_form(request, org=None):
    units = forms.picker_units(units_for(request.user), "org")
    if org is not None:
        # An organisation keeps its place even if it lies outside the editor's scope.
        units = units | AdminUnit.objects.filter(pk=org.unit_id)
    initial = {"active": True}
    if org is not None:
        initial = {
            "name": org.name,
            "short_name": org.short_name,
            "kind": org.kind,
            "unit": org.unit.code,
            "parent": org.parent,
            "phone": org.phone,
            "email": org.email,
            "active": org.active,
        }
    return forms.OrganizationForm(
        request.POST or None,
        units=units,
        initial=initial,
        parents=org_selectors.organizations_for(request.user),
    )


@role_required(MANAGE)
def organization_new(request):
    form = _org_form(request)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            org = org_services.organization_create(
                actor=request.user,
                name=cd["name"],
                kind=cd["kind"],
                unit=cd["unit"],
                short_name=cd["short_name"],
                phone=cd["phone"],
                email=cd["email"],
                parent=cd["parent"],
            )
            messages.success(request, _("Đã thêm %(n)s.") % {"n": org.name})
            return redirect("teams:organization", org.pk)
        except ValidationError as exc:
            _form_errors(form, exc)
    return render(
        request,
        "teams/form.html",
        {"form": form, "title": _("Thêm cơ quan, đơn vị"), "back": reverse("teams:organizations")},
    )


@role_required(ORG_MANAGE)
def organization_edit(request, pk: int):
    org = org_access.access_organization(request.user, pk)
    if not org_selectors.can_manage_organization(request.user, org):
        raise PermissionDenied
    form = _org_form(request, org)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        unit = cd["unit"]
        try:
            org_services.organization_update(
                actor=request.user,
                organization=org,
                name=cd["name"],
                kind=cd["kind"],
                unit=unit,
                short_name=cd["short_name"],
                phone=cd["phone"],
                email=cd["email"],
                parent=cd["parent"],
                active=cd["active"],
            )
            messages.success(request, _("Đã lưu."))
            return redirect("teams:organization", org.pk)
        except ValidationError as exc:
            _form_errors(form, exc)
    return render(
        request,
        "teams/form.html",
        {"form": form, "title": org.name, "back": reverse("teams:organization", args=[org.pk])},
    )


# --- figures -------------------------------------------------------------------------------


def _figures_unit(request) -> AdminUnit:
    unit = _unit_param(request) or request.user.scope_unit
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


@role_required(roles.OFFICERS)
def figures_unit(request, code: str):
    return redirect(f"{reverse('teams:figures')}?unit={code}")


@role_required(roles.OFFICERS)
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
