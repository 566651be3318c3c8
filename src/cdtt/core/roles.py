"""The roles and what each may do. One place, so that every view and endpoint asks the same question."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cdtt.lib.phone import phone_mask


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Cán bộ Sở (quản trị cấp tỉnh)")
    PROVINCE_LEADER = "province_leader", _("Lãnh đạo tỉnh (chỉ xem)")
    AGENCY_OFFICER = "agency_officer", _("Cán bộ cơ quan, đơn vị")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    TEAM_LEADER = "team_leader", _("Tổ trưởng Tổ CNSCĐ")
    TEAM_MEMBER = "team_member", _("Thành viên Tổ CNSCĐ")
    TEACHER = "teacher", _("Giáo viên")


READ_ONLY = {Role.PROVINCE_LEADER}
MANAGE_USERS = {Role.PROVINCE_ADMIN}
MANAGE_UNITS = {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}
MANAGE_CATALOG = {Role.PROVINCE_ADMIN}
REGISTRY_WRITE = {Role.PROVINCE_ADMIN, Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER}
ASSESS = REGISTRY_WRITE | {Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.TEACHER}
OFFICERS = {
    Role.PROVINCE_ADMIN,
    Role.PROVINCE_LEADER,
    Role.AGENCY_OFFICER,
    Role.DISTRICT_OFFICER,
    Role.COMMUNE_OFFICER,
}
FIELD = {Role.TEAM_LEADER, Role.TEAM_MEMBER}


def has_role(user, roles: set[str]) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


# Personal data (Law 91/2025/QH15: only what each role's work needs). One place for both rules:
# lists, pages, exports and the API ask these two functions.
# Roles whose work needs figures only: no names, birth dates, addresses or phone numbers.
FIGURES_ONLY = {Role.PROVINCE_LEADER}
# Roles that call people (the commune's officers, the team leaders): every other role sees a
# phone number masked ("0912***678").
SEES_PHONES = {Role.DISTRICT_OFFICER, Role.COMMUNE_OFFICER, Role.TEAM_LEADER}


def sees_personal(user) -> bool:
    """Whether the user may see anyone's personal data at all."""
    return bool(user and user.is_authenticated and user.role not in FIGURES_ONLY)


def sees_phones(user) -> bool:
    """Whether the user sees phone numbers in clear."""
    return has_role(user, SEES_PHONES)


def phone_shown(user, number: str) -> str:
    """The phone number as this user may see it: in clear or masked."""
    number = number or ""
    return number if sees_phones(user) else phone_mask(number)
