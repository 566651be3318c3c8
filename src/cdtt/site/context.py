"""Navigation by role: which sections a user sees in the menu."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cdtt.core import roles

# (url name, label, roles allowed or None for any logged-in user)
SECTIONS = [
    ("site:home", _("Trang chủ"), None),
    ("registry:dashboard", _("Phổ cập kỹ năng số"), roles.OFFICERS),
    ("registry:households", _("Hộ gia đình"), roles.OFFICERS),
    ("teams:list", _("Tổ CNSCĐ"), roles.OFFICERS | roles.FIELD),
    ("schools:list", _("Trường học"), roles.OFFICERS | {"teacher"}),
    ("campaigns:list", _("Chiến dịch"), roles.OFFICERS),
    ("directives:leaders", _("Màn hình lãnh đạo"), {"province_leader"}),
    ("directives:tasks", _("Nhiệm vụ"), roles.OFFICERS),
    ("campaigns:field", _("Ứng dụng thực địa"), roles.FIELD | {"commune_officer"}),
    ("training:list", _("Tập huấn"), roles.OFFICERS),
    ("training:my", _("Khóa tập huấn của tôi"), roles.FIELD),
    ("geo:browse", pgettext_lazy("menu", "Địa bàn"), roles.OFFICERS),
    ("skills:catalog", _("Kỹ năng số"), roles.OFFICERS),
    ("accounts:users", _("Người dùng"), roles.MANAGE_USERS),
    ("site:audit_log", _("Nhật ký"), roles.MANAGE_USERS | {"district_officer", "commune_officer"}),
    ("core:imports", _("Nhập tệp"), roles.REGISTRY_WRITE | roles.MANAGE_UNITS | {"teacher"}),
    ("reports:list", _("Báo cáo"), roles.OFFICERS),
    ("honours:rounds", _("Khen thưởng"), roles.OFFICERS),
    ("media:posts", _("Tin bài truyền thông"), roles.OFFICERS),
    ("documents:letterheads", _("Mẫu phần đầu văn bản"), roles.OFFICERS),
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
