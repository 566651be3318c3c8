"""Pages that span the apps: the home page fitted to the role, and the audit log (who changed
what and when, within the viewer's scope)."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.labels import action_choices, action_label, object_link, value_text
from cdtt.audit.selectors import audit_entries_under
from cdtt.core import roles
from cdtt.core.access import login_required, role_required, scope_path
from cdtt.core.listing import DATETIME, Column, Filter, Listing, render_listing
from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.selectors import coverage_of


@login_required
def home(request):
    user = request.user
    unit = user.scope_unit
    context = {
        "unit": unit,
        "is_field": user.role in roles.FIELD,
        "is_leader": user.role == "province_leader",
        "can_manage_users": user.role in roles.MANAGE_USERS,
        "can_manage_units": user.role in roles.MANAGE_UNITS,
    }
    if unit is not None and user.role in roles.OFFICERS:
        context["coverage"] = coverage_of(unit)
    return render(request, "site/home.html", context)


AUDIT_VIEWERS = {"province_admin", "district_officer", "commune_officer"}


def _audit_prepare(entries: list) -> list:
    """Each entry with its action's label, its summary in words and the page of what it touched
    (a unit's page is by code: the codes of the units on the page in one query)."""
    unit_ids = {e.object_id for e in entries if e.object_type == "geo.AdminUnit"}
    codes = dict(
        AdminUnit.objects.filter(pk__in=[i for i in unit_ids if i.isdigit()]).values_list(
            "pk", "code"
        )
    )
    for e in entries:
        e.action_label = action_label(e.action)
        e.summary_text = value_text(e.summary)
        object_id = e.object_id
        if e.object_type == "geo.AdminUnit" and object_id.isdigit():
            object_id = codes.get(int(object_id), "")
        e.link = object_link(e.object_type, object_id)
    return entries


def _summary_cell(e):
    if e.link:
        return format_html('<a href="{}">{}</a>', e.link, e.summary_text)
    return e.summary_text


def _action_cell(e):
    if e.action_label == e.action:
        return format_html("<code>{}</code>", e.action)
    return format_html('<span title="{}">{}</span>', e.action, e.action_label)


def _unit_choices(request) -> list[tuple[str, str]]:
    """The viewer's unit and the districts and communes inside it."""
    unit = request.user.scope_unit
    if unit is None:
        return []
    units = (
        AdminUnit.objects.filter(path__startswith=unit.path, valid_to__isnull=True)
        .exclude(level=Level.VILLAGE)
        .order_by("path")
    )
    return [(u.code, u.full_name) for u in units]


AUDIT_LOG = Listing(
    name="site.audit_log",
    title=_lazy("Nhật ký"),
    columns=(
        Column(_lazy("Thời điểm"), "at", DATETIME),
        # Who did what to whom: names of users and of the people the entries are about.
        Column(_lazy("Người thực hiện"), lambda e: str(e.actor or ""), personal=True),
        Column(_lazy("Thao tác"), "action_label", cell=_action_cell),
        Column(_lazy("Mã thao tác"), "action", page=False),
        Column(_lazy("Nội dung"), "summary_text", personal=True, cell=_summary_cell),
    ),
    template="site/audit_log.html",
    filename="nhat-ky.xlsx",
    filters=(
        Filter("q", _lazy("Tìm trong nội dung")),
        Filter("who", _lazy("Người thực hiện"), placeholder=_lazy("Tên hoặc tên đăng nhập")),
        Filter(
            "action",
            _lazy("Thao tác"),
            choices=lambda request: action_choices(),
            all_label=_lazy("Mọi thao tác"),
        ),
        Filter("unit", _lazy("Đơn vị"), choices=_unit_choices, all_label=_lazy("Mọi đơn vị")),
        Filter("since", _lazy("Từ ngày"), placeholder=_lazy("Từ ngày (dd/mm/yyyy)")),
        Filter("until", _lazy("Đến ngày"), placeholder=_lazy("Đến ngày (dd/mm/yyyy)")),
    ),
    page_size=50,
    prepare=_audit_prepare,
    empty=_lazy("Chưa có thay đổi nào được ghi lại."),
    empty_filtered=_lazy("Không có thay đổi nào khớp bộ lọc."),
    audit_action="audit.export",
)


def _day(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date() if text else None
    except ValueError:
        return None


@role_required(AUDIT_VIEWERS)
def audit_log(request):
    filters = AUDIT_LOG.values(request)
    since, until = _day(filters["since"]), _day(filters["until"])
    for name, day in (("since", since), ("until", until)):
        if filters[name] and day is None:
            messages.error(
                request,
                _("“%(v)s” không phải ngày dạng dd/mm/yyyy: bộ lọc này chưa được áp dụng.")
                % {"v": filters[name]},
            )
    unit_path = scope_path(request.user)
    if filters["unit"] and unit_path is not None:
        unit = AdminUnit.objects.filter(code=filters["unit"], path__startswith=unit_path).first()
        unit_path = unit.path if unit else unit_path
    entries = audit_entries_under(
        unit_path,
        q=filters["q"],
        action=filters["action"],
        who=filters["who"],
        since=since,
        until=until,
    )
    return render_listing(request, AUDIT_LOG, entries, filters=filters)
