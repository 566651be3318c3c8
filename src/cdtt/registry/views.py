"""Pages of the registry: coverage dashboard, households and residents, assessments, the
population import and the yearly targets. Views validate, call a service or selector, render;
every unit, household and resident is fetched through an access helper (outside scope: 404)."""

import datetime as dt
from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.audit import personal as personal_log
from cdtt.core import roles
from cdtt.core.access import in_scope, role_required, unit_page
from cdtt.core.listing import (
    EXPORT_CHUNK,
    INTEGER,
    Column,
    Listing,
    cells,
    phone_column,
    render_listing,
)
from cdtt.core.roles import phone_shown
from cdtt.geo.access import access_unit, units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import breadcrumbs
from cdtt.lib.xlsx import XLSX_TYPE
from cdtt.registry import dashboard as board
from cdtt.registry import selectors
from cdtt.registry.forms import (
    AssessmentForm,
    HouseholdFilterForm,
    HouseholdForm,
    ResidentForm,
    StatusForm,
    TargetForm,
)
from cdtt.registry.models import ResidentStatus, Target
from cdtt.skills.models import ChecklistItem, Skill

VIEW = roles.OFFICERS
# Field staff and teachers record assessments, so they may open the households of their scope;
# a role that needs figures only sees the dashboard, never a household or a resident.
READ = (roles.OFFICERS | roles.ASSESS) - roles.FIGURES_ONLY
WRITE = roles.REGISTRY_WRITE
ASSESS = roles.ASSESS
SET_TARGET = {
    "province_admin": Level.PROVINCE,
    "district_officer": Level.DISTRICT,
    "commune_officer": Level.COMMUNE,
}
# Above this many villages a "new household" form asks for a commune first.
MAX_VILLAGE_CHOICES = 300


def _scope_unit(user) -> AdminUnit:
    if user.scope_unit is None:
        raise Http404("no scope")
    return user.scope_unit


def _crumbs(user, unit: AdminUnit) -> list[AdminUnit]:
    """Breadcrumbs within the user's scope only (a link above it would be a 404)."""
    return [u for u in breadcrumbs(unit) if in_scope(user, u)]


def _skills() -> list[Skill]:
    return list(Skill.objects.filter(active=True).order_by("position", "id"))


def _bad(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Dashboard -------------------------------------------------------------------------------


@role_required(VIEW)
def dashboard(request):
    return _dashboard(request, _scope_unit(request.user))


@unit_page(VIEW)
def dashboard_unit(request, code: str):
    return _dashboard(request, access_unit(request.user, code))


def _dashboard(request, unit: AdminUnit):
    if request.GET.get("format") == "xlsx":
        return _coverage_export(request, unit)
    coverage = selectors.coverage_of(unit)
    children = sorted(
        selectors.coverage_children(unit),
        key=lambda uc: (uc[1].rate, -uc[1].households, uc[0].name_key),
    )
    names = {s.code: s.name for s in Skill.objects.all()}
    active = set(selectors.active_skill_codes())
    per_skill = [
        (names.get(code, code), count)
        for code, count in board.proficient_per_skill(coverage)
        if code in active
    ]
    return render(
        request,
        "registry/dashboard.html",
        {
            "unit": unit,
            "coverage": coverage,
            "per_skill": per_skill,
            "progress": board.target_progress(unit, coverage),
            "year": timezone.localdate().year,
            "children": children,
            "show_map": unit.level in (Level.PROVINCE, Level.DISTRICT),
            "crumbs": _crumbs(request.user, unit),
            "crumb_url": "registry:dashboard_unit",
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "can_set_target": request.user.role in SET_TARGET,
            "can_import": request.user.role in WRITE,
        },
    )


def _coverage_export(request, unit: AdminUnit) -> HttpResponse:
    from cdtt.registry.exports import coverage_xlsx

    response = HttpResponse(coverage_xlsx(unit), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="pho-cap-{unit.code}.xlsx"'
    return response


@unit_page(VIEW)
def dashboard_history(request, code: str):
    """The chart's data, fetched after the page has opened."""
    unit = access_unit(request.user, code)
    return JsonResponse(board.chart_data(board.history(unit, selectors.coverage_of(unit))))


@unit_page(VIEW)
def dashboard_map(request, code: str):
    unit = access_unit(request.user, code)
    return JsonResponse(board.map_features(unit))


# --- Households list -------------------------------------------------------------------------


def _list_unit(request) -> AdminUnit:
    code = request.GET.get("unit", "").strip()
    return access_unit(request.user, code) if code else _scope_unit(request.user)


def _filter_villages(user, unit: AdminUnit):
    """Villages offered in the filter: those of the commune in view (a district has too many)."""
    commune_id = (
        unit.pk
        if unit.level == Level.COMMUNE
        else unit.commune_id
        if unit.level == Level.VILLAGE
        else None
    )
    if commune_id is None:
        return units_for(user).none()
    return units_for(user).filter(parent_id=commune_id, level=Level.VILLAGE).order_by("name_key")


@role_required(READ)
def households(request):
    user = request.user
    unit = _list_unit(request)
    skills = _skills()
    form = HouseholdFilterForm(
        request.GET or None, villages=_filter_villages(user, unit), skills=skills
    )
    filters = {}
    if form.is_valid():
        filters = {
            "q": form.cleaned_data["q"],
            "covered": form.covered_value,
            "missing_skill": form.cleaned_data["missing"],
            "village": form.cleaned_data["village"],
        }
    queryset = selectors.households_for(user, unit=unit, **filters).select_related(
        "village", "commune"
    )
    child_units = (
        units_for(user).filter(parent=unit, valid_to__isnull=True).order_by("name_key")
        if unit.level in (Level.PROVINCE, Level.DISTRICT)
        else []
    )
    return render_listing(
        request,
        HOUSEHOLDS,
        queryset,
        filters=filters,
        unit=unit,
        context={
            "unit": unit,
            "form": form,
            "child_units": child_units,
            "crumbs": _crumbs(user, unit),
            "can_write": user.role in WRITE,
        },
    )


def _household_rows(households) -> list[dict]:
    """Each household of the page with its current residents (names, the head's phone: the list
    masks it for the roles that need none)."""
    residents = selectors.current_resident_lines(households)
    rows = []
    for h in households:
        people = residents.get(h.pk, [])
        head, phone = _head_and_phone(people)
        rows.append(
            {
                "household": h,
                "residents": people,
                "head": head,
                "phone": phone,
                "others": [r.full_name for r in people if r is not head],
            }
        )
    return rows


def _household_link(row):
    h = row["household"]
    return format_html('<a href="{}">{}</a>', reverse("registry:household", args=[h.pk]), h.code)


def _people_cell(row):
    if not row["residents"]:
        return format_html('<span class="muted">{}</span>', _("chưa có nhân khẩu"))
    head = format_html("<strong>{}</strong>", row["head"].full_name)
    others = ", ".join(row["others"])
    return cells(head, " · " if others else "", others)


def _covered_cell(row):
    if row["household"].covered:
        return format_html('<span class="badge ok">{}</span>', _("Đã có người thành thạo"))
    return format_html('<span class="badge no">{}</span>', _("Chưa"))


def _head_and_phone(people: list) -> tuple:
    """The head of the household (the first "chủ hộ", else the first resident) and the phone
    shown for it (the head's, else the first resident's with one)."""
    head = next(
        (r for r in people if (r.relation or "").lower().startswith("chủ hộ")),
        people[0] if people else None,
    )
    phone = next((r.phone for r in ([head] if head else []) + people if r.phone), "")
    return head, phone


_EXPORT_FIELDS = ("pk", "commune__code", "code", "village__unit_type", "village__name")


def _household_export_values(queryset, user=None):
    """The export's rows as plain values, chunk by chunk: a province's list keeps pace with a
    bare write of the same rows (the columns of HOUSEHOLDS, in their order)."""
    yes, no = _("Có"), _("Chưa")
    values = queryset.values_list(*_EXPORT_FIELDS, "address", "covered")
    rows = values.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        residents = selectors.current_resident_lines([r[0] for r in chunk])
        for pk, commune, code, unit_type, village, address, covered in chunk:
            people = residents.get(pk, [])
            head, phone = _head_and_phone(people)
            yield [
                commune,
                code,
                f"{unit_type} {village}".strip(),
                address,
                head.full_name if head else None,
                len(people),
                ", ".join(p.full_name for p in people),
                phone_shown(user, phone),
                yes if covered else no,
            ]


HOUSEHOLDS = Listing(
    name="registry.households",
    title=_lazy("Hộ gia đình"),
    columns=(
        Column(_lazy("Mã xã"), "household.commune.code", page=False),
        Column(_lazy("Mã hộ"), "household.code", cell=_household_link),
        Column(_lazy("Thôn"), "household.village.full_name"),
        Column(_lazy("Địa chỉ"), "household.address", personal=True, page=False),
        Column(_lazy("Chủ hộ"), "head.full_name", personal=True, page=False),
        Column(_lazy("Số nhân khẩu"), lambda r: len(r["residents"]), INTEGER, page=False),
        Column(
            _lazy("Nhân khẩu"),
            lambda r: ", ".join(p.full_name for p in r["residents"]),
            personal=True,
            page=False,
        ),
        Column(_lazy("Chủ hộ · nhân khẩu"), "head", personal=True, cell=_people_cell, export=False),
        # Masked on the page and in the workbook alike, unless the viewer's role calls people.
        phone_column(_lazy("Số điện thoại"), "phone"),
        Column(
            _lazy("Có người thành thạo 5 kỹ năng"),
            lambda r: _("Có") if r["household"].covered else _("Chưa"),
            cell=_covered_cell,
        ),
    ),
    template="registry/households.html",
    results_template="registry/_households_results.html",
    filename="ho-gia-dinh-{unit}.xlsx",
    prepare=_household_rows,
    # A province's list is exported by a background job (cdtt.core.exports), never refused.
    export_values=_household_export_values,
    audit_action="registry.households_export",
)


# --- Household and residents -----------------------------------------------------------------


# Short labels for the badges on narrow screens; the full name is the badge's title.
SHORT_NAMES = {
    "public_services": _lazy("Dịch vụ công"),
    "shopping": _lazy("Mua sắm"),
    "payment": _lazy("Thanh toán"),
    "safety": _lazy("An toàn mạng"),
    "local_platform": _lazy("Nền tảng khác"),
}


def _badge(level) -> str:
    return {2: "ok", 1: "basic"}.get(level, "no")


@role_required(READ)
def household_detail(request, pk: int):
    user = request.user
    household = selectors.access_household(user, pk)
    residents = sorted(
        household.residents.select_related("levels_import"),
        key=lambda r: (r.status != ResidentStatus.CURRENT, r.pk),
    )
    skills = _skills()
    # Opening a household shows its residents' records: the access log keeps who and when.
    personal_log.personal_record(
        actor=user,
        action=personal_log.VIEW,
        obj=household,
        summary=_("Xem hộ %(code)s (%(n)s nhân khẩu)")
        % {"code": household.code, "n": len(residents)},
        unit=household.village,
        details={"residents": [r.pk for r in residents]},
    )
    people = []
    for r in residents:
        mine = r.levels
        people.append(
            {
                "resident": r,
                "skills": [
                    (s, mine.get(s.code), _badge(mine.get(s.code)), SHORT_NAMES.get(s.code, s.name))
                    for s in skills
                ],
            }
        )
    return render(
        request,
        "registry/household.html",
        {
            "household": household,
            "people": people,
            "skills": skills,
            "crumbs": _crumbs(user, household.village),
            "crumb_url": "registry:dashboard_unit",
            "can_write": user.role in WRITE,
            "can_assess": user.role in ASSESS,
            "statuses": ResidentStatus,
        },
    )


def _villages_under(user, unit: AdminUnit):
    return (
        units_for(user)
        .filter(path__startswith=unit.path, level=Level.VILLAGE, valid_to__isnull=True)
        .order_by("path")
    )


@role_required(WRITE)
def household_new(request):
    user = request.user
    unit = _list_unit(request)
    villages = _villages_under(user, unit)
    if villages.count() > MAX_VILLAGE_CHOICES:
        communes = units_for(user).filter(parent=unit, valid_to__isnull=True).order_by("name_key")
        return render(
            request,
            "registry/household_form.html",
            {"pick_unit": communes, "unit": unit, "crumbs": _crumbs(user, unit)},
        )
    initial = {"village": unit} if unit.level == Level.VILLAGE else {}
    form = HouseholdForm(request.POST or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        from cdtt.registry.services import household_create

        try:
            household = household_create(
                actor=user,
                village=form.cleaned_data["village"],
                code=form.cleaned_data["code"],
                address=form.cleaned_data["address"],
            )
        except ValidationError as exc:
            form.add_error(None, _bad(exc))
        else:
            messages.success(request, _("Đã thêm hộ %(c)s.") % {"c": household.code})
            return redirect("registry:household", household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "unit": unit, "crumbs": _crumbs(user, unit)},
    )


@role_required(WRITE)
def household_edit(request, pk: int):
    user = request.user
    household = selectors.access_household(user, pk)
    villages = (
        units_for(user)
        .filter(parent_id=household.commune_id, level=Level.VILLAGE, valid_to__isnull=True)
        .order_by("name_key")
    )
    form = HouseholdForm(
        request.POST or None,
        villages=villages,
        editing=True,
        initial={"village": household.village, "address": household.address},
    )
    if request.method == "POST" and form.is_valid():
        from cdtt.registry.services import household_update

        try:
            household_update(
                actor=user,
                household=household,
                village=form.cleaned_data["village"],
                address=form.cleaned_data["address"],
            )
        except ValidationError as exc:
            form.add_error(None, _bad(exc))
        else:
            messages.success(request, _("Đã lưu hộ %(c)s.") % {"c": household.code})
            return redirect("registry:household", household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "household": household, "crumbs": _crumbs(user, household.village)},
    )


@role_required(WRITE)
def resident_new(request, pk: int):
    user = request.user
    household = selectors.access_household(user, pk)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from cdtt.registry.services import resident_create

        data = form.cleaned_data
        birth_date, birth_year = data["birth"]
        try:
            resident = resident_create(
                actor=user,
                household=household,
                full_name=data["full_name"],
                birth_date=birth_date,
                birth_year=birth_year,
                gender=data["gender"],
                relation=data["relation"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            form.add_error(None, _bad(exc))
        else:
            messages.success(request, _("Đã thêm %(n)s.") % {"n": resident.full_name})
            return redirect("registry:household", household.pk)
    return render(
        request,
        "registry/resident_form.html",
        {"form": form, "household": household, "crumbs": _crumbs(user, household.village)},
    )


@role_required(WRITE)
def resident_edit(request, pk: int):
    user = request.user
    resident = selectors.access_resident(user, pk)
    household = resident.household
    form = ResidentForm(request.POST or None, initial=ResidentForm.initial_for(resident))
    if request.method == "POST" and form.is_valid():
        from cdtt.registry.services import resident_update

        data = form.cleaned_data
        birth_date, birth_year = data["birth"]
        try:
            resident_update(
                actor=user,
                resident=resident,
                full_name=data["full_name"],
                birth_date=birth_date,
                birth_year=birth_year,
                gender=data["gender"],
                relation=data["relation"],
                phone=data["phone"],
            )
        except ValidationError as exc:
            form.add_error(None, _bad(exc))
        else:
            messages.success(request, _("Đã lưu %(n)s.") % {"n": data["full_name"]})
            return redirect("registry:household", household.pk)
    return render(
        request,
        "registry/resident_form.html",
        {
            "form": form,
            "resident": resident,
            "household": household,
            "crumbs": _crumbs(user, household.village),
        },
    )


@require_POST
@role_required(WRITE)
def resident_status(request, pk: int):
    from cdtt.registry.services import resident_set_status

    resident = selectors.access_resident(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tình trạng không hợp lệ."))
    else:
        try:
            resident_set_status(
                actor=request.user,
                resident=resident,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            messages.error(request, _bad(exc))
        else:
            label = ResidentStatus(form.cleaned_data["status"]).label
            messages.success(request, _("%(n)s: %(s)s.") % {"n": resident.full_name, "s": label})
    return redirect("registry:household", resident.household_id)


def _skill_chosen(request, skills: list, levels: dict):
    """The skill asked for, else the first one the resident has not mastered, else the first."""
    wanted = request.POST.get("skill") or request.GET.get("skill")
    skill = next((s for s in skills if s.code == wanted), None)
    if skill is None:  # the first skill not yet mastered
        skill = next((s for s in skills if levels.get(s.code) != 2), skills[0])
    return skill


def _assessment_save(request, form: AssessmentForm, resident, skill):
    """Record the valid form's assessment and return where to go next; on a refusal the
    reason goes on the form and None is returned."""
    from cdtt.registry.assessments import assessment_record

    user = request.user
    data = form.cleaned_data
    try:
        assessment_record(
            actor=user,
            resident=resident,
            skill_code=skill.code,
            level=data["level"],
            method=data["method"],
            assessed_at=_moment(data["assessed_on"]),
            checklist=[int(i) for i in data.get("checklist", [])],
            assessor_name=data["assessor_name"],
        )
    except ValidationError as exc:
        form.add_error(None, _bad(exc))
        return None
    messages.success(
        request,
        _("Đã ghi đánh giá “%(s)s” của %(n)s.") % {"s": skill.name, "n": resident.full_name},
    )
    if user.role in READ:
        return redirect("registry:household", resident.household_id)
    return redirect("registry:assess", resident.pk)


@role_required(ASSESS)
def assessment_new(request, pk: int):
    """Record one skill assessment; the chosen skill's checklist is offered as checkboxes."""
    user = request.user
    resident = selectors.access_resident(user, pk)
    if not resident.is_current:
        messages.error(request, _("Chỉ đánh giá được nhân khẩu đang cư trú."))
        return redirect("registry:household", resident.household_id)
    skills = _skills()
    if not skills:
        raise Http404("no skills")
    levels = resident.levels
    skill = _skill_chosen(request, skills, levels)
    items = list(ChecklistItem.objects.filter(skill=skill, active=True).order_by("position", "id"))
    form = AssessmentForm(
        request.POST or None,
        items=items,
        initial={
            "method": "home_visit",
            "assessed_on": timezone.localdate(),
            "assessor_name": user.full_name or user.username,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = _assessment_save(request, form, resident, skill)
        if saved is not None:
            return saved
    tabs = [(s, levels.get(s.code), _badge(levels.get(s.code))) for s in skills]
    return render(
        request,
        "registry/assessment_form.html",
        {
            "form": form,
            "resident": resident,
            "household": resident.household,
            "skill": skill,
            "tabs": tabs,
            "crumbs": _crumbs(user, resident.household.village),
        },
    )


def _moment(day: dt.date) -> dt.datetime:
    """Today's assessment is timed now (so it is the latest); a past one at noon of that day."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


# --- Targets ---------------------------------------------------------------------------------


@role_required(VIEW)
def targets(request):
    user = request.user
    unit = _scope_unit(user)
    year = timezone.localdate().year
    may_set = SET_TARGET.get(user.role) == unit.level
    form = TargetForm(request.POST or None, initial={"year": year})
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        if form.is_valid():
            from cdtt.registry.services import target_set

            try:
                target_set(
                    actor=user,
                    unit=unit,
                    year=form.cleaned_data["year"],
                    rate=form.cleaned_data["rate"],
                )
            except ValidationError as exc:
                form.add_error(None, _bad(exc))
            else:
                messages.success(
                    request,
                    _("Đã đặt chỉ tiêu năm %(y)s cho %(u)s: %(r)s%%.")
                    % {
                        "y": form.cleaned_data["year"],
                        "u": unit.full_name,
                        "r": form.cleaned_data["rate"],
                    },
                )
                return redirect("registry:targets")
    coverage = selectors.coverage_of(unit)
    listed = (
        Target.objects.filter(unit__in=units_for(user))
        .select_related("unit", "set_by")
        .order_by("-year", "unit__path")[:500]
    )
    return render(
        request,
        "registry/targets.html",
        {
            "unit": unit,
            "form": form,
            "may_set": may_set,
            "targets": listed,
            "year": year,
            "progress": board.target_progress(unit, coverage),
            "coverage": coverage,
        },
    )
