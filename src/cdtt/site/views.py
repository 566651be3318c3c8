"""Pages that span the apps: the home page fitted to the role, and the audit log (who changed
what and when, within the viewer's scope)."""

from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.selectors import audit_entries_under
from cdtt.core import roles
from cdtt.core.access import login_required, role_required, scope_path
from cdtt.core.listing import DATETIME, Column, Filter, Listing, render_listing
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


AUDIT_LOG = Listing(
    name="site.audit_log",
    title=_lazy("Nhật ký"),
    columns=(
        Column(_lazy("Thời điểm"), "at", DATETIME),
        # Who did what to whom: names of users and of the people the entries are about.
        Column(_lazy("Người thực hiện"), lambda e: str(e.actor or ""), personal=True),
        Column(
            _lazy("Thao tác"), "action", cell=lambda e: format_html("<code>{}</code>", e.action)
        ),
        Column(_lazy("Nội dung"), "summary", personal=True),
    ),
    template="site/audit_log.html",
    filename="nhat-ky.xlsx",
    filters=(
        Filter("q", _lazy("Tìm trong nội dung")),
        Filter("action", _lazy("Thao tác"), placeholder=_lazy("Mã thao tác, ví dụ user.create")),
    ),
    page_size=50,
    empty=_lazy("Chưa có thay đổi nào được ghi lại."),
    empty_filtered=_lazy("Không có thay đổi nào khớp bộ lọc."),
    export_limit=100_000,
    audit_action="audit.export",
)


@role_required(AUDIT_VIEWERS)
def audit_log(request):
    filters = AUDIT_LOG.values(request)
    entries = audit_entries_under(
        scope_path(request.user), q=filters["q"], action=filters["action"]
    )
    return render_listing(request, AUDIT_LOG, entries, filters=filters)
