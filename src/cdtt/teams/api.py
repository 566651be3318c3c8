"""JSON API of the teams app (mounted under /api/v1/): teams, members, the caller's profile.

Anything outside the caller's scope is answered 404, exactly like something that does not exist.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from cdtt.core.errors import NotFound, Refused, error_responses
from cdtt.core.roles import phone_shown, sees_personal
from cdtt.geo.access import access_unit
from cdtt.teams.selectors import access_team, person_of, team_list
from cdtt.teams.selectors import member_list as select_members

router = Router(tags=["teams"])
MAX_ITEMS = 500


class TeamOut(Schema):
    id: int
    name: str
    level: str
    unit_code: str
    leader: str | None
    members: int


class TeamList(Schema):
    count: int
    items: list[TeamOut]


class MemberOut(Schema):
    id: int
    person_id: int
    full_name: str
    team_id: int
    team: str
    role: str
    core_force: bool
    organization: str | None
    organization_kind: str | None
    phone: str
    skills: list[str]
    joined_on: str
    left_on: str | None


class MemberList(Schema):
    count: int
    items: list[MemberOut]


class TeamDetail(TeamOut):
    commune_code: str
    decision_number: str
    decision_date: str | None
    dissolved_on: str | None
    villages: list[str]
    roster: list[MemberOut]


class MembershipOut(Schema):
    team_id: int
    team: str
    role: str
    joined_on: str
    left_on: str | None


class ProfileOut(Schema):
    id: int
    full_name: str
    gender: str
    birth_year: int | None
    phone: str
    email: str
    organization: str | None
    villages: list[str]
    memberships: list[MembershipOut]


def _unit(request, code: str):
    if not code:
        return None
    try:
        return access_unit(request.user, code)
    except Http404:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def _team_out(t) -> dict:
    # Team leaders are public (the portal shows them): given to every role.
    leader = t.active_leaders[0].person.full_name if getattr(t, "active_leaders", None) else None
    return {
        "id": t.pk,
        "name": t.name,
        "level": t.level,
        "unit_code": t.unit.code,
        "leader": leader,
        "members": t.n_members,
    }


def _member_out(m, user) -> dict:
    org = m.person.organization
    return {
        "id": m.pk,
        "person_id": m.person_id,
        "full_name": m.person.full_name,
        "team_id": m.team_id,
        "team": m.team.name,
        "role": m.role,
        "core_force": m.core_force,
        "organization": org.name if org else None,
        "organization_kind": org.kind if org else None,
        "phone": phone_shown(user, m.person.phone),
        "skills": m.skills,
        "joined_on": m.joined_on.isoformat(),
        "left_on": _iso(m.left_on),
    }


@router.get("/teams", response={200: TeamList, **error_responses(404)})
def teams(request, unit: str = "", status: str = "active"):
    """Active teams in the caller's scope, optionally under a unit (its code)."""
    qs = team_list(request.user, unit=_unit(request, unit), status=status)
    items = [_team_out(t) for t in qs[:MAX_ITEMS]]
    return {"count": qs.count(), "items": items}


@router.get("/teams/{team_id}", response={200: TeamDetail, **error_responses(404, 422)})
def team_get(request, team_id: int):
    try:
        team = access_team(request.user, team_id)
    except Http404:
        raise NotFound(_("Không tìm thấy tổ.")) from None
    t = team_list(request.user, status="all").get(pk=team.pk)
    roster = select_members(request.user, status="active").filter(team=team)
    return {
        **_team_out(t),
        "commune_code": team.commune.code,
        "decision_number": team.decision_number,
        "decision_date": _iso(team.decision_date),
        "dissolved_on": _iso(team.dissolved_on),
        "villages": [v.code for v in team.villages.order_by("path")],
        "roster": [_member_out(m, request.user) for m in roster]
        if sees_personal(request.user)
        else [],
    }


@router.get("/members", response={200: MemberList, **error_responses(403, 404)})
def members(request, unit: str = "", status: str = "active"):
    """Members (memberships) in the caller's scope; phone numbers masked unless the caller's role
    calls people; refused to a role that needs figures only."""
    if not sees_personal(request.user):
        raise Refused(_("Vai trò của bạn chỉ xem số liệu tổng hợp, không xem dữ liệu cá nhân."))
    qs = select_members(request.user, unit=_unit(request, unit), status=status)
    return {"count": qs.count(), "items": [_member_out(m, request.user) for m in qs[:MAX_ITEMS]]}


@router.get("/me/member", response={200: ProfileOut, **error_responses(404)})
def me_member(request):
    """The caller's own member profile, with their teams and the villages they work in."""
    from cdtt.teams.selectors import field_villages

    person = person_of(request.user)
    if person is None:
        raise NotFound(_("Tài khoản chưa gắn với thành viên Tổ CNSCĐ nào."))
    ms = person.memberships.select_related("team").order_by("-joined_on")
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_year": person.birth_year,
        "phone": person.phone,
        "email": person.email,
        "organization": person.organization.name if person.organization else None,
        "villages": [v.code for v in field_villages(request.user)],
        "memberships": [
            {
                "team_id": m.team_id,
                "team": m.team.name,
                "role": m.role,
                "joined_on": m.joined_on.isoformat(),
                "left_on": _iso(m.left_on),
            }
            for m in ms
        ],
    }
