"""Reads of the registry: coverage (through the figures: sums of the village counters, no
counting) and households and residents within a user's scope."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from cdtt.core.access import in_scope, scope_path
from cdtt.figures.catalogue import children_figures, figures_of
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import clean, fold
from cdtt.registry import search_index
from cdtt.registry.figures import COLUMNS
from cdtt.registry.models import (
    LEVEL_FIELDS,
    Household,
    Resident,
    ResidentStatus,
    Target,
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
        """The rate in percent for machines (a CSS width, JSON): "58.3". Pages show people
        ``rate|vn_share`` ("58,3%")."""
        return f"{100 * self.rate:.1f}"


def _coverage(values: dict) -> Coverage:
    return Coverage(**{column: values[code] for code, column in COLUMNS.items()})


def coverage_of(unit: AdminUnit) -> Coverage:
    """The unit's live counters, read through the figures (cdtt.registry.figures)."""
    return _coverage(figures_of(unit, codes=COLUMNS))


# --- scoped reads of the registry ---------------------------------------------------------

_LOCATED_FIELD = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}


def coverage_children(unit: AdminUnit) -> list[tuple[AdminUnit, Coverage]]:
    """Each current child of the unit with its coverage, in name order (one GROUP BY per child
    level, through the figures); children with no households appear with zeros."""
    return [(child, _coverage(v)) for child, v in children_figures(unit, codes=COLUMNS)]


def _scope_filter(user) -> dict | None:
    """The filter that keeps located facts inside the user's scope; None: nothing visible."""
    if scope_path(user) is None:
        return None
    unit = user.scope_unit
    return {_LOCATED_FIELD[unit.level]: unit.pk}


def active_skill_codes() -> list[str]:
    return list(Skill.objects.filter(active=True).values_list("code", flat=True))


def _households_filtered(
    user,
    *,
    unit: AdminUnit | None = None,
    covered: bool | None = None,
    missing_skill: str = "",
    village: AdminUnit | None = None,
) -> tuple[QuerySet[Household], dict] | None:
    """The households of households_for before its search, and the filter of the narrowest
    place they lie in (``{"commune_id": 7}``); None: nothing visible."""
    scope = _scope_filter(user)
    if scope is None:
        return None
    households = Household.objects.filter(**scope)
    narrowest = user.scope_unit
    for where in (unit, village):
        if where is not None:
            if not in_scope(user, where):
                return None
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
    return households, {_LOCATED_FIELD[narrowest.level]: narrowest.pk}


def _ordered(households: QuerySet[Household]) -> QuerySet[Household]:
    return households.select_related("village").order_by("village__name_key", "code")


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
    found = _households_filtered(
        user, unit=unit, covered=covered, missing_skill=missing_skill, village=village
    )
    if found is None:
        return Household.objects.none()
    households, located = found
    q = clean(q)
    if q:
        # The ids of the households that match, one index each on PostgreSQL (search_index):
        # an OR with a resident's name would read every household of the scope.
        # Read first, apart: as a subquery, PostgreSQL misjudges how many households match
        # and hashes every household of the province against them.
        coded = Household.objects.filter(Q(code__iexact=q) | Q(address__icontains=q))
        named = _residents_named(fold(q), located)
        ids = list(
            coded.values_list("pk", flat=True).union(named.values_list("household_id", flat=True))
        )
        households = _with_ids(households, ids)
    return _ordered(households)


def _with_ids(households: QuerySet[Household], ids: list[int]) -> QuerySet[Household]:
    """``households`` narrowed to ``ids``: on PostgreSQL as one array parameter (thousands of
    placeholders cost more to send and parse than the lookups take)."""
    if connection.vendor != "postgresql":
        return households.filter(pk__in=ids)
    table = Household._meta.db_table
    return households.filter(
        RawSQL(f'"{table}"."id" = ANY(%s::bigint[])', [ids], output_field=BooleanField())
    )


def _residents_named(folded: str, located: dict) -> QuerySet[Resident]:
    """Residents whose folded name holds ``folded``: on PostgreSQL word by word through the
    words index of search_index (the whole words, or when no resident of the place has them,
    the last one as a beginning: "nguyen van tu" finds Tú and Tư, "nguyen van tua" Tuấn);
    elsewhere as a part of the name."""
    if connection.vendor != "postgresql":
        return Resident.objects.filter(name_key__contains=folded)
    whole = search_index.name_query(folded, prefix=False)
    if not whole:
        return Resident.objects.filter(name_key__contains=folded)
    if _named(whole, located).exists():
        return _named(whole, located)
    return _named(search_index.name_query(folded), located)


def _named(words: str, located: dict) -> QuerySet[Resident]:
    """Residents of the place whose name matches ``words`` (a text search query)."""
    return Resident.objects.filter(
        RawSQL(search_index.NAME_MATCH, [words], output_field=BooleanField()), **located
    )


# A search is counted to the end when it matches fewer residents (and households by code or
# address) than this in the user's place; beyond, it lists the first SEARCH_COUNT_CAP
# households found and says so ("more than 1,000").
SEARCH_PROBE_ROWS = 1_500
SEARCH_COUNT_CAP = 1_000


class HouseholdPage(NamedTuple):
    """A page of households with their count; ``exact`` False: the search matched more
    households than it lists, and ``count`` is how many it lists (SEARCH_COUNT_CAP at most)."""

    count: int
    exact: bool
    households: list[Household]


def households_page(
    user,
    *,
    page: int,
    page_size: int,
    unit: AdminUnit | None = None,
    covered: bool | None = None,
    missing_skill: str = "",
    q: str = "",
) -> HouseholdPage:
    """One page of ``households_for(user, …)`` (same order) and their count.

    On PostgreSQL a search first reads at most SEARCH_PROBE_ROWS matches of each kind in the
    user's place (search_probe). When there are no more, the page and its exact count come
    from those households alone. When there are, the search names a large share of the place
    ("nguyen", "nguyen thi"): it lists the first SEARCH_COUNT_CAP households found, in list
    order, and says the count is not exact (``exact`` False). Counting half a province's
    "Nguyễn" would cost seconds; a user who meets "more than 1,000" types more of the name."""
    start = (page - 1) * page_size
    found = _households_filtered(user, unit=unit, covered=covered, missing_skill=missing_skill)
    if found is None:
        return HouseholdPage(0, True, [])
    households, located = found
    q = clean(q)
    if q and connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cur:
            for setting in search_index.SEARCH_SETTINGS:
                cur.execute(f"SET LOCAL {setting}")
            ids, complete = search_probe(q, located)
            if not complete:
                ids = ids[:SEARCH_COUNT_CAP]
            # Ordered by the server without a LIMIT: with one, PostgreSQL may walk the
            # province's villages in name order looking for these few thousand ids.
            order = list(_ordered(_with_ids(households, ids)).values_list("pk", flat=True))
        wanted = order[start : start + page_size]
        rows = Household.objects.filter(pk__in=wanted).select_related("village", "commune")
        by_id = {h.pk: h for h in rows}
        return HouseholdPage(len(order), complete, [by_id[pk] for pk in wanted])
    if q:
        households = households_for(
            user, unit=unit, covered=covered, missing_skill=missing_skill, q=q
        )
    ordered = _ordered(households)
    return HouseholdPage(
        ordered.count(), True, list(ordered.select_related("commune")[start : start + page_size])
    )


def search_probe(q: str, located: dict) -> tuple[list[int], bool]:
    """The ids of households in the place (``{"commune_id": 7}``) that match the search by
    code, address or a resident's name, at most SEARCH_PROBE_ROWS of each kind, the first
    found first; and whether that is every match. PostgreSQL only.

    A name is looked up by its whole words, and by the beginning of its last word only when
    no resident of the place has the whole words (as _residents_named): the beginning reads
    every name that begins so ("tu" is Tú, Tư, Tuấn, Tùng, Tuyết...), 100 ms where the whole
    words took 4. Best run inside a transaction with search_index.SEARCH_SETTINGS."""
    limit = SEARCH_PROBE_ROWS
    folded = fold(q)
    whole = search_index.name_query(folded, prefix=False)

    def named(words: str) -> list[int]:
        rows = _named(words, located).values_list("household_id", flat=True).order_by()
        return list(rows[:limit])

    coded = list(
        Household.objects.filter(Q(code__iexact=q) | Q(address__icontains=q), **located)
        .values_list("pk", flat=True)
        .order_by()[:limit]
    )
    if whole:
        names = named(whole) or named(search_index.name_query(folded))
    else:
        rows = _residents_named(folded, located).values_list("household_id", flat=True)
        names = list(rows.order_by()[:limit])
    complete = len(coded) < limit and len(names) < limit
    return list(dict.fromkeys(coded + names)), complete


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


def current_residents(households, *fields: str) -> dict[int, list[Resident]]:
    """The current residents of these households (already scoped by the caller), by household
    id, in the order they were recorded; ``fields`` narrows the columns loaded."""
    by_household: dict[int, list[Resident]] = {getattr(h, "pk", h): [] for h in households}
    rows = Resident.objects.filter(
        household_id__in=list(by_household), status=ResidentStatus.CURRENT
    ).order_by("household_id", "id")
    if fields:
        rows = rows.only("household_id", *fields)
    for resident in rows:
        by_household[resident.household_id].append(resident)
    return by_household


class ResidentLine(NamedTuple):
    """What a list shows of a current resident (read as plain values: a province's list)."""

    household_id: int
    full_name: str
    relation: str
    phone: str


def current_resident_lines(households) -> dict[int, list[ResidentLine]]:
    """The current residents of these households as plain lines, by household id, in the order
    they were recorded: the household list's page and its export of a province."""
    by_household: dict[int, list[ResidentLine]] = {getattr(h, "pk", h): [] for h in households}
    rows = (
        Resident.objects.filter(household_id__in=list(by_household), status=ResidentStatus.CURRENT)
        .order_by("household_id", "id")
        .values_list("household_id", "full_name", "relation", "phone")
    )
    for row in rows:
        line = ResidentLine(*row)
        by_household[line.household_id].append(line)
    return by_household


def targets_for(unit: AdminUnit, year: int) -> Target | None:
    """The unit's own target for the year, or the nearest ancestor's."""
    # By the ancestors' ids: a code alone may also name a closed 2024 unit.
    chain = [pk for pk in (unit.province_id, unit.district_id, unit.commune_id, unit.pk) if pk]
    targets = {
        t.unit_id: t
        for t in Target.objects.filter(unit_id__in=chain, year=year).select_related("unit")
    }
    for pk in reversed(chain):
        if pk in targets:
            return targets[pk]
    return None
