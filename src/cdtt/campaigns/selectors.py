"""Reads of the campaigns app: which campaigns a user sees, the field worklist, and the figures
of the campaign dashboard (sums of the per-village-per-day counters, one GROUP BY each)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from json.encoder import encode_basestring

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Count, Max, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from cdtt.campaigns.models import (
    Campaign,
    CampaignDay,
    CampaignState,
    CampaignStatus,
    CampaignTarget,
    Visit,
)
from cdtt.core.access import scope_path
from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.models import (
    LEVEL_FIELDS,
    CoverageSnapshot,
    Household,
    Resident,
    ResidentStatus,
)
from cdtt.registry.selectors import Coverage, coverage_of

COLUMN = {
    Level.PROVINCE: "province_id",
    Level.DISTRICT: "district_id",
    Level.COMMUNE: "commune_id",
    Level.VILLAGE: "village_id",
}
STALE_DAYS = 2
HEAD_RELATION = "Chủ hộ"  # as the population file names the head of a household


# --- which campaigns -------------------------------------------------------------------------


def campaigns_in_state(
    campaigns: QuerySet[Campaign], state: str, today: date | None = None
) -> QuerySet[Campaign]:
    """The campaigns in ``state`` (models.campaign_state, as one filter of the query)."""
    today = today or timezone.localdate()
    launched = Q(status=CampaignStatus.ACTIVE)
    rule = {
        CampaignState.DRAFT: Q(status=CampaignStatus.DRAFT),
        CampaignState.UPCOMING: launched & Q(starts_on__gt=today),
        CampaignState.RUNNING: launched & Q(starts_on__lte=today, ends_on__gte=today),
        CampaignState.ENDED: Q(status=CampaignStatus.CLOSED) | (launched & Q(ends_on__lt=today)),
    }[CampaignState(state)]
    return campaigns.filter(rule)


def campaigns_for(user) -> QuerySet[Campaign]:
    """Campaigns whose scope overlaps the user's: a scope unit inside the user's subtree, or the
    user's unit inside a scope unit."""
    path = scope_path(user)
    if path is None:
        return Campaign.objects.none()
    # The units above by their paths: a code alone may also name a closed 2024 unit.
    parts = [c for c in path.strip("/").split("/") if c]
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    ids = Campaign.scope_units.through.objects.filter(
        Q(adminunit__path__startswith=path) | Q(adminunit__path__in=ancestors)
    ).values("campaign_id")
    return Campaign.objects.filter(pk__in=ids)


def access_campaign(user, pk: int) -> Campaign:
    campaign = campaigns_for(user).filter(pk=pk).first()
    if campaign is None:
        raise Http404("campaign")
    return campaign


# --- which visits ----------------------------------------------------------------------------


def visits_for(user) -> QuerySet[Visit]:
    """Visits the user may see: those in their scope subtree and, for a field user, those of the
    villages their teams serve."""
    path = scope_path(user)
    if path is None:
        return Visit.objects.none()
    return Visit.objects.filter(
        Q(village__path__startswith=path) | Q(village__in=field_villages(user).values("pk"))
    )


def access_visit(user, pk) -> Visit:
    """The visit (keyed by the client's UUID) if the user may see it; otherwise 404, a key that
    is no UUID included."""
    try:
        visit = visits_for(user).filter(pk=pk).first()
    except (ValueError, ValidationError):
        visit = None
    if visit is None:
        raise Http404("visit")
    return visit


def scope_filter(campaign: Campaign) -> Q:
    """Villages (or any units) inside the campaign's scope."""
    cond = Q(pk__in=[])
    for unit in campaign.scope_units.all():
        cond |= Q(path__startswith=unit.path)
    return cond


def campaign_top_unit(campaign: Campaign, user) -> AdminUnit:
    """Where the dashboard opens: the user's unit when it lies inside the campaign's scope,
    otherwise the campaign's (first) scope unit inside the user's subtree."""
    units = list(campaign.scope_units.all())
    mine = user.scope_unit
    if mine is not None and any(mine.path.startswith(u.path) for u in units):
        return mine
    path = scope_path(user) or "/"
    inside = [u for u in units if u.path.startswith(path)]
    if not inside:
        raise Http404("unit")
    return sorted(inside, key=lambda u: u.path)[0]


def campaign_units_visible(campaign: Campaign, user, unit: AdminUnit) -> bool:
    path = scope_path(user)
    if path is None or not unit.path.startswith(path):
        return False
    return any(
        unit.path.startswith(u.path) or u.path.startswith(unit.path)
        for u in campaign.scope_units.all()
    )


# --- the field app ---------------------------------------------------------------------------


def field_villages(user) -> QuerySet[AdminUnit]:
    from cdtt.teams.selectors import field_villages as villages

    return villages(user)


def active_campaigns_for_villages(villages: list[AdminUnit], today: date | None = None) -> dict:
    """{village id: [campaign ids]} for campaigns under way (or about to be) that cover each."""
    today = today or timezone.localdate()
    campaigns = list(
        Campaign.objects.filter(
            status=CampaignStatus.ACTIVE, ends_on__gte=today - timedelta(days=366)
        )
        .prefetch_related("scope_units", "services")
        .order_by("starts_on")
    )
    result = {v.pk: [] for v in villages}
    for campaign in campaigns:
        paths = [u.path for u in campaign.scope_units.all()]
        for v in villages:
            if any(v.path.startswith(p) for p in paths):
                result[v.pk].append(campaign.pk)
    return {"campaigns": campaigns, "by_village": result}


@dataclass
class _Pattern:
    """What residents with one combination of levels share: built once, used by each."""

    levels: dict
    lacks: list
    levels_json: str
    lacks_json: str


def _worklist_codes(active: list[str] | None = None) -> list[str]:
    """The active skills that have a level field on the resident, in their order. ``active``:
    the codes of the active skills, already read (otherwise read here)."""
    from cdtt.skills.models import Skill

    if active is None:
        active = list(Skill.objects.filter(active=True).values_list("code", flat=True))
    return [c for c in active if c in LEVEL_FIELDS]


def _worklist_residents(households: list[tuple], codes: list[str]) -> list[tuple]:
    """The current residents of the households with their levels (one query): the head of the
    household first (the one the list names), then the eldest first. On PostgreSQL the
    households' ids go as one array parameter: the statement is then the same whatever the
    village's size, parsed and planned once a connection (a list of hundreds of placeholders
    cost more to send, parse and plan than the query takes to run)."""
    ids = [h[0] for h in households]
    columns = ["id", "household_id", "full_name", "birth_year", "relation"]
    columns += [Resident._meta.get_field(LEVEL_FIELDS[c]).column for c in codes]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT {', '.join(columns)} FROM {Resident._meta.db_table} "
                "WHERE household_id = ANY(%s::bigint[]) AND status = %s "
                "ORDER BY household_id, CASE WHEN relation = %s THEN 0 ELSE 1 END, "
                "birth_year, id",
                [ids, ResidentStatus.CURRENT.value, HEAD_RELATION],
            )
            return cur.fetchall()
    head_first = Case(When(relation=HEAD_RELATION, then=Value(0)), default=Value(1))
    return list(
        Resident.objects.filter(household_id__in=ids, status=ResidentStatus.CURRENT)
        .order_by("household_id", head_first, "birth_year", "pk")
        .values_list(
            "pk",
            "household_id",
            "full_name",
            "birth_year",
            "relation",
            *[LEVEL_FIELDS[c] for c in codes],
        )
    )


def _worklist_visits(village: AdminUnit) -> dict[int, tuple]:
    """Each household's last visit and number of visits (one query)."""
    return {
        hid: (last, n)
        for hid, last, n in Visit.objects.filter(village=village)
        .values("household_id")
        .annotate(last=Max("visited_at"), n=Count("pk"))
        .order_by()
        .values_list("household_id", "last", "n")
    }


def _residents_by_household(residents: list[tuple], codes: list[str]) -> dict[int, list[tuple]]:
    """The residents grouped by household, each with the shared pattern of their levels."""
    patterns: dict[tuple, _Pattern] = {}

    def pattern(key: tuple) -> _Pattern:
        found = patterns.get(key)
        if found is None:
            lv = dict(zip(codes, key, strict=True))
            lacks = [c for c, level in zip(codes, key, strict=True) if level < 2]
            found = patterns[key] = _Pattern(lv, lacks, _dumps(lv), _dumps(lacks))
        return found

    by_household: dict[int, list[tuple]] = {}
    for rid, hid, name, year, relation, *levels in residents:
        people = by_household.get(hid)
        if people is None:
            people = by_household[hid] = []
        people.append((rid, name, year, relation, pattern(tuple(levels))))
    return by_household


def _worklist_order(
    households: list[tuple], by_household: dict[int, list[tuple]], codes: list[str]
) -> list[tuple]:
    """The households in worklist order (uncovered first, fewest skills lacking first), each
    with what its best-placed resident still lacks."""
    order = []
    codes_json = _dumps(codes)
    for household in households:
        hid, code, _address, covered = household
        best = None
        for person in by_household.get(hid, ()):
            if best is None or len(person[4].lacks) < len(best.lacks):
                best = person[4]
        if covered:
            lacks, lacks_json = [], "[]"
        elif best is not None:
            lacks, lacks_json = best.lacks, best.lacks_json
        else:
            lacks, lacks_json = codes, codes_json
        order.append(((covered, len(lacks), code), household, lacks, lacks_json))
    order.sort(key=lambda item: item[0])
    return order


def _worklist_rows(village: AdminUnit, skills: list[str] | None = None):
    """The rows of a village's worklist. Four queries whatever the size (three when the village
    came with its commune, two more when the active skills came too)."""
    codes = _worklist_codes(skills)
    commune_code = (village.commune.code or "") if village.commune_id else ""
    households = list(
        Household.objects.filter(village=village).values_list("pk", "code", "address", "covered")
    )
    residents = _worklist_residents(households, codes)
    visits = _worklist_visits(village)
    by_household = _residents_by_household(residents, codes)
    return commune_code, _worklist_order(households, by_household, codes), by_household, visits


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def worklist(village: AdminUnit) -> list[dict]:
    """The households of a village for the field app: uncovered first, each with its current
    residents, their levels and the skills they still lack. Four queries whatever the size."""
    commune_code, order, by_household, visits = _worklist_rows(village)
    items = []
    for _key, (hid, code, address, covered), lacks, _json in order:
        last, n = visits.get(hid, (None, 0))
        items.append(
            {
                "id": hid,
                "commune_code": commune_code,
                "code": code,
                "address": address,
                "covered": covered,
                "lacks": list(lacks),
                "visits": n,
                "last_visit": last.isoformat() if last else None,
                "residents": [
                    {
                        "id": rid,
                        "full_name": name,
                        "birth_year": year,
                        "relation": relation,
                        "levels": dict(p.levels),
                        "lacks": list(p.lacks),
                    }
                    for rid, name, year, relation, p in by_household.get(hid, ())
                ],
            }
        )
    return items


def worklist_json(
    village: AdminUnit, limit: int | None = None, *, skills: list[str] | None = None
) -> bytes:
    """The worklist document of the API, ``{"village": {...}, "households": worklist(village)}``,
    written straight to JSON text (UTF-8). ``limit``: only the first households (the first
    screen of a phone that has no copy yet); ``skills``: the codes of the active skills, when
    already read. On PostgreSQL the households are written by the server, in one statement
    (worklist_sql); elsewhere here, the same text."""
    text = encode_basestring
    head = f'{{"village":{{"code":{text(village.code)},"name":{text(village.full_name)}}},'
    head += '"households":['
    if connection.vendor == "postgresql":
        from cdtt.campaigns.worklist_sql import worklist_households_json

        commune_code = (village.commune.code or "") if village.commune_id else ""
        items = worklist_households_json(
            village.pk, commune_code, _worklist_codes(skills), HEAD_RELATION, limit
        )
    else:
        items = worklist_items_json(village, limit, skills=skills)
    return b"".join([head.encode(), items, b"]}"])


def worklist_items_json(
    village: AdminUnit, limit: int | None = None, *, skills: list[str] | None = None
) -> bytes:
    """The households of the worklist document written in Python (the text between ``[`` and
    ``]``): the residents' levels and lacks are encoded once per combination of levels."""
    text = encode_basestring
    commune_code, order, by_household, visits = _worklist_rows(village, skills)
    if limit is not None:
        order = order[:limit]
    commune = text(commune_code)
    out = []
    for _key, (hid, code, address, covered), _lacks, lacks_json in order:
        last, n = visits.get(hid, (None, 0))
        people = ",".join(
            [
                f'{{"id":{rid},"full_name":{text(name)},'
                f'"birth_year":{"null" if year is None else int(year)},'
                f'"relation":{text(relation)},"levels":{p.levels_json},"lacks":{p.lacks_json}}}'
                for rid, name, year, relation, p in by_household.get(hid, ())
            ]
        )
        out.append(
            f'{{"id":{hid},"commune_code":{commune},"code":{text(code)},'
            f'"address":{text(address)},"covered":{"true" if covered else "false"},'
            f'"lacks":{lacks_json},"visits":{n},'
            f'"last_visit":{text(last.isoformat()) if last else "null"},"residents":[{people}]}}'
        )
    return ",".join(out).encode()


# --- the dashboard ---------------------------------------------------------------------------


@dataclass
class Figures:
    visits: int = 0
    guided: int = 0
    reached: int = 0  # distinct households reached in the campaign
    assessments: int = 0
    households_to_visit: int | None = None
    residents_to_guide: int | None = None
    before: Coverage | None = None
    now: Coverage | None = None
    unit: AdminUnit | None = None
    extra: dict = field(default_factory=dict)

    @property
    def target_percent(self) -> str:
        if not self.households_to_visit:
            return "—"
        return f"{100 * self.reached / self.households_to_visit:.1f}"

    @property
    def target_ratio(self) -> float:
        if not self.households_to_visit:
            return 0.0
        return min(1.0, self.reached / self.households_to_visit)


_SUMS = {
    "visits": Sum("visits"),
    "guided": Sum("guided"),
    "reached": Sum("new_households"),
    "assessments": Sum("assessments"),
}


def days_of(campaign: Campaign, unit: AdminUnit) -> QuerySet[CampaignDay]:
    return CampaignDay.objects.filter(campaign=campaign, **{COLUMN[unit.level]: unit.pk})


def snapshot_day(campaign: Campaign) -> date | None:
    """The day of the coverage snapshot that stands for "before the campaign"."""
    return CoverageSnapshot.objects.filter(day__lte=campaign.starts_on).aggregate(d=Max("day"))["d"]


def coverage_before(campaign: Campaign, unit: AdminUnit, day: date | None) -> Coverage | None:
    if day is None:
        return None
    totals = CoverageSnapshot.objects.filter(day=day, **{COLUMN[unit.level]: unit.pk}).aggregate(
        households=Sum("households"), covered=Sum("covered")
    )
    return Coverage(households=totals["households"] or 0, covered=totals["covered"] or 0)


def target_of(campaign: Campaign, unit: AdminUnit) -> CampaignTarget | None:
    return CampaignTarget.objects.filter(campaign=campaign, unit=unit).first()


def unit_figures(campaign: Campaign, unit: AdminUnit, *, snap: date | None = None) -> Figures:
    totals = days_of(campaign, unit).aggregate(**_SUMS)
    fig = Figures(unit=unit, **{k: v or 0 for k, v in totals.items()})
    target = target_of(campaign, unit)
    if target is None:
        below = CampaignTarget.objects.filter(campaign=campaign, unit__parent=unit).aggregate(
            h=Sum("households_to_visit"), r=Sum("residents_to_guide")
        )
        fig.households_to_visit, fig.residents_to_guide = below["h"], below["r"]
    else:
        fig.households_to_visit = target.households_to_visit
        fig.residents_to_guide = target.residents_to_guide
    fig.now = coverage_of(unit)
    fig.before = coverage_before(campaign, unit, snap)
    return fig


def children_figures(
    campaign: Campaign, unit: AdminUnit, *, snap: date | None = None
) -> list[Figures]:
    """Each child unit of ``unit`` inside the campaign's scope, with its figures."""
    children = list(
        AdminUnit.objects.filter(parent=unit, valid_to__isnull=True)
        .filter(scope_filter(campaign) | Q(pk__in=[u.pk for u in campaign.scope_units.all()]))
        .order_by("name_key")
    )
    if not children or unit.level == Level.VILLAGE:
        return []
    column = COLUMN[children[0].level]
    sums = {
        row[column]: row
        for row in days_of(campaign, unit).values(column).annotate(**_SUMS).order_by()
    }
    targets = {
        t.unit_id: t for t in CampaignTarget.objects.filter(campaign=campaign, unit__in=children)
    }
    from cdtt.registry.selectors import coverage_children

    now = {child.pk: cov for child, cov in coverage_children(unit)}
    before: dict[int, Coverage] = {}
    if snap is not None:
        for row in (
            CoverageSnapshot.objects.filter(day=snap, **{COLUMN[unit.level]: unit.pk})
            .values(column)
            .annotate(h=Sum("households"), c=Sum("covered"))
            .order_by()
        ):
            before[row[column]] = Coverage(households=row["h"] or 0, covered=row["c"] or 0)
    result = []
    for child in children:
        row = sums.get(child.pk, {})
        t = targets.get(child.pk)
        result.append(
            Figures(
                unit=child,
                visits=row.get("visits") or 0,
                guided=row.get("guided") or 0,
                reached=row.get("reached") or 0,
                assessments=row.get("assessments") or 0,
                households_to_visit=t.households_to_visit if t else None,
                residents_to_guide=t.residents_to_guide if t else None,
                now=now.get(child.pk, Coverage()),
                before=before.get(child.pk) if snap else None,
            )
        )
    return result


def daily_series(campaign: Campaign, unit: AdminUnit) -> list[dict]:
    """One row per day of the campaign: visits, households first reached, and cumulative reach."""
    rows = {r["day"]: r for r in days_of(campaign, unit).values("day").annotate(**_SUMS).order_by()}
    series, cumulative = [], 0
    last = min(campaign.ends_on, max(timezone.localdate(), campaign.starts_on))
    day = campaign.starts_on
    while day <= last:
        r = rows.get(day, {})
        cumulative += r.get("reached") or 0
        series.append(
            {
                "day": day,
                "visits": r.get("visits") or 0,
                "guided": r.get("guided") or 0,
                "reached": r.get("reached") or 0,
                "cumulative": cumulative,
                "assessments": r.get("assessments") or 0,
            }
        )
        day += timedelta(days=1)
    return series


def team_ranking(campaign: Campaign, unit: AdminUnit, limit: int = 10) -> list[dict]:
    return list(
        Visit.objects.filter(campaign=campaign, team__isnull=False, **{COLUMN[unit.level]: unit.pk})
        .values("team_id", "team__name")
        .annotate(visits=Count("pk"), households=Count("household_id", distinct=True))
        .order_by("-households", "-visits", "team__name")[:limit]
    )


def commune_ranking(campaign: Campaign, unit: AdminUnit, limit: int = 10) -> list[dict]:
    """Communes by share of their household target reached (or by households reached)."""
    if unit.level in (Level.COMMUNE, Level.VILLAGE):
        return []
    rows = list(days_of(campaign, unit).values("commune_id").annotate(**_SUMS).order_by())
    targets = dict(
        CampaignTarget.objects.filter(
            campaign=campaign, unit__level=Level.COMMUNE, unit__path__startswith=unit.path
        ).values_list("unit_id", "households_to_visit")
    )
    names = {u.pk: u for u in AdminUnit.objects.filter(pk__in=[r["commune_id"] for r in rows])}
    for r in rows:
        r["unit"] = names.get(r["commune_id"])
        r["target"] = targets.get(r["commune_id"])
        r["rate"] = (r["reached"] / r["target"]) if r["target"] else None
    rows.sort(key=lambda r: (-(r["rate"] if r["rate"] is not None else -1), -(r["reached"] or 0)))
    return rows[:limit]


def stale_villages(
    campaign: Campaign, unit: AdminUnit, today: date | None = None, limit: int = 200
) -> tuple[int, list[dict]]:
    """Villages with households, inside the campaign's scope and the unit, with no visit in the
    campaign for two days (today and yesterday). Empty before the campaign is two days old."""
    today = today or timezone.localdate()
    if (
        campaign.status != CampaignStatus.ACTIVE
        or today > campaign.ends_on
        or ((today - campaign.starts_on).days < STALE_DAYS)
    ):
        return 0, []
    since = today - timedelta(days=STALE_DAYS - 1)
    recent = CampaignDay.objects.filter(campaign=campaign, day__gte=since, visits__gt=0).values(
        "village_id"
    )
    villages = (
        AdminUnit.objects.filter(
            level=Level.VILLAGE,
            valid_to__isnull=True,
            path__startswith=unit.path,
            coverage__households__gt=0,
        )
        .filter(scope_filter(campaign))
        .exclude(pk__in=recent)
    )
    total = villages.count()
    rows = list(villages.select_related("commune").order_by("path")[:limit])
    last = dict(
        CampaignDay.objects.filter(
            campaign=campaign, village__in=[v.pk for v in rows], visits__gt=0
        )
        .values("village_id")
        .annotate(last=Max("day"))
        .order_by()
        .values_list("village_id", "last")
    )
    return total, [{"unit": v, "last": last.get(v.pk)} for v in rows]
