"""Reads of the public pages: places to search, the skills catalogue, the teams of a place.

Only what is public leaves here: units, the active skills and their checklists, and teams with
their leaders (the template shows a team's contact only when it chose to publish it).
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.selectors import unit_by_code
from cdtt.lib.text import fold
from cdtt.skills.models import ChecklistItem, Skill
from cdtt.teams.models import MemberRole, Membership, Team, TeamLevel

RESULTS = 30


def public_skills() -> QuerySet[Skill]:
    return Skill.objects.filter(active=True).prefetch_related(
        Prefetch("checklist", queryset=ChecklistItem.objects.filter(active=True))
    )


def place_search(q: str) -> list[AdminUnit]:
    """Communes and villages in use whose name holds ``q`` (ignoring case and diacritics)."""
    key = fold(q)
    if len(key) < 2:
        return []
    return list(
        AdminUnit.objects.filter(
            level__in=[Level.COMMUNE, Level.VILLAGE], valid_to__isnull=True, name_key__contains=key
        )
        .select_related("parent", "parent__parent")
        .order_by("level", "name_key")[:RESULTS]
    )


def commune_by_code(code: str) -> AdminUnit | None:
    """The commune in force with this code (a code may also name a closed 2024 commune)."""
    return unit_by_code(code, units=AdminUnit.objects.filter(level=Level.COMMUNE))


def place_by_code(code: str) -> AdminUnit | None:
    return unit_by_code(
        code, units=AdminUnit.objects.filter(level__in=[Level.COMMUNE, Level.VILLAGE])
    )


def villages_of(commune: AdminUnit) -> QuerySet[AdminUnit]:
    return commune.children.filter(valid_to__isnull=True).order_by("name_key")


@dataclass
class PlaceTeams:
    commune: AdminUnit
    village_teams: list[Team]  # the teams serving the village (none for a commune)
    commune_teams: list[Team]  # the commune's own teams


def place_teams(unit: AdminUnit) -> PlaceTeams:
    """The active teams of a commune or a village, each with its leaders (``team.leaders``)."""
    leaders = Prefetch(
        "memberships",
        to_attr="leaders",
        queryset=Membership.objects.filter(
            left_on__isnull=True, role=MemberRole.LEADER
        ).select_related("person"),
    )
    teams = Team.objects.filter(dissolved_on__isnull=True).prefetch_related(leaders)
    if unit.level == Level.VILLAGE:
        return PlaceTeams(
            commune=unit.parent,
            village_teams=list(teams.filter(villages=unit, level=TeamLevel.VILLAGE)),
            commune_teams=list(teams.filter(unit_id=unit.parent_id, level=TeamLevel.COMMUNE)),
        )
    return PlaceTeams(commune=unit, village_teams=[], commune_teams=list(teams.filter(unit=unit)))
