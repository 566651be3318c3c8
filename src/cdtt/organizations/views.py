"""The organisation pages: the list (page, htmx fragment, Excel), one organisation with the staff
it sends to the teams, and the forms to add and change one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.core import roles
from cdtt.core.access import role_required
from cdtt.core.errors import form_error
from cdtt.core.listing import INTEGER, Column, Filter, Listing, cells, render_listing
from cdtt.core.roles import Role
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit
from cdtt.geo.picker import picker_units
from cdtt.organizations import selectors, services
from cdtt.organizations.access import access_organization
from cdtt.organizations.forms import OrganizationForm
from cdtt.organizations.models import OrganizationKind
from cdtt.organizations.staff import staff_counted, staff_of

VIEW = roles.OFFICERS
CREATE = roles.MANAGE_UNITS
EDIT = roles.MANAGE_UNITS | {Role.AGENCY_OFFICER}
PAGE = 50


def _name_cell(o):
    link = format_html('<a href="{}">{}</a>', reverse("organizations:detail", args=[o.pk]), o.name)
    if o.active:
        return link
    return cells(link, " ", format_html('<span class="badge no">{}</span>', _("ngừng")))


ORGANIZATIONS = Listing(
    name="organizations.organizations",
    title=_lazy("Cơ quan, đơn vị"),
    columns=(
        Column(_lazy("Tên"), "name", cell=_name_cell),
        Column(_lazy("Tên viết tắt"), "short_name", page=False),
        Column(_lazy("Loại"), "get_kind_display"),
        Column(_lazy("Địa bàn"), "unit.full_name"),
        Column(_lazy("Trực thuộc"), lambda o: str(o.parent or ""), page=False),
        # An organisation's own contact, not a person's.
        Column(_lazy("Điện thoại"), "phone", page=False),
        Column(_lazy("Email"), "email", page=False),
        Column(_lazy("Thành viên trong các tổ"), "n_staff", INTEGER, export=False),
        Column(_lazy("Số thành viên đang tham gia tổ"), "n_staff", INTEGER, page=False),
        Column(_lazy("Hoạt động"), lambda o: _("Có") if o.active else _("Không"), page=False),
    ),
    template="organizations/list.html",
    results_template="organizations/_list_results.html",
    filename="co-quan-don-vi.xlsx",
    filters=(
        Filter("q", _lazy("Tìm theo tên"), placeholder=_lazy("Tên")),
        Filter(
            "kind", _lazy("Loại"), choices=OrganizationKind.choices, all_label=_lazy("Mọi loại")
        ),
    ),
    ordering=("kind", "name_key"),
    page_size=PAGE,
    empty=_lazy(
        "Chưa có cơ quan, đơn vị nào. Thêm Đoàn Thanh niên, doanh nghiệp bưu chính – viễn "
        "thông, trường học… để ghi nhận nơi cử thành viên."
    ),
    empty_filtered=_lazy("Không có cơ quan, đơn vị nào khớp bộ lọc."),
)


@role_required(VIEW)
def organization_list(request):
    filters = ORGANIZATIONS.values(request)
    orgs = selectors.organization_list(request.user, q=filters["q"], kind=filters["kind"])
    return render_listing(
        request,
        ORGANIZATIONS,
        staff_counted(orgs),
        filters=filters,
        context={"can_create": request.user.role in CREATE},
    )


@role_required(VIEW)
def organization_detail(request, pk: int):
    org = access_organization(request.user, pk)
    staff = staff_of(request.user, org)
    return render(
        request,
        "organizations/organization.html",
        {
            "org": org,
            "page": Paginator(staff, PAGE).get_page(request.GET.get("page")),
            "can_edit": selectors.can_manage_organization(request.user, org),
            "branches": org.branches.order_by("name"),
        },
    )


def _org_form(request, org=None) -> OrganizationForm:
    units = picker_units(units_for(request.user), "org")
    initial = {"active": True}
    if org is not None:
        # An organisation keeps its place even if it lies outside the editor's scope.
        units = units | AdminUnit.objects.filter(pk=org.unit_id)
        initial = {
            "name": org.name,
            "short_name": org.short_name,
            "kind": org.kind,
            "unit": org.unit.code,
            "parent": org.parent,
            "phone": org.phone,
            "email": org.email,
            "active": org.active,
        }
    return OrganizationForm(
        request.POST or None,
        units=units,
        initial=initial,
        parents=selectors.organizations_for(request.user),
    )


def _fields(cd: dict) -> dict:
    names = ("name", "kind", "unit", "short_name", "phone", "email", "parent")
    return {name: cd[name] for name in names}


@role_required(CREATE)
def organization_new(request):
    form = _org_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_create(actor=request.user, **_fields(form.cleaned_data))
            messages.success(request, _("Đã thêm %(n)s.") % {"n": org.name})
            return redirect("organizations:detail", org.pk)
        except ValidationError as exc:
            form_error(form, exc)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "title": _("Thêm cơ quan, đơn vị"),
            "back": reverse("organizations:list"),
        },
    )


@role_required(EDIT)
def organization_edit(request, pk: int):
    org = access_organization(request.user, pk)
    if not selectors.can_manage_organization(request.user, org):
        raise PermissionDenied
    form = _org_form(request, org)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.organization_update(
                actor=request.user, organization=org, active=cd["active"], **_fields(cd)
            )
            messages.success(request, _("Đã lưu."))
            return redirect("organizations:detail", org.pk)
        except ValidationError as exc:
            form_error(form, exc)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "title": org.name,
            "back": reverse("organizations:detail", args=[org.pk]),
        },
    )
