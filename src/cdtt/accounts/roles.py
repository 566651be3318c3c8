"""What each role may do. One place, so that every view and endpoint asks the same question."""

from cdtt.accounts.models import Role

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
