"""The user's background jobs and their progress, the user's notifications, health check."""

from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import login_required, public
from cdtt.core.exports import export_file
from cdtt.core.jobs import access_job, jobs_of
from cdtt.core.listing import DATETIME, PERCENT, Column, Filter, Listing, render_listing
from cdtt.core.models import Job
from cdtt.core.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_of,
)
from cdtt.lib.xlsx import INTEGER, TEXT, file_response, xlsx_response

JOBS = Listing(
    name="core.jobs",
    title=_lazy("Việc chạy nền"),
    columns=(
        Column(_lazy("Bắt đầu lúc"), "created_at", DATETIME),
        Column(_lazy("Việc"), "title", template="core/_job_cell.html"),
        Column(_lazy("Tình trạng"), "state_label", page=False),
        Column(_lazy("Tiến độ"), lambda j: j.percent / 100, PERCENT, page=False),
        Column(_lazy("Kết quả"), "message", page=False),
        Column(_lazy("Xong lúc"), "finished_at", DATETIME, page=False),
    ),
    template="core/jobs.html",
    results_template="core/_jobs_results.html",
    filename="viec-chay-nen.xlsx",
    filters=(
        Filter("q", _lazy("Tìm việc"), placeholder=_lazy("Tên việc")),
        Filter(
            "status", _lazy("Tình trạng"), choices=Job.Status.choices, all_label=_lazy("Tất cả")
        ),
    ),
    page_size=20,
    empty=_lazy(
        "Bạn chưa khởi động việc chạy nền nào. Khi nhập tệp dân cư hoặc danh sách tổ, "
        "tiến độ và kết quả sẽ hiện ở đây."
    ),
    empty_filtered=_lazy("Không có việc nào khớp bộ lọc."),
)


@login_required
def jobs(request):
    """The user's own background jobs, newest first: a running import found again."""
    filters = JOBS.values(request)
    jobs = jobs_of(request.user)
    if filters["q"]:
        jobs = jobs.filter(title__icontains=filters["q"])
    if filters["status"]:
        jobs = jobs.filter(status=filters["status"])
    return render_listing(request, JOBS, jobs, filters=filters)


@login_required
def job_file(request, pk: int):
    """A finished export's file, to its owner, while it is kept."""
    job = access_job(request.user, pk)
    path = export_file(job)
    if path is None:
        raise Http404(_("Tệp không còn: đã hết thời gian lưu giữ. Hãy xuất lại."))
    return file_response(path.open("rb"), job.result.get("download") or path.name)


@login_required
def job_status(request, pk: int):
    job = access_job(request.user, pk)
    # The page that started the job, where it can be started again (polled by htmx from it).
    page = urlsplit(request.headers.get("HX-Current-URL", "")).path
    restart = page if page and page != reverse("core:jobs") else ""
    return render(request, "core/_job.html", {"job": job, "restart_url": restart})


@login_required
def job_errors_xlsx(request, pk: int):
    """The job's report of bad rows (row, column, reason) as a workbook, to fix the file with."""
    job = access_job(request.user, pk)
    errors = job.result.get("errors") or []
    if not errors:
        raise Http404("no report")
    return xlsx_response(
        f"bao-cao-loi-{job.pk}.xlsx",
        _("Báo cáo lỗi"),
        [_("Dòng"), _("Cột"), _("Lý do")],
        ([e.get("row"), e.get("column"), e.get("reason")] for e in errors),
        kinds=[INTEGER, TEXT, TEXT],
        as_of=timezone.localdate(job.finished_at or job.created_at),
    )


@login_required
def notifications(request):
    """The user's own notifications: unread first (highlighted), newest first."""
    page = Paginator(notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request, "core/notifications.html", {"page": page, "notifications": page.object_list}
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one as read; with ``open``, go on to what it is about."""
    found = notification_mark_read(user=request.user, pk=pk)
    target = found.link if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("core:notifications")


@public
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
