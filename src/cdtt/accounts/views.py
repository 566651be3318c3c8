"""Login, logout and user management pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cdtt.accounts.access import access_user, users_for
from cdtt.accounts.forms import UserForm
from cdtt.accounts.services import user_create, user_set_active, user_update
from cdtt.core import roles
from cdtt.core.access import public, role_required
from cdtt.core.roles import Role
from cdtt.geo.access import access_unit
from cdtt.lib.xlsx import xlsx_response

login_view = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html", redirect_authenticated_user=True
    )
)
logout_view = public(auth_views.LogoutView.as_view())


def _filtered_users(request):
    users = users_for(request.user).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if request.GET.get("role"):
        users = users.filter(role=request.GET["role"])
    if request.GET.get("active") in ("1", "0"):
        users = users.filter(is_active=request.GET["active"] == "1")
    return users


@role_required(roles.MANAGE_USERS)
def user_list(request):
    users = _filtered_users(request)
    if request.GET.get("format") == "xlsx":
        rows = [
            [
                u.username,
                u.full_name,
                u.get_role_display(),
                u.scope_unit.code if u.scope_unit else "",
                u.scope_unit.full_name if u.scope_unit else "",
                _("Hoạt động") if u.is_active else _("Đã khóa"),
            ]
            for u in users
        ]
        headers = [
            _("Tên đăng nhập"),
            _("Họ và tên"),
            _("Vai trò"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Trạng thái"),
        ]
        return xlsx_response("nguoi-dung.xlsx", _("Người dùng"), headers, rows)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/users.html", {"page": page, "roles": Role.choices})


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
        )
        if data["password"]:
            saved.set_password(data["password"])
            saved.save(update_fields=["password"])
        return saved
    except ValidationError as exc:
        for msg in exc.messages:
            form.add_error(None, msg)
        return None


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
