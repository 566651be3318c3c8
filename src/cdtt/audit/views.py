"""The audit log page: who changed what and when, within the viewer's scope."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.selectors import audit_entries_for
from cdtt.core.access import role_required
from cdtt.lib.xlsx import xlsx_response

AUDIT_VIEWERS = {"province_admin", "district_officer", "commune_officer"}


@role_required(AUDIT_VIEWERS)
def audit_log(request):
    entries = audit_entries_for(
        request.user, q=request.GET.get("q", "").strip(), action=request.GET.get("action", "")
    )
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M"),
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
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page})
