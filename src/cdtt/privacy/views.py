"""Pages of personal data protection: the public privacy notice, a resident's data (a data
subject's request: export everything, erase) and the access log of the province admin."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.audit import personal as personal_log
from cdtt.core import roles
from cdtt.core.access import public, role_required
from cdtt.core.errors import form_error
from cdtt.core.listing import DATETIME, Column, Filter, Listing, render_listing
from cdtt.privacy import services
from cdtt.privacy.forms import EraseForm, SubjectExportForm
from cdtt.privacy.selectors import is_anonymised, resident_record
from cdtt.registry.selectors import access_resident

# Who answers a resident's request: the officers who keep the registry, in their scope.
REQUESTS = roles.REGISTRY_WRITE
ACTION_LABELS = {
    personal_log.VIEW: _lazy("Xem hồ sơ"),
    personal_log.SUBJECT_EXPORT: _lazy("Xuất theo yêu cầu"),
    personal_log.ERASE: _lazy("Ẩn danh"),
    personal_log.RETENTION: _lazy("Hết hạn lưu trữ"),
}


@public
def notice(request):
    return render(
        request,
        "privacy/notice.html",
        {
            "former_days": settings.CDTT_FORMER_RESIDENT_RETENTION_DAYS,
            "log_days": settings.CDTT_ACCESS_LOG_RETENTION_DAYS,
        },
    )


def _action(entry) -> str:
    label = ACTION_LABELS.get(entry.action)
    return str(label) if label else str(_lazy("Xuất danh sách"))


ACCESS_LOG = Listing(
    name="privacy.access_log",
    title=_lazy("Nhật ký truy cập dữ liệu cá nhân"),
    columns=(
        Column(_lazy("Thời điểm"), "at", DATETIME),
        Column(_lazy("Người thực hiện"), lambda e: str(e.actor or "—"), personal=True),
        Column(
            _lazy("Thao tác"),
            _action,
            cell=lambda e: format_html('{} <code class="muted">{}</code>', _action(e), e.action),
        ),
        Column(_lazy("Nội dung"), "summary", personal=True),
        Column(_lazy("Mục đích"), lambda e: (e.changes or {}).get("purpose", "")),
    ),
    template="privacy/access_log.html",
    filename="nhat-ky-truy-cap.xlsx",
    filters=(
        Filter("q", _lazy("Tìm trong nội dung")),
        Filter(
            "kind",
            _lazy("Loại"),
            choices=[
                ("view", _lazy("Xem hồ sơ")),
                ("export", _lazy("Xuất dữ liệu")),
                ("erase", _lazy("Ẩn danh, hết hạn lưu trữ")),
            ],
            all_label=_lazy("Mọi loại"),
        ),
    ),
    empty=_lazy("Chưa ai xem hay xuất dữ liệu cá nhân."),
    empty_filtered=_lazy("Không có dòng nào khớp bộ lọc."),
    export_limit=100_000,
    audit_action="personal.access_log_export",
)


@role_required(roles.MANAGE_USERS)
def personal_log_page(request):
    filters = ACCESS_LOG.values(request)
    entries = personal_log.personal_entries()
    if filters["q"]:
        entries = entries.filter(summary__icontains=filters["q"])
    kind = filters["kind"]
    if kind == "view":
        entries = entries.filter(action=personal_log.VIEW)
    elif kind == "export":
        entries = entries.filter(action__endswith="export")
    elif kind == "erase":
        entries = entries.filter(action__in=(personal_log.ERASE, personal_log.RETENTION))
    return render_listing(request, ACCESS_LOG, entries, filters=filters)


def _resident_page(request, resident, *, export_form=None, erase_form=None, status=200):
    return render(
        request,
        "privacy/resident.html",
        {
            "record": resident_record(resident),
            "anonymised": is_anonymised(resident),
            "export_form": export_form or SubjectExportForm(),
            "erase_form": erase_form or EraseForm(),
        },
        status=status,
    )


@role_required(REQUESTS)
def resident(request, pk: int):
    resident = access_resident(request.user, pk)
    personal_log.personal_record(
        actor=request.user,
        action=personal_log.VIEW,
        obj=resident,
        summary=_("Xem dữ liệu cá nhân của nhân khẩu #%(id)s") % {"id": resident.pk},
        unit=resident.village,
    )
    return _resident_page(request, resident)


@require_POST
@role_required(REQUESTS)
def resident_export(request, pk: int):
    resident = access_resident(request.user, pk)
    form = SubjectExportForm(request.POST)
    if form.is_valid():
        try:
            exported = services.subject_export(
                actor=request.user,
                resident=resident,
                purpose=form.cleaned_data["purpose"],
                fmt=form.cleaned_data["fmt"],
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            response = HttpResponse(exported.content, content_type=exported.content_type)
            response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
            return response
    return _resident_page(request, resident, export_form=form, status=400)


@require_POST
@role_required(REQUESTS)
def resident_erase(request, pk: int):
    resident = access_resident(request.user, pk)
    form = EraseForm(request.POST)
    if form.is_valid():
        try:
            services.resident_erase(
                actor=request.user, resident=resident, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _lazy("Đã ẩn danh nhân khẩu; các số liệu vẫn giữ nguyên."))
            return redirect("privacy:resident", pk=resident.pk)
    return _resident_page(request, resident, erase_form=form, status=400)
