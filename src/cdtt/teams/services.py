"""Writes to teams, members and organisations: keyword-only, one transaction, one audit entry.

Invariants kept here (and by the database's partial unique constraints):
- a person is at most once an active member of a team;
- an active team has exactly one active leader, and the leader is one of its members;
- history stays: leaving sets ``left_on``, dissolving sets ``dissolved_on``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from typing import TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.accounts.models import User
from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.access import in_scope
from cdtt.core.notifications import notify
from cdtt.core.roles import Role, has_role
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import clean, fold
from cdtt.organizations.models import Organization
from cdtt.organizations.services import clean_email, clean_phone
from cdtt.skills.models import SKILL_CODES
from cdtt.teams.models import Gender, MemberRole, Membership, Person, Team, TeamLevel
from cdtt.teams.selectors import can_manage_person, can_manage_team

MIN_BIRTH_YEAR = 1920


# Apps above teams that log field work by a team (campaigns' visits) register here how to tell
# whether a team has any: a team with field work is dissolved, never deleted.
_visit_checks: list[Callable[[Team], bool]] = []


def visit_check_register(check: Callable[[Team], bool]) -> None:
    _visit_checks.append(check)


def has_visits(team: Team) -> bool:
    """Whether field visits were logged by this team, as told by the apps that log them."""
    return any(check(team) for check in _visit_checks)


# --- checks --------------------------------------------------------------------------------


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _check_team_manager(actor, team: Team) -> None:
    if actor is not None:
        _require(can_manage_team(actor, team))


def _check_founder(actor, commune: AdminUnit) -> None:
    """Officers of the commune or above (within scope) found its teams."""
    if actor is not None:
        _require(has_role(actor, roles.MANAGE_UNITS) and in_scope(actor, commune))


def clean_birth_year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValidationError({"birth_year": _("Năm sinh phải là một số, ví dụ 1990.")}) from None
    this_year = timezone.localdate().year
    if not MIN_BIRTH_YEAR <= year <= this_year - 14:
        raise ValidationError(
            {
                "birth_year": _("Năm sinh %(y)s không hợp lệ (từ %(a)d đến %(b)d).")
                % {"y": year, "a": MIN_BIRTH_YEAR, "b": this_year - 14}
            }
        )
    return year


def clean_skills(codes: Iterable[str]) -> list[str]:
    codes = [c for c in dict.fromkeys(clean(c) for c in codes or []) if c]
    unknown = [c for c in codes if c not in SKILL_CODES]
    if unknown:
        raise ValidationError(
            {"skills": _("Kỹ năng không có trong danh mục: %(c)s") % {"c": ", ".join(unknown)}}
        )
    return codes


def _clean_gender(value: str) -> str:
    value = clean(value)
    if value and value not in Gender.values:
        raise ValidationError({"gender": _("Giới tính không hợp lệ.")})
    return value


def _team_units(unit: AdminUnit) -> tuple[str, AdminUnit]:
    """The level of a team attached to ``unit``, and its commune."""
    if unit.level == Level.COMMUNE:
        return TeamLevel.COMMUNE, unit
    if unit.level == Level.VILLAGE:
        return TeamLevel.VILLAGE, unit.parent
    raise ValidationError(_("Tổ CNSCĐ được thành lập ở cấp xã hoặc cấp thôn."))


def _clean_villages(commune: AdminUnit, unit: AdminUnit, villages) -> list[AdminUnit]:
    villages = list(villages or [])
    if unit.level == Level.VILLAGE and unit not in villages:
        villages.insert(0, unit)
    for v in villages:
        if v.level != Level.VILLAGE:
            raise ValidationError(
                {"villages": _("%(v)s không phải là thôn, bản, tổ dân phố.") % {"v": v.full_name}}
            )
        if v.parent_id != commune.pk:
            raise ValidationError(
                {
                    "villages": _("%(v)s thuộc đơn vị khác, không thuộc %(c)s.")
                    % {"v": v.full_name, "c": commune.full_name}
                }
            )
    return villages


def _today(value: dt.date | None) -> dt.date:
    return value or timezone.localdate()


# --- people --------------------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    actor,
    full_name: str,
    gender: str = "",
    birth_year=None,
    phone: str = "",
    email: str = "",
    organization: Organization | None = None,
    position: str = "",
) -> Person:
    full_name = clean(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Họ và tên không được để trống.")})
    person = Person(
        full_name=full_name,
        name_key=fold(full_name),
        gender=_clean_gender(gender),
        birth_year=clean_birth_year(birth_year),
        phone=clean_phone(phone),
        email=clean_email(email),
        organization=organization,
        position=clean(position),
    )
    person.save()
    audit_record(
        actor=actor,
        action="person.create",
        obj=person,
        unit=organization.unit if organization else None,
        summary=_("Thêm người %(n)s") % {"n": person.full_name},
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    full_name: str,
    gender: str = "",
    birth_year=None,
    phone: str = "",
    email: str = "",
    organization: Organization | None = None,
    position: str = "",
) -> Person:
    if actor is not None:
        _require(can_manage_person(actor, person))
    full_name = clean(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("Họ và tên không được để trống.")})
    before = {"phone": person.phone, "email": person.email, "organization": person.organization_id}
    person.full_name, person.name_key = full_name, fold(full_name)
    person.gender = _clean_gender(gender)
    person.birth_year = clean_birth_year(birth_year)
    person.phone, person.email = clean_phone(phone), clean_email(email)
    person.organization, person.position = organization, clean(position)
    person.save()
    audit_record(
        actor=actor,
        action="person.update",
        obj=person,
        summary=_("Cập nhật thông tin %(n)s") % {"n": person.full_name},
        changes={"before": before},
    )
    return person


@transaction.atomic
def profile_update(*, actor: User, phone: str, email: str) -> Person:
    """A logged-in member updates their own phone and email."""
    person = Person.objects.select_for_update().filter(user=actor).first()
    if person is None:
        raise ValidationError(_("Tài khoản của bạn chưa gắn với thành viên nào."))
    person.phone, person.email = clean_phone(phone), clean_email(email)
    person.save(update_fields=["phone", "email", "updated_at"])
    audit_record(
        actor=actor,
        action="person.self_update",
        obj=person,
        summary=_("%(n)s cập nhật thông tin liên hệ") % {"n": person.full_name},
    )
    return person


class PersonFields(TypedDict, total=False):
    """What ``person_create`` takes about a new person (a form's cleaned data)."""

    full_name: str
    gender: str
    birth_year: int | str | None
    phone: str
    email: str
    organization: Organization | None
    position: str


# --- teams ---------------------------------------------------------------------------------


def _membership(
    *, team: Team, person: Person, role: str, core_force: bool, skills, joined_on: dt.date
) -> Membership:
    if not team.is_active:
        raise ValidationError(_("Tổ đã giải thể, không thể thêm thành viên."))
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Vai trò trong tổ không hợp lệ.")})
    if Membership.objects.filter(team=team, person=person, left_on__isnull=True).exists():
        raise ValidationError(
            _("%(n)s đã là thành viên của %(t)s; không thể thêm lần nữa.")
            % {"n": person.full_name, "t": team.name}
        )
    if (
        role == MemberRole.LEADER
        and Membership.objects.filter(
            team=team, role=MemberRole.LEADER, left_on__isnull=True
        ).exists()
    ):
        raise ValidationError(
            _("Tổ đã có tổ trưởng. Hãy thêm người này làm thành viên rồi chỉ định làm tổ trưởng.")
        )
    return Membership.objects.create(
        team=team,
        person=person,
        role=role,
        core_force=core_force,
        skills=clean_skills(skills),
        joined_on=joined_on,
    )


@transaction.atomic
def team_found(
    *,
    actor,
    unit: AdminUnit,
    leader: Person | None,
    name: str = "",
    villages: Iterable[AdminUnit] | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    contact_phone: str = "",
    publish_contact: bool = False,
    leader_core_force: bool = False,
    leader_skills: Iterable[str] = (),
    founded_on: dt.date | None = None,
) -> Team:
    """Found a team at a commune or a village, with its leader as its first member."""
    level, commune = _team_units(unit)
    _check_founder(actor, commune)
    if leader is None:
        raise ValidationError({"leader": _("Tổ phải có đúng một tổ trưởng; hãy chọn tổ trưởng.")})
    if not unit.is_active:
        raise ValidationError(_("%(u)s đã ngừng hoạt động.") % {"u": unit.full_name})
    name = clean(name) or _("Tổ CNSCĐ %(u)s") % {"u": unit.full_name}
    villages = _clean_villages(commune, unit, villages)
    team = Team(
        name=name,
        name_key=fold(name),
        level=level,
        unit=unit,
        commune=commune,
        district_id=commune.district_id,
        province_id=commune.province_id,
        path=unit.path,
        decision_number=clean(decision_number),
        decision_date=decision_date,
        contact_phone=clean_phone(contact_phone, "contact_phone"),
        publish_contact=publish_contact,
    )
    team.save()
    team.villages.set(villages)
    first = _membership(
        team=team,
        person=leader,
        role=MemberRole.LEADER,
        core_force=leader_core_force,
        skills=leader_skills,
        joined_on=_today(founded_on or decision_date),
    )
    audit_record(
        actor=actor,
        action="team.found",
        obj=team,
        unit=unit,
        summary=_("Thành lập %(t)s, tổ trưởng %(l)s") % {"t": name, "l": leader.full_name},
        changes={"decision": team.decision_number, "villages": [v.code for v in villages]},
    )
    _member_notify(actor=actor, membership=first)
    return team


@transaction.atomic
def team_found_with_leader(
    *,
    actor,
    unit: AdminUnit,
    leader: PersonFields,
    name: str = "",
    villages: Iterable[AdminUnit] | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    contact_phone: str = "",
    publish_contact: bool = False,
) -> Team:
    """Found a team whose leader is a new person: both are saved, or neither."""
    _check_founder(actor, _team_units(unit)[1])
    person = person_create(actor=actor, **leader)
    return team_found(
        actor=actor,
        unit=unit,
        leader=person,
        name=name,
        villages=villages,
        decision_number=decision_number,
        decision_date=decision_date,
        contact_phone=contact_phone,
        publish_contact=publish_contact,
    )


@transaction.atomic
def team_update(
    *,
    actor,
    team: Team,
    name: str,
    villages: Iterable[AdminUnit] | None = None,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    contact_phone: str = "",
    publish_contact: bool = False,
) -> Team:
    _check_team_manager(actor, team)
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Tên tổ không được để trống.")})
    villages = _clean_villages(team.commune, team.unit, villages)
    team.name, team.name_key = name, fold(name)
    team.decision_number, team.decision_date = clean(decision_number), decision_date
    team.contact_phone = clean_phone(contact_phone, "contact_phone")
    team.publish_contact = publish_contact
    team.save()
    team.villages.set(villages)
    audit_record(
        actor=actor,
        action="team.update",
        obj=team,
        unit=team.unit,
        summary=_("Cập nhật %(t)s") % {"t": team.name},
        changes={"villages": [v.code for v in villages]},
    )
    return team


@transaction.atomic
def team_dissolve(*, actor, team: Team, on: dt.date | None = None) -> Team:
    """Dissolve a team: it is kept, with its members' history (their memberships end)."""
    _check_team_manager(actor, team)
    if not team.is_active:
        raise ValidationError(
            _("Tổ đã giải thể từ %(d)s.") % {"d": team.dissolved_on.strftime("%d/%m/%Y")}
        )
    on = _today(on)
    team.dissolved_on = on
    team.save(update_fields=["dissolved_on", "updated_at"])
    ended = team.memberships.filter(left_on__isnull=True).update(left_on=on)
    audit_record(
        actor=actor,
        action="team.dissolve",
        obj=team,
        unit=team.unit,
        summary=_("Giải thể %(t)s (%(n)d thành viên rời tổ)") % {"t": team.name, "n": ended},
        changes={"has_visits": has_visits(team)},
    )
    return team


@transaction.atomic
def team_delete(*, actor, team: Team) -> None:
    """Delete a team entered by mistake. A team with visits logged can only be dissolved."""
    _check_team_manager(actor, team)
    if has_visits(team):
        raise ValidationError(
            _(
                "Tổ đã có lượt đến hộ được ghi nhận nên không thể xóa; hãy giải "
                "thể tổ để giữ lại lịch sử."
            )
        )
    audit_record(
        actor=actor,
        action="team.delete",
        obj=team,
        unit=team.unit,
        summary=_("Xóa %(t)s (nhập nhầm)") % {"t": team.name},
    )
    team.memberships.all().delete()
    team.villages.clear()
    team.delete()


# --- members -------------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    actor,
    team: Team,
    person: Person,
    role: str = MemberRole.MEMBER,
    core_force: bool = False,
    skills: Iterable[str] = (),
    joined_on: dt.date | None = None,
) -> Membership:
    _check_team_manager(actor, team)
    m = _membership(
        team=team,
        person=person,
        role=role,
        core_force=core_force,
        skills=skills,
        joined_on=_today(joined_on),
    )
    audit_record(
        actor=actor,
        action="member.add",
        obj=m,
        unit=team.unit,
        summary=_("Thêm %(n)s vào %(t)s (%(r)s)")
        % {"n": person.full_name, "t": team.name, "r": m.get_role_display()},
    )
    _member_notify(actor=actor, membership=m)
    return m


@transaction.atomic
def member_add_with_person(
    *,
    actor,
    team: Team,
    person: Person | None = None,
    new_person: PersonFields | None = None,
    role: str = MemberRole.MEMBER,
    core_force: bool = False,
    skills: Iterable[str] = (),
    joined_on: dt.date | None = None,
) -> Membership:
    """Add to a team an existing person or, given ``new_person``, a person created here: the
    person and the membership are saved together or not at all."""
    if (person is None) == (new_person is None):
        raise ValueError("Give either an existing person or a new person's fields.")
    _check_team_manager(actor, team)
    if person is None:
        person = person_create(actor=actor, **new_person)
    return member_add(
        actor=actor,
        team=team,
        person=person,
        role=role,
        core_force=core_force,
        skills=skills,
        joined_on=joined_on,
    )


def _member_notify(*, actor, membership: Membership) -> None:
    """Tell the person added, when they have a login (and did not add themselves)."""
    user = membership.person.user
    if user is None or user.pk == getattr(actor, "pk", None):
        return
    team = membership.team
    notify(
        recipients=[user],
        title=_("Bạn đã được thêm vào %(t)s") % {"t": team.name},
        body=_("Vai trò: %(r)s. Địa bàn: %(u)s.")
        % {"r": membership.get_role_display(), "u": team.unit.full_name},
        link=reverse("teams:detail", args=[team.pk]),
        kind="team.member_add",
    )


@transaction.atomic
def member_update(
    *,
    actor,
    membership: Membership,
    role: str | None = None,
    core_force: bool | None = None,
    skills: Iterable[str] | None = None,
    joined_on: dt.date | None = None,
) -> Membership:
    m = membership
    _check_team_manager(actor, m.team)
    if not m.is_active:
        raise ValidationError(_("Thành viên đã rời tổ; không thể sửa."))
    if role is not None and role != m.role:
        if role not in (MemberRole.DEPUTY, MemberRole.MEMBER):
            raise ValidationError({"role": _("Hãy dùng chức năng “Chỉ định tổ trưởng”.")})
        if m.role == MemberRole.LEADER:
            raise ValidationError(
                {"role": _("Tổ phải có tổ trưởng: hãy chỉ định tổ trưởng khác trước.")}
            )
        m.role = role
    if core_force is not None:
        m.core_force = core_force
    if skills is not None:
        m.skills = clean_skills(skills)
    if joined_on is not None:
        m.joined_on = joined_on
    m.save()
    audit_record(
        actor=actor,
        action="member.update",
        obj=m,
        unit=m.team.unit,
        summary=_("Cập nhật %(n)s trong %(t)s") % {"n": m.person.full_name, "t": m.team.name},
    )
    return m


@transaction.atomic
def member_remove(*, actor, membership: Membership, on: dt.date | None = None) -> Membership:
    """The member leaves the team; the membership stays as history."""
    m = membership
    _check_team_manager(actor, m.team)
    if not m.is_active:
        raise ValidationError(_("Thành viên đã rời tổ từ trước."))
    if m.role == MemberRole.LEADER and m.team.is_active:
        raise ValidationError(
            _(
                "Không thể cho tổ trưởng rời tổ: tổ phải luôn có một tổ trưởng. "
                "Hãy chỉ định tổ trưởng khác trước."
            )
        )
    m.left_on = _today(on)
    if m.left_on < m.joined_on:
        raise ValidationError(_("Ngày rời tổ không thể trước ngày tham gia."))
    m.save(update_fields=["left_on"])
    audit_record(
        actor=actor,
        action="member.remove",
        obj=m,
        unit=m.team.unit,
        summary=_("%(n)s rời %(t)s") % {"n": m.person.full_name, "t": m.team.name},
    )
    return m


@transaction.atomic
def leader_appoint(*, actor, team: Team, membership: Membership) -> Membership:
    """Make a current member the team's leader; the former leader stays on as a member."""
    _check_team_manager(actor, team)
    if membership.team_id != team.pk or not membership.is_active:
        raise ValidationError(_("Tổ trưởng phải là thành viên đang hoạt động của tổ."))
    if membership.role == MemberRole.LEADER:
        return membership
    former = team.memberships.filter(role=MemberRole.LEADER, left_on__isnull=True).first()
    if former is not None:
        former.role = MemberRole.MEMBER
        former.save(update_fields=["role"])
    membership.role = MemberRole.LEADER
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="team.leader",
        obj=team,
        unit=team.unit,
        summary=_("Chỉ định %(n)s làm tổ trưởng %(t)s")
        % {"n": membership.person.full_name, "t": team.name},
        changes={"former": former.person_id if former else None},
    )
    return membership


_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))


def _username_for(person: Person) -> str:
    parts = fold(person.full_name).replace(" ", ".").split(".")
    base = (parts[-1] + "." + "".join(p[:1] for p in parts[:-1])).strip(".") or "thanhvien"
    base = "".join(ch for ch in base if ch.isalnum() or ch == ".")[:24]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def member_invite(*, actor, membership: Membership, username: str = "") -> tuple[User, str]:
    """Give an active member a login (team leader or team member, scope: the team's commune).
    Returns the user and a temporary password to hand over; only its hash is stored."""
    from cdtt.accounts.services import user_create

    m = membership
    _check_team_manager(actor, m.team)
    if not m.is_active or not m.team.is_active:
        raise ValidationError(_("Chỉ cấp tài khoản cho thành viên đang hoạt động."))
    person = Person.objects.select_for_update().get(pk=m.person_id)
    if person.user_id:
        raise ValidationError(
            _("%(n)s đã có tài khoản %(u)s.") % {"n": person.full_name, "u": person.user.username}
        )
    role = Role.TEAM_LEADER if m.role == MemberRole.LEADER else Role.TEAM_MEMBER
    password = temporary_password()
    # The commune officer who invites may have no right to create users in general; the
    # account is created on their behalf with the scope checked here.
    user = user_create(
        actor=None,
        username=clean(username) or _username_for(person),
        password=password,
        role=role,
        scope_unit=m.team.commune,
        full_name=person.full_name,
        email=person.email,
        phone=person.phone,
        organization=person.organization,
    )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action="member.invite",
        obj=person,
        unit=m.team.unit,
        summary=_("Cấp tài khoản %(u)s cho %(n)s") % {"u": user.username, "n": person.full_name},
    )
    return user, password
