"""Reads of teams, members and organisations within a user's scope, and the team figures.

``field_villages(user)`` is a contract: the field app's worklist and the visit permission
rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.figures.catalogue import children_figures as children_of_figures
from cdtt.figures.catalogue import figures_of
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.numbers import vn_number, vn_share
from cdtt.lib.text import fold
from cdtt.organizations.models import Organization
from cdtt.organizations.selectors import officer_organizations, organization_tree
from cdtt.teams.models import MemberRole, Membership, Person, Team, TeamLevel

_UNIT_FILTER = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def person_of(user) -> Person | None:
    """The Person record linked to a login, if any."""
    if not _active(user):
        return None
    return Person.objects.filter(user=user).first()


# --- teams ---------------------------------------------------------------------------------


def _own_teams_q(user) -> Q:
    """Teams in the user's scope subtree, and for field users the teams they serve in."""
    cond = Q(pk__in=[])
    path = scope_path(user)
    if path is not None:
        cond |= Q(path__startswith=path)
    if user.role in roles.FIELD:
        cond |= Q(memberships__person__user=user)
    return cond


def teams_for(user) -> QuerySet[Team]:
    """Teams the user may see: those in their scope subtree, the teams they serve in, and for an
    organisation's officer the teams its focal staff serve in."""
    if not _active(user):
        return Team.objects.none()
    cond = _own_teams_q(user)
    orgs = officer_organizations(user)
    if orgs:
        cond |= Q(memberships__person__organization_id__in=orgs)
    ids = Team.objects.filter(cond).values("pk")
    return Team.objects.filter(pk__in=ids).select_related("unit", "commune")


def access_team(user, pk: int) -> Team:
    """The team if the user may see it; otherwise 404 (as if it did not exist)."""
    try:
        return teams_for(user).get(pk=pk)
    except Team.DoesNotExist:
        raise Http404("team") from None


def can_manage_team(user, team: Team) -> bool:
    """Officers of the team's commune or above (within scope) found, change and dissolve teams."""
    if not _active(user) or user.role not in roles.MANAGE_UNITS:
        return False
    path = scope_path(user)
    return path is not None and team.commune.path.startswith(path)


def leaders_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(
            left_on__isnull=True, role=MemberRole.LEADER
        ).select_related("person"),
        to_attr="active_leaders",
    )


def team_list(
    user, *, q: str = "", unit: AdminUnit | None = None, status: str = "active", level: str = ""
) -> QuerySet[Team]:
    teams = (
        teams_for(user)
        .annotate(
            n_members=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
        )
        .prefetch_related(leaders_prefetch())
    )
    if status == "active":
        teams = teams.filter(dissolved_on__isnull=True)
    elif status == "dissolved":
        teams = teams.filter(dissolved_on__isnull=False)
    if level:
        teams = teams.filter(level=level)
    if unit is not None:
        teams = teams.filter(path__startswith=unit.path)
    key = fold(q)
    if key:
        teams = teams.filter(Q(name_key__contains=key) | Q(decision_number__icontains=q.strip()))
    return teams.order_by("path", "name_key")


def team_leader(team: Team) -> Membership | None:
    return (
        team.memberships.filter(left_on__isnull=True, role=MemberRole.LEADER)
        .select_related("person")
        .first()
    )


# --- members -------------------------------------------------------------------------------


def members_for(user) -> QuerySet[Membership]:
    """Memberships the user may see: those of teams in their scope (or, for field users, their own
    teams); for an organisation's officer also every membership of the staff their organisation
    sent, anywhere in the province (but not the other members of those teams)."""
    if not _active(user):
        return Membership.objects.none()
    cond = Q(team__in=Team.objects.filter(_own_teams_q(user)).values("pk"))
    orgs = officer_organizations(user)
    if orgs:
        cond |= Q(person__organization_id__in=orgs)
    return Membership.objects.filter(cond).select_related(
        "person", "person__organization", "team", "team__unit"
    )


def access_membership(user, pk: int) -> Membership:
    """The membership if the user may see it (``members_for``); otherwise 404."""
    try:
        return members_for(user).get(pk=pk)
    except Membership.DoesNotExist:
        raise Http404("membership") from None


def persons_for(user) -> QuerySet[Person]:
    """People the user may see: members of visible teams, their organisation's staff, themselves."""
    if not _active(user):
        return Person.objects.none()
    cond = Q(pk__in=members_for(user).values("person_id")) | Q(user=user)
    orgs = officer_organizations(user)
    if orgs:
        cond |= Q(organization_id__in=orgs)
    return Person.objects.filter(cond).select_related("organization", "user")


def access_person(user, pk: int) -> Person:
    try:
        return persons_for(user).get(pk=pk)
    except Person.DoesNotExist:
        raise Http404("person") from None


def can_manage_person(user, person: Person) -> bool:
    """Officers managing one of the person's teams, or the officer of the organisation that sent
    them, may change a person's details."""
    if not _active(user):
        return False
    if person.organization_id and person.organization_id in officer_organizations(user):
        return True
    if user.role not in roles.MANAGE_UNITS:
        return False
    path = scope_path(user)
    if path is None:
        return False
    return person.memberships.filter(team__commune__path__startswith=path).exists() or (
        not person.memberships.exists()
    )


def member_list(
    user,
    *,
    q: str = "",
    unit: AdminUnit | None = None,
    role: str = "",
    kind: str = "",
    organization: int | None = None,
    core: str = "",
    status: str = "active",
) -> QuerySet[Membership]:
    members = members_for(user)
    if status == "active":
        members = members.filter(left_on__isnull=True, team__dissolved_on__isnull=True)
    elif status == "left":
        members = members.filter(left_on__isnull=False)
    if unit is not None:
        members = members.filter(team__path__startswith=unit.path)
    if role:
        members = members.filter(role=role)
    if kind:
        members = members.filter(person__organization__kind=kind)
    if organization:
        members = members.filter(person__organization_id=organization)
    if core == "1":
        members = members.filter(core_force=True)
    key = fold(q)
    if key:
        members = members.filter(
            Q(person__name_key__contains=key) | Q(person__phone__contains=q.strip())
        )
    return members.order_by("team__path", "team__name_key", "role", "person__name_key")


# --- the field app's villages (contract) ---------------------------------------------------


def field_villages(user) -> QuerySet[AdminUnit]:
    """The villages a field user works in: those served by the active teams in which the user's
    Person is an active member. A user with no Person falls back to the villages under their
    scope unit (the unit itself when it is a village). Anonymous or inactive: none."""
    if not _active(user):
        return AdminUnit.objects.none()
    person = person_of(user)
    if person is not None:
        teams = Membership.objects.filter(
            person=person, left_on__isnull=True, team__dissolved_on__isnull=True
        ).values("team_id")
        ids = Team.villages.through.objects.filter(team_id__in=teams).values("adminunit_id")
        return AdminUnit.objects.filter(pk__in=ids, level=Level.VILLAGE).order_by("path")
    path = scope_path(user)
    if path is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(
        path__startswith=path, level=Level.VILLAGE, valid_to__isnull=True
    ).order_by("path")


# --- villages and figures ------------------------------------------------------------------


def _active_teams() -> QuerySet[Team]:
    return Team.objects.filter(dissolved_on__isnull=True)


def villages_without_team(commune: AdminUnit) -> QuerySet[AdminUnit]:
    """Current villages under the unit with no active village-level team (a commune-level team
    serving the village does not count: the directive asks for one team per village)."""
    return (
        AdminUnit.objects.filter(
            path__startswith=commune.path, level=Level.VILLAGE, valid_to__isnull=True
        )
        .exclude(pk__in=_served_village_ids())
        .order_by("path")
    )


def _served_village_ids() -> QuerySet:
    """Ids of the villages an active village-level team serves. Used as ``pk__in`` (a hashed
    subplan) rather than a correlated EXISTS, whose plan degrades badly on fresh statistics."""
    return Team.villages.through.objects.filter(
        team__dissolved_on__isnull=True, team__level=TeamLevel.VILLAGE
    ).values("adminunit_id")


@dataclass
class TeamFigures:
    unit: AdminUnit
    teams: int = 0
    villages: int = 0
    villages_with_team: int = 0
    members: int = 0
    residents: int = 0
    core_force: int = 0
    trained: int = 0
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (kind, label, count)

    @property
    def villages_rate(self) -> float:
        return self.villages_with_team / self.villages if self.villages else 0.0

    @property
    def villages_percent(self) -> str:
        return vn_share(self.villages_rate)

    @property
    def per_100_residents(self) -> float | None:
        return 100 * self.members / self.residents if self.residents else None

    @property
    def per_100_text(self) -> str:
        v = self.per_100_residents
        return vn_number(v, 2)

    @property
    def core_share(self) -> str:
        return vn_share(self.core_force / self.members if self.members else 0)

    @property
    def trained_share(self) -> str:
        return vn_share(self.trained / self.members if self.members else 0)


def _teams_in(unit: AdminUnit) -> QuerySet[Team]:
    if unit.level in _UNIT_FILTER:
        return _active_teams().filter(**{_UNIT_FILTER[unit.level]: unit.pk})
    return _active_teams().filter(Q(unit=unit) | Q(villages=unit)).distinct()


# figure code (cdtt.teams.figures, and the registry's residents) -> TeamFigures field
FIGURE_FIELDS = {
    "teams": "teams",
    "villages": "villages",
    "villages_with_team": "villages_with_team",
    "members": "members",
    "residents": "residents",
    "members_core": "core_force",
    "members_trained": "trained",
}


def _team_figures(unit: AdminUnit, values: dict) -> TeamFigures:
    return TeamFigures(unit=unit, **{f: values[code] for code, f in FIGURE_FIELDS.items()})


def team_figures(unit: AdminUnit) -> TeamFigures:
    """Teams and members at any level, read through the figures, with the members by kind of
    organisation. Members are distinct people in active memberships of active teams (a person
    serving in two teams counts once)."""
    from cdtt.organizations.models import OrganizationKind

    fig = _team_figures(unit, figures_of(unit, codes=FIGURE_FIELDS))
    people = Person.objects.filter(
        pk__in=Membership.objects.filter(
            team__in=_teams_in(unit).values("pk"), left_on__isnull=True
        ).values("person_id")
    )
    labels = dict(OrganizationKind.choices)
    counts = {
        row["organization__kind"] or "": row["n"]
        for row in people.values("organization__kind").annotate(n=Count("pk"))
    }
    fig.by_kind = [
        (k, str(labels.get(k, "")) or "Chưa rõ", n)
        for k, n in sorted(counts.items(), key=lambda kv: -kv[1])
    ]
    return fig


def children_figures(unit: AdminUnit) -> list[TeamFigures]:
    """The figures of each current child unit (drill-down table), with a handful of GROUP BY
    queries whatever the number of children."""
    return [
        _team_figures(child, values)
        for child, values in children_of_figures(unit, codes=FIGURE_FIELDS)
    ]


def village_team_rates(unit: AdminUnit) -> dict[int, tuple[int, int]]:
    """Per commune under the unit: (current villages, villages served by an active team).
    Two GROUP BY queries, whatever the number of communes (the map of the province)."""
    villages = AdminUnit.objects.filter(
        path__startswith=unit.path, level=Level.VILLAGE, valid_to__isnull=True
    )
    totals = dict(
        villages.values("commune_id").annotate(n=Count("pk")).values_list("commune_id", "n")
    )
    served = dict(
        villages.filter(pk__in=_served_village_ids())
        .values("commune_id")
        .annotate(n=Count("pk"))
        .values_list("commune_id", "n")
    )
    return {cid: (n, served.get(cid, 0)) for cid, n in totals.items()}


# --- the staff organisations send (shown by the organisation pages) -----------------------


def organizations_staff_counted(orgs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Organisations annotated with ``n_staff``: how many of their people serve in a team now."""
    return orgs.annotate(
        n_staff=Count(
            "focal_staff", filter=Q(focal_staff__memberships__left_on__isnull=True), distinct=True
        )
    )


def organization_staff(user, org: Organization) -> QuerySet[Person]:
    """The people of an organisation and its branches that the user may see, by name."""
    return persons_for(user).filter(organization_id__in=organization_tree(org)).order_by("name_key")
