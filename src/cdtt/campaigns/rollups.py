"""The campaigns' daily counters (``CampaignDay``), checked and rebuilt from the visits.

Each visit moves its village's row of its day in its own transaction
(``cdtt.campaigns.services``); here the same figures are counted again from the stored visits:
- ``visits``, ``guided``, ``assessments``: the visits of the village that day, those that
  guided someone, the assessments they recorded;
- ``households``: the households visited that day (counted in the village of their first
  visit of the day);
- ``new_households``: the households whose first visit in the campaign fell on that day.
Days are local dates (settings.TIME_ZONE), as the visits are counted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from cdtt.campaigns.models import CampaignDay, Outcome, Visit

COUNTERS = ("visits", "guided", "households", "new_households", "assessments")
Key = tuple[int, int, date]  # campaign, village, day


@dataclass(frozen=True)
class DayDifference:
    campaign_id: int
    village_id: int
    day: date
    stored: tuple[int, ...]
    expected: tuple[int, ...]

    def __str__(self) -> str:
        changes = ", ".join(
            f"{name} {s} ≠ {e}"
            for name, s, e in zip(COUNTERS, self.stored, self.expected, strict=True)
            if s != e
        )
        return (
            f"campaign {self.campaign_id}, village {self.village_id}, "
            f"{self.day:%d/%m/%Y}: {changes} (stored ≠ recounted)"
        )


def _recount() -> tuple[dict[Key, list[int]], dict[Key, tuple]]:
    """Counters of every (campaign, village, day) from the visits, and the units of each."""
    counts: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTERS))
    units: dict[Key, tuple] = {}
    visits = (
        Visit.objects.filter(campaign__isnull=False)
        .order_by("campaign_id", "household_id", "visited_at")
        .values_list(
            "campaign_id",
            "household_id",
            "village_id",
            "commune_id",
            "district_id",
            "province_id",
            "visited_at",
            "outcome",
            "assessments",
        )
    )
    last_household, last_day = None, None
    for (
        campaign,
        household,
        village,
        commune,
        district,
        province,
        at,
        outcome,
        n,
    ) in visits.iterator(chunk_size=20_000):
        day = timezone.localdate(at)
        key = (campaign, village, day)
        units.setdefault(key, (commune, district, province))
        row = counts[key]
        row[0] += 1
        row[1] += outcome == Outcome.GUIDED
        row[4] += n
        if (campaign, household) != last_household:
            row[3] += 1  # the household's first visit in the campaign
            last_household, last_day = (campaign, household), None
        if day != last_day:
            row[2] += 1  # its first visit of the day
            last_day = day
    return counts, units


def _stored() -> dict[Key, tuple[int, ...]]:
    return {
        (c, v, d): tuple(rest)
        for c, v, d, *rest in CampaignDay.objects.values_list(
            "campaign_id", "village_id", "day", *COUNTERS
        ).iterator(chunk_size=20_000)
    }


def campaign_days_check() -> list[DayDifference]:
    """Every (campaign, village, day) whose stored counters differ from a recount."""
    expected, _units = _recount()
    stored = _stored()
    zero = (0,) * len(COUNTERS)
    diffs = []
    for key in sorted(set(expected) | set(stored)):
        want = tuple(expected[key]) if key in expected else zero
        have = stored.get(key, zero)
        if want != have:
            diffs.append(DayDifference(*key, stored=have, expected=want))
    return diffs


@transaction.atomic
def campaign_days_rebuild() -> int:
    """Replace every campaign day row by its recount; returns the number of rows. Visits that
    arrive meanwhile wait for it, then add to the rebuilt rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {CampaignDay._meta.db_table} IN EXCLUSIVE MODE")
    expected, units = _recount()
    CampaignDay.objects.all().delete()
    CampaignDay.objects.bulk_create(
        [
            CampaignDay(
                campaign_id=c,
                village_id=v,
                commune_id=units[(c, v, d)][0],
                district_id=units[(c, v, d)][1],
                province_id=units[(c, v, d)][2],
                day=d,
                **dict(zip(COUNTERS, values, strict=True)),
            )
            for (c, v, d), values in expected.items()
        ],
        batch_size=5_000,
    )
    return len(expected)
