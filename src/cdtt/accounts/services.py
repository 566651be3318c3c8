"""Creating and changing users (the role must fit the level of the scope unit); API tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from cdtt.accounts.models import ApiToken, User
from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.access import in_scope
from cdtt.core.errors import Refused
from cdtt.core.roles import Role
from cdtt.geo.models import AdminUnit, Level

ROLE_LEVELS = {
    Role.PROVINCE_ADMIN: {Level.PROVINCE},
    Role.PROVINCE_LEADER: {Level.PROVINCE},
    Role.AGENCY_OFFICER: {Level.PROVINCE, Level.DISTRICT, Level.COMMUNE},
    Role.DISTRICT_OFFICER: {Level.DISTRICT},
    Role.COMMUNE_OFFICER: {Level.COMMUNE},
    Role.TEAM_LEADER: {Level.COMMUNE, Level.VILLAGE},
    Role.TEAM_MEMBER: {Level.COMMUNE, Level.VILLAGE},
    Role.TEACHER: {Level.DISTRICT, Level.COMMUNE},
}


def _check_scope(*, actor: User | None, role: str, scope_unit: AdminUnit) -> None:
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ: %(role)s") % {"role": role})
    if scope_unit.level not in ROLE_LEVELS[role]:
        raise ValidationError(
            _("Vai trò %(role)s không dùng cho đơn vị cấp %(level)s.")
            % {"role": Role(role).label, "level": scope_unit.get_level_display()}
        )
    if actor is not None and not in_scope(actor, scope_unit):
        raise ValidationError(_("Đơn vị nằm ngoài phạm vi quản lý của bạn."))


# One plain sentence per rule of settings.AUTH_PASSWORD_VALIDATORS, keyed by the error code
# Django's validators raise; a rule without a sentence here keeps Django's own message.
PASSWORD_RULES = {
    "password_too_short": _lazy("Mật khẩu quá ngắn: cần ít nhất %(min_length)d ký tự."),
    "password_too_common": _lazy("Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác."),
    "password_entirely_numeric": _lazy("Mật khẩu không được chỉ gồm chữ số."),
    "password_too_similar": _lazy(
        "Mật khẩu quá giống thông tin của người dùng (%(verbose_name)s)."
    ),
}


def password_check(password: str, user: User) -> None:
    """Run the configured password validators; one Vietnamese message per rule broken."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages = []
        for error in exc.error_list:
            rule = PASSWORD_RULES.get(error.code)
            messages.append(str(rule) % (error.params or {}) if rule else error.message)
        raise ValidationError({"password": messages}) from None


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    scope_unit: AdminUnit,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    organization: Any = None,  # a cdtt.organizations Organization (a floor above)
) -> User:
    _check_scope(actor=actor, role=role, scope_unit=scope_unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Tên đăng nhập %(u)s đã tồn tại.") % {"u": username})
    user = User(
        username=username,
        role=role,
        scope_unit=scope_unit,
        full_name=full_name,
        email=email,
        phone=phone,
        organization=organization,
    )
    password_check(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        unit=scope_unit,
        summary=_("Tạo người dùng %(u)s (%(r)s)") % {"u": username, "r": user.get_role_display()},
        changes={"role": role, "scope_unit": scope_unit.code},
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role: str,
    scope_unit: AdminUnit,
    full_name: str,
    email: str = "",
    phone: str = "",
    organization: Any = None,  # a cdtt.organizations Organization (a floor above)
    password: str = "",
) -> User:
    """Change a user's role, scope and contact; a non-empty ``password`` is set too, in the same
    transaction (see ``user_password_set``)."""
    _check_scope(actor=actor, role=role, scope_unit=scope_unit)
    before = {"role": user.role, "scope_unit": user.scope_unit.code if user.scope_unit else None}
    user.role, user.scope_unit, user.full_name = role, scope_unit, full_name
    user.email, user.phone, user.organization = email, phone, organization
    user.save()
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        unit=scope_unit,
        summary=_("Cập nhật người dùng %(u)s") % {"u": user.username},
        changes={"before": before, "after": {"role": role, "scope_unit": scope_unit.code}},
    )
    if password:
        user_password_set(actor=actor, user=user, password=password)
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == actor.pk and not active:
        raise ValidationError(_("Bạn không thể tự khóa tài khoản của mình."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    user.api_tokens.all().delete()
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        unit=user.scope_unit,
        summary=(_("Mở khóa %(u)s") if active else _("Khóa %(u)s")) % {"u": user.username},
    )
    return user


def _may_manage_user(actor: User, user: User) -> bool:
    if actor.pk == user.pk:
        return True
    return (
        actor.role in roles.MANAGE_USERS
        and user.scope_unit is not None
        and in_scope(actor, user.scope_unit)
    )


@transaction.atomic
def user_password_set(*, actor: User | None, user: User, password: str) -> User:
    """Set a user's password (checked by the password rules) and end what the old one opened.

    The user's API tokens are revoked. Their browser sessions end by themselves: a session keeps
    a hash of the password it was opened with, and Django drops it once that no longer matches
    (a view changing the actor's own password keeps the actor's session with
    ``update_session_auth_hash``). The audit entry records the change, never the password.
    """
    if actor is not None and not _may_manage_user(actor, user):
        raise PermissionDenied(_("Bạn không có quyền đổi mật khẩu của người dùng này."))
    password_check(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked, _by_model = user.api_tokens.all().delete()
    audit_record(
        actor=actor,
        action="user.password",
        obj=user,
        unit=user.scope_unit,
        summary=_("Đổi mật khẩu của %(u)s") % {"u": user.username},
        changes={"api_tokens_revoked": revoked},
    )
    return user


# --- API tokens ---------------------------------------------------------------------------------


def token_hash(key: str) -> str:
    """What is stored of a bearer token: its SHA-256 (the key itself is shown once)."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(
    *, user: User, days: int | None = None, via: str = "password"
) -> tuple[str, ApiToken]:
    """Issue a bearer token to ``user`` (already authenticated by the caller); returns the key,
    which is stored only as its hash, and the token. Valid ``days`` days (default: the
    ``API_TOKEN_DAYS`` setting). ``via``: how the caller authenticated the user (``password``,
    or ``session`` for the site's signed-in user), kept in the audit entry."""
    if not user.is_active:
        raise Refused(_("Tài khoản đã bị khóa."))
    key = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS if days is None else days)
    token = ApiToken.objects.create(user=user, key_hash=token_hash(key), expires_at=expires)
    audit_record(
        actor=user,
        action="api_token.issue",
        obj=token,
        unit=user.scope_unit,
        summary=_("Cấp mã truy cập API cho %(u)s") % {"u": user.username},
        changes={"expires_at": expires.isoformat(), "via": via},
    )
    return key, token


# --- two-factor login (TOTP, django-otp) -----------------------------------------------------

TWO_FACTOR_ROLES = {Role.PROVINCE_ADMIN}


def two_factor_device(user: User, *, confirmed: bool = True):
    """The user's TOTP device (confirmed, or the one waiting for its first code), or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def two_factor_verify(device, code: str) -> None:
    """Accept ``code`` if it is the device's current code, not used before; otherwise raise a
    ``ValidationError`` that says why. After a wrong code the device waits a moment (twice as
    long after each further one) before it checks another."""
    if device is None:
        raise ValidationError(_("Mã xác thực không đúng hoặc đã được dùng."))
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(_("Bạn vừa nhập sai mã. Vui lòng đợi vài giây rồi nhập lại."))
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6 and device.verify_token(code)):
        raise ValidationError(_("Mã xác thực không đúng hoặc đã được dùng."))


def two_factor_failed(request, user: User) -> None:
    """A wrong code counts as a failed login for the throttling (django-axes)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )


@transaction.atomic
def two_factor_start(*, user: User):
    """The device waiting for a province admin's first code: made once, kept until confirmed
    (so the QR code does not change each time the page is opened)."""
    if user.role not in TWO_FACTOR_ROLES:
        raise PermissionDenied
    device = two_factor_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    return device


def two_factor_enable(*, user: User, code: str):
    """Turn on two-factor login: the code from the authenticator app confirms the device."""
    if user.role not in TWO_FACTOR_ROLES:
        raise PermissionDenied
    if two_factor_device(user) is not None:
        raise ValidationError(_("Đăng nhập hai lớp đã được bật."))
    device = two_factor_device(user, confirmed=False)
    two_factor_verify(device, code)
    # The code's check is kept (a wrong one counts towards the device's slowing down); the
    # change and its audit entry are one transaction.
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _two_factor_audit(user, on=True)
    return device


def _two_factor_audit(user: User, *, on: bool) -> None:
    audit_record(
        actor=user,
        action="user.two_factor_on" if on else "user.two_factor_off",
        obj=user,
        unit=user.scope_unit,
        summary=(
            _("Bật đăng nhập hai lớp cho %(u)s") if on else _("Tắt đăng nhập hai lớp cho %(u)s")
        )
        % {"u": user.username},
    )


def two_factor_disable(*, user: User, code: str) -> None:
    """Turn off two-factor login: asks a current code, then removes every TOTP device."""
    device = two_factor_device(user)
    if device is None:
        raise ValidationError(_("Đăng nhập hai lớp chưa được bật."))
    two_factor_verify(device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        _two_factor_audit(user, on=False)
