"""Pages of reports: the list of reports (issued and drafts) of the user's subtree, a draft's
form, a report's page (its figures, issue, files, the log of sendings)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, cells, render_listing
from cdtt.documents.builder import build_docx
from cdtt.documents.pdf import PDF_TYPE, PdfError, docx_to_pdf
from cdtt.lib.xlsx import XLSX_TYPE
from cdtt.reports import content, selectors
from cdtt.reports.forms import ReportForm, SubmissionForm
from cdtt.reports.kinds import ReportKind
from cdtt.reports.models import ReportStatus
from cdtt.reports.services import (
    letter_of,
    missing_at_issue,
    report_create,
    report_issue,
    report_pdf,
    report_update,
    submission_add,
    words_of,
)

FORMATS = ("docx", "xlsx", "pdf")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _title_cell(report):
    url = reverse("reports:detail", args=[report.pk])
    return cells('<a href="', url, '">', report.get_kind_display(), "</a>")


def _period(report) -> str:
    return f"{report.period_from:%d/%m/%Y} – {report.period_to:%d/%m/%Y}"


REPORTS = Listing(
    name="reports.reports",
    title=_lazy("Báo cáo"),
    columns=(
        Column(_lazy("Loại báo cáo"), "get_kind_display", cell=_title_cell),
        Column(_lazy("Địa bàn"), "unit.full_name"),
        Column(_lazy("Kỳ báo cáo"), _period),
        Column(_lazy("Ngày chốt số liệu"), "cutoff", DATE),
        Column(_lazy("Số"), "number_text"),
        Column(_lazy("Trạng thái"), "get_status_display"),
        Column(_lazy("Ngày ban hành"), "issued_on", DATE),
        Column(_lazy("Người ban hành"), lambda r: str(r.issued_by or "")),
        Column(_lazy("Lần gửi"), "sent", INTEGER),
    ),
    template="reports/list.html",
    filename="bao-cao.xlsx",
    filters=(
        Filter("q", _lazy("Tìm"), placeholder=_lazy("Địa bàn hoặc số văn bản")),
        Filter("kind", _lazy("Loại"), choices=ReportKind.choices, all_label=_lazy("Mọi loại")),
        Filter(
            "status",
            _lazy("Trạng thái"),
            choices=ReportStatus.choices,
            all_label=_lazy("Mọi trạng thái"),
        ),
    ),
    ordering=("-created_at", "-pk"),
    empty=_lazy("Chưa có báo cáo nào trong địa bàn của bạn. Hãy lập báo cáo đầu tiên."),
    empty_filtered=_lazy("Không có báo cáo nào khớp bộ lọc."),
)


@role_required(selectors.READ)
def report_list(request):
    filters = REPORTS.values(request)
    reports = selectors.reports_for(request.user).annotate(sent=Count("submissions"))
    if filters["q"]:
        q = filters["q"]
        reports = reports.filter(Q(unit__name__icontains=q) | Q(number__icontains=q))
    if filters["kind"]:
        reports = reports.filter(kind=filters["kind"])
    if filters["status"]:
        reports = reports.filter(status=filters["status"])
    context = {"can_write": selectors.can_write(request.user)}
    return render_listing(request, REPORTS, reports, filters=filters, context=context)


def _save(form, write):
    try:
        return write()
    except (DomainError, ValidationError) as exc:
        form_error(form, exc)
        return None


def _fields(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k != "unit"}


@role_required(selectors.WRITE)
def report_new(request):
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _fields(form)
        report = _save(
            form,
            lambda: report_create(actor=request.user, unit=form.cleaned_data["unit"], **data),
        )
        if report is not None:
            messages.success(request, _("Đã lưu dự thảo báo cáo."))
            return redirect("reports:detail", report.pk)
    return render(request, "reports/form.html", {"form": form, "report": None})


@role_required(selectors.WRITE)
def report_edit(request, pk: int):
    report = selectors.access_report(request.user, pk)
    if report.issued:
        messages.error(request, _("Báo cáo đã ban hành, không sửa được nữa."))
        return redirect("reports:detail", pk)
    form = ReportForm(request.POST or None, instance=report, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _fields(form)
        if not data.get("cutoff"):
            data.pop("cutoff")
        fresh = selectors.access_report(request.user, pk)
        if _save(form, lambda: report_update(actor=request.user, report=fresh, **data)):
            messages.success(request, _("Đã lưu dự thảo báo cáo."))
            return redirect("reports:detail", pk)
    return render(request, "reports/form.html", {"form": form, "report": report})


def _figures(report) -> dict:
    """Frozen figures of an issued report; today's reading as of the cut-off for a draft."""
    if report.issued:
        return report.figures
    period = content.Period(report.period_from, report.period_to, report.cutoff)
    return content.gather(report.unit, period)


@role_required(selectors.READ)
def report_detail(request, pk: int):
    return _detail(request, selectors.access_report(request.user, pk))


def _detail(request, report, submission_form=None):
    data = _figures(report)
    period = content.period_of(data)
    summary = [
        (label, unit, data["start"][code], data["now"][code], d)
        for code, label, unit, d in content.SUMMARY_ROWS
    ]
    context = {
        "report": report,
        "data": data,
        "has_data": content.has_data(data),
        "summary": summary,
        "before": period.before,
        "can_write": selectors.can_write(request.user),
        "missing": [] if report.issued else missing_at_issue(report),
        "submissions": report.submissions.select_related("recorded_by"),
        "submission_form": submission_form
        or SubmissionForm(initial={"sent_on": timezone.localdate()}),
    }
    return render(request, "reports/detail.html", context)


@require_POST
@role_required(selectors.WRITE)
def report_issue_view(request, pk: int):
    report = selectors.access_report(request.user, pk)
    try:
        report_issue(actor=request.user, report=report)
    except (DomainError, ValidationError) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Đã ban hành báo cáo; số liệu đã được chốt."))
    return redirect("reports:detail", pk)


@require_POST
@role_required(selectors.WRITE)
def submission_new(request, pk: int):
    report = selectors.access_report(request.user, pk)
    form = SubmissionForm(request.POST)
    if form.is_valid():
        done = _save(
            form,
            lambda: submission_add(actor=request.user, report=report, **form.cleaned_data),
        )
        if done is not None:
            messages.success(request, _("Đã ghi nhận lần gửi báo cáo."))
            return redirect(reverse("reports:detail", args=[pk]) + "#submissions")
    return _detail(request, report, submission_form=form)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(selectors.READ)
def report_file(request, pk: int, fmt: str):
    """The report's DOCX, XLSX annex or PDF: the stored files of an issued report, a preview
    (figures as of the cut-off read now, the number left blank) of a draft."""
    report = selectors.access_report(request.user, pk)
    if fmt not in FORMATS:
        raise Http404("format")
    stem = report.file_stem() + ("" if report.issued else "-du-thao")
    try:
        if report.issued:
            if fmt == "pdf":
                return _download(report_pdf(report=report), PDF_TYPE, f"{stem}.pdf")
            stored = report.docx if fmt == "docx" else report.xlsx
            with stored.open("rb") as f:
                data = f.read()
        else:
            data = _draft_file(report, fmt)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("reports:detail", pk)
    if fmt == "pdf":
        return _download(data, PDF_TYPE, f"{stem}.pdf")
    if fmt == "docx":
        return _download(data, DOCX_TYPE, f"{stem}.docx")
    return _download(data, XLSX_TYPE, f"{stem}-phu-luc.xlsx")


def _draft_file(report, fmt: str) -> bytes:
    data = _figures(report)
    if fmt == "xlsx":
        return content.annex(data)
    letter = letter_of(report, timezone.localdate())
    docx = build_docx(content.document(report.kind, data, words_of(report), letter))
    return docx_to_pdf(docx) if fmt == "pdf" else docx
