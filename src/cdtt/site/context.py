"""Navigation by role: which sections a user sees in the menu."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cdtt.core import roles

# (url name, label, roles allowed or None for any logged-in user)
SECTIONS = [
    ("site:home", _("Trang chủ"), None),
    ("registry:dashboard", _("Phổ cập kỹ năng số"), roles.OFFICERS),
    ("registry:households", _("Hộ gia đình"), roles.OFFICERS - roles.FIGURES_ONLY),
    ("teams:list", _("Tổ CNSCĐ"), roles.OFFICERS | roles.FIELD),
    ("schools:list", _("Trường học"), roles.OFFICERS | {"teacher"}),
    ("campaigns:list", _("Chiến dịch"), roles.OFFICERS),
    ("directives:leaders", _("Màn hình lãnh đạo"), {"province_leader"}),
    ("directives:tasks", _("Nhiệm vụ"), roles.OFFICERS),
    ("campaigns:field", _("Ứng dụng thực địa"), roles.FIELD | {"commune_officer"}),
    ("training:list", _("Tập huấn"), roles.OFFICERS),
    ("training:my", _("Khóa tập huấn của tôi"), roles.FIELD),
    ("practices:list", _("Mô hình chuyển đổi số"), roles.OFFICERS | {"team_leader"}),
    ("movements:list", _("Phong trào thi đua"), roles.OFFICERS | roles.FIELD),
    ("offers:list", _("Ưu đãi doanh nghiệp"), roles.OFFICERS),
    ("offers:mine", _("Ưu đãi cho thành viên"), roles.FIELD),
    ("geo:browse", pgettext_lazy("menu", "Địa bàn"), roles.OFFICERS),
    ("skills:catalog", _("Kỹ năng số"), roles.OFFICERS),
    ("accounts:users", _("Người dùng"), roles.MANAGE_USERS),
    ("site:audit_log", _("Nhật ký"), roles.MANAGE_USERS | {"district_officer", "commune_officer"}),
    ("privacy:access_log", _("Nhật ký truy cập dữ liệu"), roles.MANAGE_USERS),
    ("core:imports", _("Nhập tệp"), roles.REGISTRY_WRITE | roles.MANAGE_UNITS | {"teacher"}),
    ("reports:list", _("Báo cáo"), roles.OFFICERS),
    ("honours:rounds", _("Khen thưởng"), roles.OFFICERS),
    ("media:posts", _("Tin bài truyền thông"), roles.OFFICERS),
    ("documents:letterheads", _("Mẫu phần đầu văn bản"), roles.OFFICERS),
    ("core:jobs", _("Việc đang chạy"), roles.OFFICERS),
]


# The menu's groups, each under a heading, so that some twenty entries read as five short lists
# on a phone and as columns on a desktop. An entry of SECTIONS named in no group is shown under
# "Khác", so a section added later is never lost from the menu.
GROUPS = [
    (_("Tổng quan"), ["site:home", "directives:leaders", "reports:list"]),
    (
        _("Phổ cập kỹ năng số"),
        [
            "registry:dashboard",
            "registry:households",
            "campaigns:list",
            "campaigns:field",
            "skills:catalog",
        ],
    ),
    (_("Tổ CNSCĐ và tập huấn"), ["teams:list", "training:list", "training:my", "schools:list"]),
    (_("Chỉ đạo, điều hành"), ["directives:tasks", "documents:letterheads"]),
    (
        _("Phong trào, mô hình, khen thưởng"),
        [
            "practices:list",
            "movements:list",
            "offers:list",
            "offers:mine",
            "honours:rounds",
            "media:posts",
        ],
    ),
    (
        _("Quản trị"),
        [
            "geo:browse",
            "accounts:users",
            "site:audit_log",
            "privacy:access_log",
            "core:imports",
            "core:jobs",
        ],
    ),
]
OTHER = _("Khác")


def _grouped(items: list[dict]) -> list[dict]:
    by_name = {item["name"]: item for item in items}
    groups, placed = [], set()
    for heading, names in GROUPS:
        entries = [by_name[n] for n in names if n in by_name]
        placed.update(names)
        if entries:
            groups.append({"heading": heading, "items": entries})
    rest = [item for item in items if item["name"] not in placed]
    if rest:
        groups.append({"heading": OTHER, "items": rest})
    return groups


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav": [], "nav_groups": []}
    items = []
    for name, label, allowed in SECTIONS:
        if allowed is not None and user.role not in allowed:
            continue
        try:
            items.append({"url": reverse(name), "label": label, "name": name})
        except NoReverseMatch:
            continue  # a section whose app is not wired yet
    return {"nav": items, "nav_groups": _grouped(items)}
