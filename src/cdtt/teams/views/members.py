"""Member pages: adding and changing members of a team, the members list, one person, the
user's own profile."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from cdtt.audit import personal as personal_log
from cdtt.core import roles
from cdtt.core.access import login_required, role_required
from cdtt.core.errors import error_text, form_error
from cdtt.core.evidence import Subject, evidence_of
from cdtt.core.listing import (
    DATE,
    INTEGER,
    Column,
    Filter,
    Listing,
    cells,
    phone_column,
    render_listing,
)
from cdtt.organizations import selectors as org_selectors
from cdtt.organizations.models import OrganizationKind
from cdtt.teams import forms, selectors, services
from cdtt.teams.models import MemberRole
from cdtt.teams.views.common import (
    MANAGE,
    PAGE,
    VIEW,
    date_text,
    managed_membership,
    managed_team,
    person_fields,
    unit_param,
)


@require_POST
@role_required(MANAGE)
def member_add(request, pk: int):
    team = managed_team(request, pk)
    form = forms.MemberAddForm(
        request.POST, organizations=org_selectors.organizations_for(request.user)
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Thông tin thành viên chưa hợp lệ: %(e)s")
            % {"e": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
        return redirect("teams:detail", team.pk)
    cd = form.cleaned_data
    person = selectors.access_person(request.user, cd["existing"]) if cd["existing"] else None
    try:
        membership = services.member_add_with_person(
            actor=request.user,
            team=team,
            person=person,
            new_person=None if person else person_fields(cd),
            role=cd["role"],
            core_force=cd["core_force"],
            skills=cd["skills"],
            joined_on=cd["joined_on"],
        )
        messages.success(request, _("Đã thêm %(n)s vào tổ.") % {"n": membership.person.full_name})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("teams:detail", team.pk)


@role_required(MANAGE)
def member_edit(request, pk: int):
    m = managed_membership(request, pk)
    form = forms.MemberEditForm(
        request.POST or None,
        initial={
            "role": m.role,
            "core_force": m.core_force,
            "skills": m.skills,
            "joined_on": m.joined_on,
        },
    )
    if m.role == MemberRole.LEADER:
        form.fields["role"].choices = [(MemberRole.LEADER, MemberRole.LEADER.label)]
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.member_update(
                actor=request.user,
                membership=m,
                role=None if m.role == MemberRole.LEADER else cd["role"],
                core_force=cd["core_force"],
                skills=cd["skills"],
                joined_on=cd["joined_on"],
            )
            messages.success(request, _("Đã lưu."))
            return redirect("teams:detail", m.team_id)
        except ValidationError as exc:
            form_error(form, exc)
    return render(
        request,
        "teams/form.html",
        {
            "form": form,
            "title": _("%(n)s trong %(t)s") % {"n": m.person.full_name, "t": m.team.name},
            "back": reverse("teams:detail", args=[m.team_id]),
        },
    )


@require_POST
@role_required(MANAGE)
def member_remove(request, pk: int):
    m = managed_membership(request, pk)
    try:
        services.member_remove(actor=request.user, membership=m)
        messages.success(
            request, _("%(n)s đã rời tổ (vẫn giữ lịch sử).") % {"n": m.person.full_name}
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("teams:detail", m.team_id)


@require_POST
@role_required(MANAGE)
def leader_appoint(request, pk: int):
    m = managed_membership(request, pk)
    try:
        services.leader_appoint(actor=request.user, team=m.team, membership=m)
        messages.success(request, _("%(n)s là tổ trưởng.") % {"n": m.person.full_name})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("teams:detail", m.team_id)


@require_POST
@role_required(MANAGE)
def member_invite(request, pk: int):
    m = managed_membership(request, pk)
    try:
        user, password = services.member_invite(actor=request.user, membership=m)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("teams:detail", m.team_id)
    return render(
        request, "teams/invited.html", {"membership": m, "new_user": user, "password": password}
    )


# --- members -------------------------------------------------------------------------------


def _member_cell(m):
    link = format_html(
        '<a href="{}">{}</a>', reverse("teams:person", args=[m.person.pk]), m.person.full_name
    )
    core = format_html(' <span class="badge ok">{}</span>', _("nòng cốt")) if m.core_force else ""
    return cells(link, core)


def _team_link(m):
    return format_html(
        '<a href="{}">{}</a>', reverse("teams:detail", args=[m.team.pk]), m.team.name
    )


def _joined_cell(m):
    return date_text(m.joined_on) + (f" → {date_text(m.left_on)}" if m.left_on else "")


def _organizations(request):
    return [(o.pk, o.name) for o in org_selectors.organizations_for(request.user).order_by("name")]


MEMBER_STATUSES = [
    ("active", _lazy("Đang tham gia")),
    ("left", _lazy("Đã rời tổ")),
    ("all", _lazy("Tất cả")),
]
ORGANIZATION = pgettext_lazy("organization of a member", "Cơ quan, đơn vị")

MEMBERS = Listing(
    name="teams.members",
    title=pgettext_lazy("team members", "Thành viên"),
    columns=(
        Column(_lazy("Mã xã"), "team.commune.code", page=False),
        Column(_lazy("Tổ"), "team.name", page=False),
        Column(_lazy("Họ và tên"), "person.full_name", personal=True, cell=_member_cell),
        Column(_lazy("Tổ"), "team.name", cell=_team_link, export=False),
        Column(_lazy("Giới tính"), "person.get_gender_display", personal=True, page=False),
        Column(_lazy("Năm sinh"), "person.birth_year", INTEGER, personal=True, page=False),
        # In clear on the page and in the workbook for the roles that call people, else masked.
        phone_column(_lazy("Số điện thoại"), "person.phone"),
        Column(_lazy("Email"), "person.email", personal=True, page=False),
        Column(_lazy("Vai trò trong tổ"), "get_role_display"),
        Column(_lazy("Lực lượng nòng cốt"), lambda m: _("Có") if m.core_force else "", page=False),
        Column(ORGANIZATION, lambda m: str(m.person.organization or "")),
        Column(_lazy("Chức vụ"), "person.position", page=False),
        Column(_lazy("Kỹ năng hướng dẫn"), lambda m: ", ".join(m.skills), page=False),
        Column(_lazy("Ngày tham gia"), "joined_on", DATE, cell=_joined_cell),
        Column(_lazy("Ngày rời tổ"), "left_on", DATE, page=False),
    ),
    template="teams/members.html",
    results_template="teams/_members_results.html",
    filename="thanh-vien-to-cnscd.xlsx",
    filters=(
        Filter("q", _lazy("Tìm thành viên"), placeholder=_lazy("Họ tên hoặc số điện thoại")),
        Filter("unit", _lazy("Mã đơn vị")),
        Filter(
            "role", _lazy("Vai trò"), choices=MemberRole.choices, all_label=_lazy("Mọi vai trò")
        ),
        Filter(
            "kind",
            _lazy("Loại cơ quan"),
            choices=OrganizationKind.choices,
            all_label=_lazy("Mọi nguồn"),
        ),
        Filter(
            "organization",
            ORGANIZATION,
            choices=_organizations,
            all_label=_lazy("Mọi cơ quan, đơn vị"),
        ),
        Filter("core", _lazy("Nòng cốt"), check=True),
        Filter("status", _lazy("Tình trạng"), choices=MEMBER_STATUSES, default="active"),
    ),
    page_size=PAGE,
    empty=_lazy("Chưa có thành viên nào. Thành viên được thêm ở trang của từng tổ."),
    empty_filtered=_lazy(
        "Không có thành viên nào khớp với bộ lọc. Thành viên được thêm ở trang của từng tổ."
    ),
    audit_action="members.export",
)


@role_required(VIEW)
def member_list(request):
    filters = MEMBERS.values(request)
    unit = unit_param(request)
    members = selectors.member_list(
        request.user,
        q=filters["q"],
        unit=unit,
        role=filters["role"],
        kind=filters["kind"],
        organization=int(filters["organization"]) if filters["organization"] else None,
        core=filters["core"],
        status=filters["status"],
    ).select_related("team__commune")
    return render_listing(
        request, MEMBERS, members, filters=filters, unit=unit, context={"unit": unit}
    )


@role_required(VIEW - roles.FIGURES_ONLY)
def person_detail(request, pk: int):
    person = selectors.access_person(request.user, pk)
    can_edit = selectors.can_manage_person(request.user, person)
    form = None
    if can_edit:
        form = forms.PersonForm(
            request.POST or None,
            organizations=org_selectors.organizations_for(request.user),
            initial={
                "full_name": person.full_name,
                "gender": person.gender,
                "birth_year": person.birth_year,
                "phone": person.phone,
                "email": person.email,
                "organization": person.organization,
                "position": person.position,
            },
        )
        if request.method == "POST" and form.is_valid():
            cd = form.cleaned_data
            try:
                services.person_update(actor=request.user, person=person, **cd)
                messages.success(request, _("Đã lưu."))
                return redirect("teams:person", person.pk)
            except ValidationError as exc:
                form_error(form, exc)
    elif request.method == "POST":
        raise PermissionDenied
    memberships = selectors.members_for(request.user).filter(person=person).order_by("-joined_on")
    latest = memberships.select_related("team__commune").first()
    personal_log.personal_record(
        actor=request.user,
        action=personal_log.VIEW,
        obj=person,
        summary=_("Xem hồ sơ thành viên #%(id)s") % {"id": person.pk},
        unit=latest.team.commune if latest else None,
    )
    record = evidence_of(Subject("person", person.pk))
    return render(
        request,
        "teams/person.html",
        {"person": person, "memberships": memberships, "form": form, "record": record},
    )


@login_required
def profile(request):
    person = selectors.person_of(request.user)
    form = forms.ProfileForm(
        request.POST or None,
        initial={"phone": person.phone if person else "", "email": person.email if person else ""},
    )
    if request.method == "POST" and person is not None and form.is_valid():
        try:
            services.profile_update(
                actor=request.user,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
            )
            messages.success(request, _("Đã cập nhật thông tin liên hệ."))
            return redirect("teams:profile")
        except ValidationError as exc:
            form_error(form, exc)
    memberships = (
        person.memberships.select_related("team", "team__unit").order_by("-joined_on")
        if person
        else []
    )
    return render(
        request, "teams/profile.html", {"person": person, "form": form, "memberships": memberships}
    )
