"""Reads of coverage: sums of the village counters below a unit (one GROUP BY, no counting)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from cdtt.core.access import in_scope, scope_path
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import clean, fold
from cdtt.registry.models import (
    LEVEL_FIELDS,
    Household,
    Resident,
    ResidentStatus,
    Target,
    VillageCoverage,
)
from cdtt.skills.models import Level as SkillLevel
from cdtt.skills.models import Skill

COUNTERS = [
    "households",
    "covered",
    "residents",
    "proficient",
    "p_public_services",
    "p_shopping",
    "p_payment",
    "p_safety",
    "p_local_platform",
]

_FILTER_BY_LEVEL = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}


@dataclass
class Coverage:
    households: int = 0
    covered: int = 0
    residents: int = 0
    proficient: int = 0
    p_public_services: int = 0
    p_shopping: int = 0
    p_payment: int = 0
    p_safety: int = 0
    p_local_platform: int = 0

    @property
    def rate(self) -> float:
        return self.covered / self.households if self.households else 0.0

    @property
    def rate_percent(self) -> str:
        return f"{100 * self.rate:.1f}"


def coverage_of(unit: AdminUnit) -> Coverage:
    totals = VillageCoverage.objects.filter(**{_FILTER_BY_LEVEL[unit.level]: unit.pk}).aggregate(
        **{c: Sum(c) for c in COUNTERS}
    )
    return Coverage(**{k: v or 0 for k, v in totals.items()})


# --- scoped reads of the registry ---------------------------------------------------------

_LOCATED_FIELD = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}


def coverage_children(unit: AdminUnit) -> list[tuple[AdminUnit, Coverage]]:
    """Each current child of the unit with its coverage, in name order (one GROUP BY per child
    level); children with no households appear with zeros."""
    children = list(unit.children.filter(valid_to__isnull=True).order_by("name_key"))
    if not children:
        return []
    sums: dict[int, Coverage] = {}
    parent_filter = {_FILTER_BY_LEVEL[unit.level]: unit.pk}
    for level in {c.level for c in children}:
        column = _FILTER_BY_LEVEL[level]
        rows = (
            VillageCoverage.objects.filter(**parent_filter)
            .values(column)
            .annotate(**{f"s_{c}": Sum(c) for c in COUNTERS})
            .order_by()
        )
        for row in rows:
            sums[row[column]] = Coverage(**{c: row[f"s_{c}"] or 0 for c in COUNTERS})
    return [(child, sums.get(child.pk) or Coverage()) for child in children]


def _scope_filter(user) -> dict | None:
    """The filter that keeps located facts inside the user's scope; None: nothing visible."""
    if scope_path(user) is None:
        return None
    unit = user.scope_unit
    return {_LOCATED_FIELD[unit.level]: unit.pk}


def active_skill_codes() -> list[str]:
    return list(Skill.objects.filter(active=True).values_list("code", flat=True))


def households_for(
    user,
    *,
    unit: AdminUnit | None = None,
    covered: bool | None = None,
    missing_skill: str = "",
    q: str = "",
    village: AdminUnit | None = None,
) -> QuerySet[Household]:
    """Households in the user's scope, optionally below a unit / in a village, by coverage, by a
    skill no current resident is proficient in, or matching a search (household code, address or
    a resident's name, ignoring case and diacritics)."""
    scope = _scope_filter(user)
    if scope is None:
        return Household.objects.none()
    households = Household.objects.filter(**scope)
    narrowest = user.scope_unit
    for where in (unit, village):
        if where is not None:
            if not in_scope(user, where):
                return Household.objects.none()
            households = households.filter(**{_LOCATED_FIELD[where.level]: where.pk})
            if len(where.path) > len(narrowest.path):
                narrowest = where
    # The list is sorted by village name: say which villages too, or PostgreSQL walks every
    # village of the province in name order looking for this commune's households.
    if narrowest.level in (Level.DISTRICT, Level.COMMUNE):
        households = households.filter(
            **{f"village__{_LOCATED_FIELD[narrowest.level]}": narrowest.pk}
        )
    if covered is not None:
        households = households.filter(covered=covered)
    if missing_skill:
        households = households.exclude(
            Exists(
                Resident.objects.filter(
                    household=OuterRef("pk"),
                    status=ResidentStatus.CURRENT,
                    **{LEVEL_FIELDS[missing_skill]: SkillLevel.PROFICIENT},
                )
            )
        )
    q = clean(q)
    if q:
        key = fold(q)
        households = households.filter(
            Q(code__iexact=q)
            | Q(address__icontains=q)
            | Exists(Resident.objects.filter(household=OuterRef("pk"), name_key__contains=key))
        )
    return households.select_related("village").order_by("village__name_key", "code")


def access_household(user, pk: int) -> Household:
    """The household if the user may see it; otherwise 404 (missing and out of scope alike)."""
    scope = _scope_filter(user)
    household = (
        Household.objects.filter(pk=pk, **scope).select_related("village", "commune").first()
        if scope
        else None
    )
    if household is None:
        raise Http404("household")
    return household


def residents_for(user) -> QuerySet[Resident]:
    scope = _scope_filter(user)
    if scope is None:
        return Resident.objects.none()
    return Resident.objects.filter(**scope)


def access_resident(user, pk: int) -> Resident:
    resident = residents_for(user).filter(pk=pk).select_related("household", "village").first()
    if resident is None:
        raise Http404("resident")
    return resident


def targets_for(unit: AdminUnit, year: int) -> Target | None:
    """The unit's own target for the year, or the nearest ancestor's."""
    codes = [c for c in unit.path.strip("/").split("/") if c]
    targets = {
        t.unit.code: t
        for t in Target.objects.filter(unit__code__in=codes, year=year).select_related("unit")
    }
    for code in reversed(codes):
        if code in targets:
            return targets[code]
    return None
