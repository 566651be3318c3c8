"""Helpers for the teams tests: a founded team with members."""

from cdtt.teams.models import MemberRole
from cdtt.teams.services import member_add, person_create, team_found


def person(name: str = "Lê Văn Tổ", phone: str = "", **extra):
    return person_create(actor=None, full_name=name, phone=phone, **extra)


def found_team(unit, *, leader_name: str = "Lê Văn Tổ", members: int = 2, **extra):
    leader = person(leader_name)
    team = team_found(actor=None, unit=unit, leader=leader, decision_number="12/QĐ-UBND", **extra)
    for i in range(members):
        member_add(
            actor=None,
            team=team,
            person=person(f"Thành Viên {i + 1}"),
            role=MemberRole.DEPUTY if i == 0 else MemberRole.MEMBER,
            core_force=i == 0,
        )
    return team
