"""Home page fitted to the role, job progress fragments, health check."""

from django.http import HttpResponse
from django.shortcuts import render

from cdtt.accounts import roles
from cdtt.core.access import login_required, public
from cdtt.core.jobs import access_job


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
        from cdtt.registry.selectors import coverage_of

        context["coverage"] = coverage_of(unit)
    return render(request, "core/home.html", context)


@login_required
def job_status(request, pk: int):
    job = access_job(request.user, pk)
    return render(request, "core/_job.html", {"job": job})


@public
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
