"""Reads of youth emulation movements: what a Youth Union officer manages, the members taking
part, the live ranking of members and branches with the entries behind each score."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.lib.numbers import vn_int
from cdtt.movements.counters import counter
from cdtt.movements.models import ClaimStatus, CriterionKind, Movement, PointClaim
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.organizations.selectors import organization_tree
from cdtt.teams.models import Membership, Person
from cdtt.teams.selectors import person_of

READ = roles.OFFICERS | roles.FIELD


def youth_union_of(user):
    org = getattr(user, "organization", None)
    if user.role == roles.Role.AGENCY_OFFICER and org and org.kind == OrganizationKind.YOUTH_UNION:
        return org
    return None


def can_create(user) -> bool:
    """A Youth Union officer (an agency officer of a Youth Union organisation) or the Department."""
    return roles.has_role(user, {roles.Role.PROVINCE_ADMIN}) or youth_union_of(user) is not None


def can_manage(user, movement: Movement) -> bool:
    if movement.created_by_id == getattr(user, "pk", None):
        return True
    if user.role == roles.Role.PROVINCE_ADMIN:
        return movement.path.startswith(scope_path(user) or "\0")
    org = youth_union_of(user)
    return org is not None and movement.organization_id in organization_tree(org)


def _ancestors(path: str) -> list[str]:
    return [path[: i + 1] for i, c in enumerate(path) if c == "/" and i > 0]


def movements_for(user) -> QuerySet[Movement]:
    """Movements held in the user's subtree or above it (a province movement reaches all)."""
    path = scope_path(user)
    if path is None or not roles.has_role(user, READ):
        return Movement.objects.none()
    return Movement.objects.filter(Q(path__startswith=path) | Q(path__in=_ancestors(path)))


def access_movement(user, pk: int) -> Movement:
    """A movement the user may see (the only way pages fetch one); 404 otherwise."""
    found = movements_for(user).select_related("organization").filter(pk=pk).first()
    if found is None:
        raise Http404("movement")
    return found


def listing(user) -> QuerySet[Movement]:
    return (
        movements_for(user)
        .select_related("organization")
        .annotate(
            n_criteria=Count("criteria", distinct=True), n_branches=Count("branches", distinct=True)
        )
    )


def branch_of_org(movement: Movement) -> dict[int, Organization]:
    """Each organisation under a branch taking part, mapped to that branch."""
    out = {}
    for branch in movement.branches.all():
        for pk in organization_tree(branch):
            out.setdefault(pk, branch)
    return out


def participants(
    movement: Movement, branches: dict[int, Organization] | None = None
) -> list[Person]:
    """Members taking part: people sent by a branch of the movement (or below it), serving in a
    team of the units taking part when the movement names units."""
    branches = branch_of_org(movement) if branches is None else branches
    people = Person.objects.filter(organization_id__in=list(branches))
    paths = list(movement.units.values_list("path", flat=True))
    if paths:
        rule = Q(pk__in=[])
        for path in paths:
            rule |= Q(team__path__startswith=path)
        serving = Membership.objects.filter(rule, left_on__isnull=True).values("person_id")
        people = people.filter(pk__in=serving)
    return list(people.order_by("name_key"))


def is_participant(movement: Movement, person: Person | None) -> bool:
    return person is not None and any(p.pk == person.pk for p in participants(movement))


@dataclass
class Row:
    kind: str  # member | branch
    pk: int
    name: str
    branch: str = ""
    points: int = 0
    by_criterion: dict[int, int] = field(default_factory=dict)  # criterion pk -> points
    rank: int = 0

    @property
    def points_shown(self) -> str:
        return vn_int(self.points)


def _rank(rows: list[Row]) -> list[Row]:
    rows.sort(key=lambda r: (-r.points, r.name))
    for i, row in enumerate(rows):
        same = i > 0 and rows[i - 1].points == row.points
        row.rank = rows[i - 1].rank if same else i + 1
    return rows


def ranking(movement: Movement) -> tuple[list[Row], list[Row]]:
    """The live ranking: members, then branches (the sum of their members' points)."""
    branches = branch_of_org(movement)
    people = participants(movement, branches)
    members = {
        p.pk: Row("member", p.pk, p.full_name, branches[p.organization_id].name) for p in people
    }
    for criterion in movement.criteria.all():
        if criterion.kind == CriterionKind.COUNTED:
            found = counter(criterion.counter)
            counts = found.count(people, movement.starts_on, movement.ends_on) if found else {}
        else:
            rows = (
                PointClaim.objects.filter(criterion=criterion, status=ClaimStatus.APPROVED)
                .values("person_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            counts = {r["person_id"]: r["n"] for r in rows}
        for pk, n in counts.items():
            if pk in members and n:
                members[pk].by_criterion[criterion.pk] = n * criterion.points
                members[pk].points += n * criterion.points
    by_branch: dict[int, Row] = {}
    for branch in movement.branches.all():
        by_branch[branch.pk] = Row("branch", branch.pk, branch.name)
    for person in people:
        row, branch = members[person.pk], branches[person.organization_id]
        by_branch[branch.pk].points += row.points
        for c, pts in row.by_criterion.items():
            by_branch[branch.pk].by_criterion[c] = by_branch[branch.pk].by_criterion.get(c, 0) + pts
    return _rank(list(members.values())), _rank(list(by_branch.values()))


def member_entries(movement: Movement, person: Person) -> list[tuple]:
    """The entries behind a member's score: (criterion, points each, [entries])."""
    out = []
    for criterion in movement.criteria.all():
        if criterion.kind == CriterionKind.COUNTED:
            found = counter(criterion.counter)
            entries = found.entries(person, movement.starts_on, movement.ends_on) if found else []
            entries = [(e.when, e.text, "") for e in entries]
        else:
            claims = PointClaim.objects.filter(
                criterion=criterion, person=person, status=ClaimStatus.APPROVED
            )
            entries = [(c.happened_on, c.fact, c.evidence_url) for c in claims]
        out.append((criterion, entries))
    return out


def branch_members(movement: Movement, branch_pk: int) -> list[Row]:
    members, _ = ranking(movement)
    branch = movement.branches.filter(pk=branch_pk).first()
    if branch is None:
        raise Http404("branch")
    return [r for r in members if r.branch == branch.name]


def claims_for(user, movement: Movement) -> QuerySet[PointClaim]:
    """Claims the officer reviews (every claim of the movement) or a member's own."""
    claims = PointClaim.objects.filter(criterion__movement=movement).select_related(
        "criterion", "person"
    )
    if can_manage(user, movement):
        return claims
    return claims.filter(person=person_of(user))
