"""Two-factor login (TOTP): the second step of the login, and the province admin's page that
turns it on and off. Codes are checked by django-otp's TOTP device."""

import base64
import time

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from cdtt.accounts.forms import CodeForm
from cdtt.accounts.models import User
from cdtt.accounts.services import (
    TWO_FACTOR_ROLES,
    two_factor_device,
    two_factor_disable,
    two_factor_enable,
    two_factor_failed,
    two_factor_start,
    two_factor_verify,
)
from cdtt.core.access import public, role_required
from cdtt.core.errors import form_error

PENDING = "cdtt_two_factor_pending"
PENDING_SECONDS = 300  # the password step is good for five minutes


class LoginView(auth_views.LoginView):
    """The password step; a user with a confirmed TOTP device is sent on to the code step
    before the session is signed in."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("accounts:login_code")


def _pending_user(request) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@public
def login_code(request):
    """The second step: the code of the authenticator app, after the password."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        return render(request, "accounts/login_code.html", {"expired": True})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, {"username": user.username}):
            request.session.pop(PENDING, None)
            return render(request, "accounts/locked.html", status=429)
        device = two_factor_device(user)
        try:
            two_factor_verify(device, form.cleaned_data["code"])
        except ValidationError as exc:
            two_factor_failed(request, user)
            form_error(form, exc)
        else:
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
    return render(request, "accounts/login_code.html", {"form": form})


def _secret_text(device) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@role_required(TWO_FACTOR_ROLES)
def two_factor(request):
    """Turn two-factor login on (scan the QR code, confirm with a code) or off (with a code)."""
    user = request.user
    on = two_factor_device(user) is not None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if on:
                two_factor_disable(user=user, code=code)
                messages.success(request, _("Đã tắt đăng nhập hai lớp."))
            else:
                two_factor_enable(user=user, code=code)
                messages.success(request, _("Đã bật đăng nhập hai lớp."))
            return redirect("accounts:two_factor")
        except ValidationError as exc:
            form_error(form, exc)
    context = {"form": form, "on": on}
    if not on:
        device = two_factor_start(user=user)
        qr = segno.make(device.config_url, error="m")
        context["qr"] = mark_safe(qr.svg_inline(scale=4, title=_("Mã QR đăng nhập hai lớp")))  # noqa: S308
        context["secret"] = _secret_text(device)
    return render(request, "accounts/two_factor.html", context)
