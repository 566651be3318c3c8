"""Figures of the teams: teams, villages served, members, core force (members trained: training).

Now: active teams (not dissolved), active memberships (not left), current villages:
the figures the teams pages always showed. As of a past date: teams founded by
then (decision date, else the day they were recorded) and not dissolved by then; memberships
joined by then and not left by then; villages in force on that day. Which
villages a team serves and whether a member is core force have no history: today's are used.

A member is a person: someone serving in two teams under the unit counts once.
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cdtt.figures.catalogue import Figure, Value, declare, declare_derived
from cdtt.figures.grouping import end_of_day, grouped, in_force
from cdtt.geo.models import AdminUnit, Level
from cdtt.teams.models import Membership, Team, TeamLevel

MODULE = "teams"
# The Team column locating it under a unit of each level above the village.
TEAM_FIELD = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
}
# The village row's own id at village level, its ancestor's column above.
VILLAGE_FIELD = {**TEAM_FIELD, Level.VILLAGE: "id"}
LINK_FIELD = {Level.VILLAGE: "adminunit_id"}
MEMBER_FIELD = {
    **{level: f"team__{column}" for level, column in TEAM_FIELD.items()},
    Level.VILLAGE: "team__villages",
}


def teams_at(as_of: dt.date | None) -> QuerySet[Team]:
    if as_of is None:
        return Team.objects.filter(dissolved_on__isnull=True)
    founded = Q(decision_date__lte=as_of) | Q(
        decision_date__isnull=True, created_at__lt=end_of_day(as_of)
    )
    return Team.objects.filter(founded).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )


def memberships_at(as_of: dt.date | None) -> QuerySet[Membership]:
    teams = teams_at(as_of).values("pk")
    if as_of is None:
        return Membership.objects.filter(left_on__isnull=True, team__in=teams)
    return Membership.objects.filter(joined_on__lte=as_of, team__in=teams).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=as_of)
    )


def villages_at(as_of: dt.date | None) -> QuerySet[AdminUnit]:
    villages = AdminUnit.objects.filter(level=Level.VILLAGE)
    return (
        villages.filter(valid_to__isnull=True)
        if as_of is None
        else villages.filter(in_force(as_of))
    )


def _counts(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    teams = teams_at(as_of)
    villages = villages_at(as_of)
    served = villages.filter(
        pk__in=Team.villages.through.objects.filter(
            team__in=teams.filter(level=TeamLevel.VILLAGE).values("pk")
        ).values("adminunit_id")
    )
    members = memberships_at(as_of)
    people = Count("person_id", distinct=True)
    parts = [
        _teams(units, teams),
        grouped(villages, units, {"villages": Count("pk")}, VILLAGE_FIELD),
        grouped(served, units, {"villages_with_team": Count("pk")}, VILLAGE_FIELD),
        grouped(members, units, {"members": people}, MEMBER_FIELD),
        grouped(members.filter(core_force=True), units, {"members_core": people}, MEMBER_FIELD),
    ]
    out: dict[int, dict[str, Value]] = {}
    for part in parts:
        for pk, values in part.items():
            out.setdefault(pk, {}).update(values)
    return out


def _teams(units: Sequence[AdminUnit], teams: QuerySet[Team]) -> dict[int, dict[str, int]]:
    """Teams under each unit; at a village, the teams serving it (its own and its commune's)."""
    out = grouped(
        teams, [u for u in units if u.level != Level.VILLAGE], {"teams": Count("pk")}, TEAM_FIELD
    )
    villages = [u for u in units if u.level == Level.VILLAGE]
    if villages:
        links = Team.villages.through.objects.filter(team__in=teams.values("pk"))
        out.update(grouped(links, villages, {"teams": Count("team_id", distinct=True)}, LINK_FIELD))
    return out


def _per_100(members: int, residents: int) -> float | None:
    return 100 * members / residents if residents else None


TEAMS = _("tổ")
VILLAGES = _("thôn")
PEOPLE = _("người")

declare(
    module=MODULE,
    figures=[
        Figure("teams", _("Tổ CNSCĐ đang hoạt động"), TEAMS),
        Figure("villages", _("Thôn, bản, tổ dân phố"), VILLAGES),
        Figure("villages_with_team", _("Thôn có Tổ CNSCĐ"), VILLAGES),
        Figure("members", _("Thành viên Tổ CNSCĐ"), PEOPLE),
        Figure("members_core", _("Thành viên thuộc lực lượng nòng cốt"), PEOPLE),
    ],
    compute=_counts,
)
declare_derived(
    module=MODULE,
    figure=Figure("members_per_100", _("Thành viên trên 100 nhân khẩu"), _("người/100 dân")),
    needs=["members", "residents"],
    formula=_per_100,
)
