"""What every page's header shows: the sections of the menu by role, the unread notifications."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cdtt.accounts import roles
from cdtt.core.notifications import unread_count

# (url name, label, roles allowed or None for any logged-in user)
SECTIONS = [
    ("core:home", _("Trang chủ"), None),
    ("registry:dashboard", _("Phổ cập kỹ năng số"), roles.OFFICERS),
    ("registry:households", _("Hộ gia đình"), roles.OFFICERS),
    ("teams:list", _("Tổ CNSCĐ"), roles.OFFICERS | roles.FIELD),
    ("campaigns:list", _("Chiến dịch"), roles.OFFICERS),
    ("campaigns:field", _("Ứng dụng thực địa"), roles.FIELD | {"commune_officer"}),
    ("geo:browse", pgettext_lazy("menu", "Địa bàn"), roles.OFFICERS),
    ("skills:catalog", _("Kỹ năng số"), roles.OFFICERS),
    ("accounts:users", _("Người dùng"), roles.MANAGE_USERS),
    ("audit:log", _("Nhật ký"), roles.MANAGE_USERS | {"district_officer", "commune_officer"}),
    ("core:jobs", _("Việc đang chạy"), roles.OFFICERS),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav": []}
    items = []
    for name, label, allowed in SECTIONS:
        if allowed is not None and user.role not in allowed:
            continue
        try:
            items.append({"url": reverse(name), "label": label, "name": name})
        except NoReverseMatch:
            continue  # a section whose app is not wired yet
    return {"nav": items}


def notifications(request):
    """The header's count of unread notifications, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
