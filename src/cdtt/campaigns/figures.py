"""Figures of the campaigns: visits to households, and the households visited.

Visits of a campaign are read from its exact daily counters (CampaignDay, by local day), visits
outside any campaign from the visits themselves; as of a date, those made by the end of that day.
A household visited in two campaigns counts once in each (the counters keep the households each
campaign reached, not across campaigns).
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from cdtt.campaigns.models import CampaignDay, Visit
from cdtt.figures.catalogue import Figure, Value, declare
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit

MODULE = "campaigns"


def _visits(units: Sequence[AdminUnit], as_of: dt.date | None) -> dict[int, dict[str, Value]]:
    days = CampaignDay.objects.all()
    loose = Visit.objects.filter(campaign__isnull=True)
    if as_of is not None:
        days = days.filter(day__lte=as_of)
        loose = loose.filter(visited_at__lt=end_of_day(as_of))
    counted = grouped(
        days, units, {"visits": Sum("visits"), "households_visited": Sum("new_households")}
    )
    outside = grouped(
        loose,
        units,
        {"visits": Count("pk"), "households_visited": Count("household_id", distinct=True)},
    )
    return {
        u.pk: {
            code: counted.get(u.pk, {}).get(code, 0) + outside.get(u.pk, {}).get(code, 0)
            for code in ("visits", "households_visited")
        }
        for u in units
    }


declare(
    module=MODULE,
    figures=[
        Figure("visits", _("Lượt đến hộ"), _("lượt")),
        Figure("households_visited", _("Hộ được đến tận nhà"), _("hộ")),
    ],
    compute=_visits,
)
