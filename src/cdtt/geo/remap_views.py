"""The move to the 2025 map on the units pages, for the province admin: the plan, the choice of
new commune for each village of a divided commune (on the page or through a workbook), and the
button that starts the move as a background job."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdtt.core import roles
from cdtt.core.access import role_required
from cdtt.core.models import Job
from cdtt.geo.access import access_unit
from cdtt.geo.models import Level
from cdtt.geo.remap import RemapRefused, remap_plan
from cdtt.geo.remap_assign import (
    HEADERS,
    divided_villages,
    remap_job_start,
    village_moves_assign,
    village_moves_rows,
)
from cdtt.geo.selectors import breadcrumbs
from cdtt.lib.xlsx import xlsx_response

REMAP = {roles.Role.PROVINCE_ADMIN}


def _province(request, code: str):
    unit = access_unit(request.user, code)
    if unit.level != Level.PROVINCE:
        raise Http404("province")
    return unit


def _own_job(request):
    job_id = request.GET.get("job", "")
    if not job_id.isdigit():
        return None
    return Job.objects.filter(pk=job_id, created_by=request.user, kind="units_remap").first()


@role_required(REMAP)
def remap_page(request, code: str):
    province = _province(request, code)
    plan = remap_plan(province=province)
    choices = [] if plan.done else divided_villages(province, plan.conversion)
    communes = sorted(plan.communes.values(), key=lambda c: c.code)
    context = {
        "unit": province,
        "crumbs": breadcrumbs(province),
        "plan": plan,
        "summary": plan.as_json(),
        "communes": communes,
        "divided": [(old, news) for old, news in sorted(plan.divided.items())],
        "choices": choices,
        "job": _own_job(request),
    }
    return render(request, "geo/remap.html", context)


@require_POST
@role_required(REMAP)
def remap_assign(request, code: str):
    province = _province(request, code)
    wanted = {
        int(key[2:]): value
        for key, value in request.POST.items()
        if key.startswith("v-") and key[2:].isdigit() and value
    }
    try:
        changed = village_moves_assign(actor=request.user, province=province, wanted=wanted)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã lưu lựa chọn xã mới cho %(n)d thôn.") % {"n": changed})
    return redirect(f"{reverse('geo:remap', args=[province.code])}#villages")


@role_required(REMAP)
def remap_villages_xlsx(request, code: str):
    province = _province(request, code)
    return xlsx_response(
        f"chon-xa-moi-{province.code}.xlsx",
        _("Chọn xã mới"),
        HEADERS,
        village_moves_rows(province),
        unit=province.full_name,
    )


@require_POST
@role_required(REMAP)
def remap_start(request, code: str):
    province = _province(request, code)
    try:
        job = remap_job_start(
            actor=request.user,
            province=province,
            accept_defaults=request.POST.get("accept_defaults") == "1",
        )
    except RemapRefused as exc:
        messages.error(request, str(exc))
        return redirect("geo:remap", province.code)
    messages.success(request, _("Đã bắt đầu chuyển đổi; tiến độ hiện bên dưới."))
    return redirect(f"{reverse('geo:remap', args=[province.code])}?job={job.pk}")
