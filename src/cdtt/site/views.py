"""Pages that span the apps: the home page fitted to the role, and the audit log (who changed
what and when, within the viewer's scope)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from cdtt.audit.selectors import audit_entries_under
from cdtt.core import roles
from cdtt.core.access import login_required, role_required, scope_path
from cdtt.lib.xlsx import DATETIME, TEXT, xlsx_response
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


@role_required(AUDIT_VIEWERS)
def audit_log(request):
    entries = audit_entries_under(
        scope_path(request.user),
        q=request.GET.get("q", "").strip(),
        action=request.GET.get("action", ""),
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                e.at,
                str(e.actor or ""),
                e.action,
                e.summary,
            ]
            for e in entries[:100000]
        )
        return xlsx_response(
            "nhat-ky.xlsx",
            _("Nhật ký"),
            [_("Thời điểm"), _("Người thực hiện"), _("Thao tác"), _("Nội dung")],
            rows,
            kinds=[DATETIME, TEXT, TEXT, TEXT],
            unit=getattr(request.user.scope_unit, "full_name", ""),
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "site/audit_log.html", {"page": page})
