"""Login, logout and user management pages."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cdtt.accounts.access import access_user, users_for
from cdtt.accounts.forms import UserForm
from cdtt.accounts.services import user_create, user_set_active, user_update
from cdtt.accounts.two_factor import LoginView
from cdtt.core import roles
from cdtt.core.access import public, role_required
from cdtt.core.errors import form_error
from cdtt.core.listing import Column, Filter, Listing, render_listing
from cdtt.core.roles import Role
from cdtt.geo.access import access_unit

login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view())


def _user_cell(u):
    return format_html(
        '<a href="{}">{}</a>', reverse("accounts:user_edit", args=[u.pk]), u.username
    )


def _unit_cell(u):
    if u.scope_unit is None:
        return ""
    return format_html(
        '{} <span class="muted">{}</span>', u.scope_unit.full_name, u.scope_unit.code
    )


def _state(u) -> str:
    return _("Hoạt động") if u.is_active else _("Đã khóa")


def _state_cell(u):
    return format_html('<span class="badge {}">{}</span>', "ok" if u.is_active else "no", _state(u))


USERS = Listing(
    name="accounts.users",
    title=_lazy("Người dùng"),
    columns=(
        Column(_lazy("Tên đăng nhập"), "username", cell=_user_cell),
        Column(_lazy("Họ và tên"), "full_name", personal=True),
        Column(_lazy("Vai trò"), "get_role_display"),
        Column(_lazy("Mã đơn vị"), "scope_unit.code", page=False),
        Column(_lazy("Đơn vị"), "scope_unit.full_name", cell=_unit_cell),
        Column(_lazy("Trạng thái"), _state, cell=_state_cell),
        Column("", "pk", template="accounts/_lock.html", export=False),
    ),
    template="accounts/users.html",
    filename="nguoi-dung.xlsx",
    filters=(
        Filter("q", _lazy("Tìm theo tên")),
        Filter("role", _lazy("Vai trò"), choices=Role.choices, all_label=_lazy("Mọi vai trò")),
        Filter(
            "active",
            _lazy("Trạng thái"),
            choices=[("1", _lazy("Hoạt động")), ("0", _lazy("Đã khóa"))],
            all_label=_lazy("Mọi trạng thái"),
        ),
    ),
    ordering=("username",),
    empty=_lazy("Chưa có người dùng nào trong phạm vi của bạn. Bấm “Thêm người dùng” để tạo."),
    empty_filtered=_lazy("Không có người dùng nào khớp bộ lọc."),
)


@role_required(roles.MANAGE_USERS)
def user_list(request):
    filters = USERS.values(request)
    users = users_for(request.user).select_related("scope_unit")
    if filters["q"]:
        users = users.filter(
            Q(username__icontains=filters["q"]) | Q(full_name__icontains=filters["q"])
        )
    if filters["role"]:
        users = users.filter(role=filters["role"])
    if filters["active"]:
        users = users.filter(is_active=filters["active"] == "1")
    return render_listing(request, USERS, users, filters=filters)


def _save_user(request, form, user=None):
    data = form.cleaned_data
    try:
        unit = access_unit(request.user, data["scope_unit"].strip())
    except Http404:
        form.add_error("scope_unit", _("Không tìm thấy đơn vị trong phạm vi của bạn."))
        return None
    try:
        if user is None:
            return user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                scope_unit=unit,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
            )
        saved = user_update(
            actor=request.user,
            user=user,
            role=data["role"],
            scope_unit=unit,
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            password=data["password"],
        )
    except ValidationError as exc:
        form_error(form, exc)
        return None
    if data["password"] and saved.pk == request.user.pk:
        # A new password ends every session opened with the old one, except this one.
        update_session_auth_hash(request, saved)
    return saved


@role_required(roles.MANAGE_USERS)
def user_new(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["password"]:
            form.add_error("password", _("Cần đặt mật khẩu cho người dùng mới."))
        elif _save_user(request, form):
            messages.success(request, _("Đã tạo người dùng."))
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": _("Thêm người dùng")})


@role_required(roles.MANAGE_USERS)
def user_edit(request, pk: int):
    user = access_user(request.user, pk)
    initial = {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "scope_unit": user.scope_unit.code if user.scope_unit else "",
        "email": user.email,
        "phone": user.phone,
    }
    form = UserForm(request.POST or None, initial=initial)
    form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid() and _save_user(request, form, user):
        messages.success(request, _("Đã lưu."))
        return redirect("accounts:users")
    return render(
        request, "accounts/user_form.html", {"form": form, "title": user.username, "edited": user}
    )


@require_POST
@role_required(roles.MANAGE_USERS)
def user_deactivate(request, pk: int):
    user = access_user(request.user, pk)
    try:
        user_set_active(actor=request.user, user=user, active=not user.is_active)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("accounts:users")
