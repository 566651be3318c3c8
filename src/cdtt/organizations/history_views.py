"""Pages of an organisation's history: renamed from a day on, merged into another."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cdtt.core import roles
from cdtt.core.access import role_required
from cdtt.core.errors import form_error
from cdtt.organizations.access import access_organization
from cdtt.organizations.forms import MergeForm, RenameForm
from cdtt.organizations.selectors import can_manage_organization, organizations_for
from cdtt.organizations.services import organization_merge, organization_rename

DETAIL = "organizations:detail"


def _managed(request, pk: int):
    org = access_organization(request.user, pk)
    if not can_manage_organization(request.user, org):
        raise PermissionDenied
    return org


@role_required(roles.OFFICERS)
def rename(request, pk: int):
    org = _managed(request, pk)
    form = RenameForm(request.POST or None, initial={"short_name": org.short_name})
    if request.method == "POST" and form.is_valid():
        try:
            organization_rename(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Đã đổi tên; tên cũ được giữ trong lịch sử."))
            return redirect(DETAIL, org.pk)
    return render(
        request, "organizations/rename.html", {"org": org, "form": form, "detail": DETAIL}
    )


@role_required(roles.OFFICERS)
def merge(request, pk: int):
    org = _managed(request, pk)
    targets = (
        organizations_for(request.user)
        .filter(merged_into__isnull=True, active=True)
        .exclude(pk=org.pk)
        .order_by("name")
    )
    form = MergeForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            organization_merge(
                actor=request.user, source=org, target=target, on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("Đã hợp nhất %(s)s vào %(t)s.") % {"s": org.name, "t": target.name}
            )
            return redirect(DETAIL, target.pk)
    return render(request, "organizations/merge.html", {"org": org, "form": form})
