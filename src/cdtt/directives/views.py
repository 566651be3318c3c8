"""Pages of the directives: directives and their tasks, my tasks, a task with its progress and
urgings, the calendar address and feed, the provincial leader's view."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from cdtt.core.access import login_required, public, role_required
from cdtt.core.errors import DomainError, error_text, form_error
from cdtt.core.listing import DATE, INTEGER, Column, Filter, Listing, render_listing
from cdtt.core.roles import Role
from cdtt.directives import leaders, schedule, selectors, services
from cdtt.directives.calendar import calendar_bytes
from cdtt.directives.forms import DirectiveForm, ProgressForm, TaskForm, UrgeForm
from cdtt.directives.models import CalendarFeed, Recurrence, TaskStatus
from cdtt.figures.catalogue import figures_of, get
from cdtt.geo.models import AdminUnit, Level
from cdtt.organizations.models import Organization

LEADERS = {Role.PROVINCE_LEADER, Role.PROVINCE_ADMIN}


def _due_text(task, today) -> str:
    flags = schedule.flags(task, today)
    due = flags.due.strftime("%d/%m/%Y") if flags.due else "—"
    if task.recurrence:
        return f"{due} ({task.get_recurrence_display().lower()})"
    return due


def _flag_text(task, today) -> str:
    flags = schedule.flags(task, today)
    if flags.overdue:
        return _("Quá hạn")
    if flags.due_soon:
        return _("Sắp đến hạn")
    return ""


def _prepare(tasks):
    today = timezone.localdate()
    for task in tasks:
        task.flags = schedule.flags(task, today)
        task.due_text = _due_text(task, today)
        task.flag_text = _flag_text(task, today)
    return tasks


def _agencies(request):
    return [(o.pk, o.name) for o in Organization.objects.filter(tasks_led__isnull=False).distinct()]


TASK_STATES = [
    ("open", _lazy("Chưa hoàn thành")),
    ("overdue", _lazy("Quá hạn")),
    ("done", _lazy("Đã hoàn thành")),
]

TASKS = Listing(
    name="directives.tasks",
    title=_lazy("Nhiệm vụ"),
    columns=(
        Column(_lazy("Văn bản"), "directive.number"),
        Column(pgettext_lazy("clause of a directive", "Điểm"), "clause"),
        Column(_lazy("Nhiệm vụ"), "title", template="directives/_task_cell.html", export=False),
        Column(_lazy("Nhiệm vụ"), "title", page=False),
        Column(_lazy("Chủ trì"), "lead.name"),
        Column(
            _lazy("Phối hợp"), lambda t: ", ".join(o.name for o in t.co_agencies.all()), page=False
        ),
        Column(_lazy("Hạn"), "due_text"),
        Column(_lazy("Tình trạng"), "get_status_display"),
        Column(_lazy("Tiến độ (%)"), "percent", INTEGER),
        Column(_lazy("Cảnh báo"), "flag_text", template="directives/_flag_cell.html"),
        Column(_lazy("Báo cáo gần nhất"), "last_report_on", DATE, page=False),
    ),
    template="directives/tasks.html",
    results_template="directives/_tasks_results.html",
    filename="nhiem-vu.xlsx",
    filters=(
        Filter("q", _lazy("Tìm nhiệm vụ"), placeholder=_lazy("Nội dung, điểm hoặc cơ quan")),
        Filter("agency", _lazy("Cơ quan"), choices=_agencies, all_label=_lazy("Mọi cơ quan")),
        Filter(
            "status", _lazy("Tình trạng"), choices=TASK_STATES, all_label=_lazy("Mọi tình trạng")
        ),
    ),
    prepare=_prepare,
    page_size=50,
    empty=_lazy("Chưa có nhiệm vụ nào. Nhiệm vụ được giao khi cán bộ Sở đăng ký văn bản chỉ đạo."),
    empty_filtered=_lazy("Không có nhiệm vụ nào khớp với bộ lọc."),
)


@login_required
def task_list(request):
    filters = TASKS.values(request)
    today = timezone.localdate()
    tasks = selectors.tasks_for(request.user)
    rows = selectors.tasks_filtered(
        tasks,
        agency=int(filters["agency"]) if filters["agency"] else None,
        status=filters["status"],
        today=today,
        q=filters["q"],
    )
    queryset = tasks.filter(pk__in=[t.pk for t in rows])
    context = {
        "can_manage": selectors.can_manage(request.user),
        "unsent": selectors.digests_unsent(request.user),
        "organization": request.user.organization,
    }
    return render_listing(request, TASKS, queryset, filters=filters, context=context)


DIRECTIVES = Listing(
    name="directives.directives",
    title=_lazy("Văn bản chỉ đạo"),
    columns=(
        Column(_lazy("Số, ký hiệu"), "number", template="directives/_directive_cell.html"),
        Column(_lazy("Ngày ban hành"), "issued_on", DATE),
        Column(_lazy("Cơ quan ban hành"), "issuer"),
        Column(_lazy("Trích yếu"), "summary"),
        Column(_lazy("Số nhiệm vụ"), lambda d: d.tasks.count(), INTEGER),
    ),
    template="directives/list.html",
    filename="van-ban-chi-dao.xlsx",
    filters=(Filter("q", _lazy("Tìm văn bản"), placeholder=_lazy("Số hiệu hoặc trích yếu")),),
    empty=_lazy("Chưa có văn bản chỉ đạo nào."),
)


@login_required
def directive_list(request):
    filters = DIRECTIVES.values(request)
    directives = selectors.directives_for(request.user)
    if filters["q"]:
        from django.db.models import Q

        directives = directives.filter(
            Q(number__icontains=filters["q"]) | Q(summary__icontains=filters["q"])
        )
    context = {"can_manage": selectors.can_manage(request.user)}
    return render_listing(request, DIRECTIVES, directives, filters=filters, context=context)


def _province() -> AdminUnit | None:
    return (
        AdminUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True).order_by("pk").first()
    )


@role_required({Role.PROVINCE_ADMIN})
def directive_new(request):
    form = DirectiveForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        unit = request.user.scope_unit or _province()
        try:
            directive = services.directive_create(
                actor=request.user, unit=unit, **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã đăng ký văn bản %(n)s.") % {"n": directive.number})
            return redirect("directives:detail", directive.pk)
    return render(request, "directives/directive_form.html", {"form": form})


@login_required
def directive_detail(request, pk: int):
    directive = selectors.access_directive(request.user, pk)
    tasks = _prepare(list(selectors.tasks_for(request.user).filter(directive=directive)))
    context = {
        "directive": directive,
        "tasks": tasks,
        "can_manage": selectors.can_manage(request.user),
    }
    return render(request, "directives/directive.html", context)


def _download(field) -> FileResponse:
    """A stored file, to the user the caller's access helper let through (never by its
    storage address: media are not served, and who may read is the directive's rule)."""
    if not field:
        raise Http404("file")
    name = field.name.rsplit("/", 1)[-1]
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@login_required
def directive_file(request, pk: int):
    return _download(selectors.access_directive(request.user, pk).file)


@login_required
def progress_document(request, pk: int, report: int):
    task = selectors.access_task(request.user, pk)
    progress = task.reports.filter(pk=report).first()
    if progress is None:
        raise Http404("progress")
    return _download(progress.document)


@role_required({Role.PROVINCE_ADMIN})
def task_new(request, pk: int):
    directive = selectors.access_directive(request.user, pk)
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.task_create(
                actor=request.user,
                directive=directive,
                clause=data["clause"],
                title=data["title"],
                lead=data["lead"],
                co_agencies=data["co_agencies"],
                deadline=data["deadline"],
                recurrence=data["recurrence"] or Recurrence.NONE,
                due_day=data["due_day"],
                due_month=data["due_month"],
                output=data["output"],
                figure_code=data["figure_code"],
                figure_target=data["figure_target"],
            )
        except (ValidationError, DomainError) as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã giao nhiệm vụ."))
            return redirect("directives:detail", directive.pk)
    return render(request, "directives/task_form.html", {"form": form, "directive": directive})


def _figure(task):
    if not task.figure_code:
        return None
    try:
        figure = get(task.figure_code)
    except KeyError:
        return None
    value = figures_of(task.directive.unit, codes=[task.figure_code])[task.figure_code]
    return {"figure": figure, "value": value, "target": task.figure_target}


@login_required
def task_detail(request, pk: int):
    task = selectors.access_task(request.user, pk)
    today = timezone.localdate()
    agencies = selectors.agencies_of(task)
    org_id = request.user.organization_id
    context = {
        "task": task,
        "flags": schedule.flags(task, today),
        "due_text": _due_text(task, today),
        "agencies": agencies,
        "figure": _figure(task),
        "reports": selectors.reports_of(task),
        "urgings": selectors.urgings_of(task),
        "can_report": selectors.is_agency_of(task, org_id),
        "can_manage": selectors.can_manage(request.user),
        "progress_form": ProgressForm(initial={"status": task.status, "percent": task.percent}),
        "urge_form": UrgeForm(agencies=agencies),
        "done": TaskStatus.DONE,
    }
    return render(request, "directives/task.html", context)


@require_POST
@login_required
def task_progress(request, pk: int):
    task = selectors.access_task(request.user, pk)
    if not selectors.is_agency_of(task, request.user.organization_id):
        raise PermissionDenied  # only the lead and co-ordinating agencies report, whatever is sent
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.progress_report(actor=request.user, task=task, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Đã ghi báo cáo tiến độ."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("directives:task", task.pk)


@require_POST
@role_required({Role.PROVINCE_ADMIN})
def task_urge(request, pk: int):
    task = selectors.access_task(request.user, pk)
    form = UrgeForm(request.POST, agencies=selectors.agencies_of(task))
    if form.is_valid():
        try:
            urging = services.task_urge(actor=request.user, task=task, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Đã đôn đốc %(a)s (%(n)s cán bộ nhận thông báo).")
                % {"a": urging.agency.name, "n": urging.recipients},
            )
    else:
        messages.error(request, _("Chọn cơ quan được đôn đốc."))
    return redirect("directives:task", task.pk)


@login_required
def calendar_page(request):
    if request.method == "POST":
        services.calendar_feed_token(user=request.user, reset=True)
        messages.success(request, _("Đã tạo địa chỉ lịch mới; địa chỉ cũ không dùng được nữa."))
        return redirect("directives:calendar")
    token = services.calendar_feed_token(user=request.user)
    url = request.build_absolute_uri(reverse("directives:ical", args=[token]))
    return render(request, "directives/calendar.html", {"url": url})


@public
def calendar_feed(request, token: str):
    """The feed's address is its secret: no login (calendar programs cannot log in)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("calendar")
    tasks = selectors.tasks_for(feed.user).exclude(status=TaskStatus.DONE)
    body = calendar_bytes(tasks, today=timezone.localdate(), base=request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@role_required(LEADERS)
def leaders_view(request):
    province = _province()
    today = timezone.localdate()
    if province is None:
        return render(request, "directives/leaders.html", {"province": None})
    head = leaders.headline(province, today)
    context = {
        "province": province,
        "today": today,
        "head": head,
        "agencies": leaders.tasks_by_agency(today),
        "lagging": leaders.lagging(province, head["target_rate"]),
    }
    return render(request, "directives/leaders.html", context)
