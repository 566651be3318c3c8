"""What the campaigns know about a person, a team or a unit over a period, for honours: the
visits made and the households they reached (cdtt.core.evidence). A person's visits are those
they recorded from their own login."""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdtt.campaigns.models import Visit
from cdtt.core.evidence import Evidence, Period, Subject, provider_register
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit

COUNTS = {"visits": Count("pk"), "households": Count("household_id", distinct=True)}


def _in_period(visits, period: Period):
    if period.start:
        start = timezone.make_aware(dt.datetime.combine(period.start, dt.time()))
        visits = visits.filter(visited_at__gte=start)
    if period.end:
        visits = visits.filter(visited_at__lt=end_of_day(period.end))
    return visits


def _lines(row: dict) -> list[Evidence]:
    return [
        Evidence("households_visited", _("Hộ được đến hướng dẫn"), row["households"], _("hộ")),
        Evidence("visits", _("Lượt đến hộ"), row["visits"], _("lượt")),
    ]


def _by(field: str, ids: list[int], period: Period) -> dict[int, dict]:
    rows = (
        _in_period(Visit.objects.filter(**{f"{field}__in": ids}), period)
        .values(field)
        .annotate(**COUNTS)
        .order_by()
    )
    return {row[field]: row for row in rows}


def provide(subjects: Sequence[Subject], period: Period) -> dict[Subject, list[Evidence]]:
    from cdtt.teams.models import Person

    out: dict[Subject, list[Evidence]] = {}
    people = [s for s in subjects if s.kind == "person"]
    if people:
        users = dict(
            Person.objects.filter(pk__in=[s.pk for s in people], user__isnull=False).values_list(
                "pk", "user_id"
            )
        )
        rows = _by("recorded_by_id", list(users.values()), period)
        for s in people:
            if users.get(s.pk) in rows:
                out[s] = _lines(rows[users[s.pk]])
    teams = [s for s in subjects if s.kind == "team"]
    if teams:
        rows = _by("team_id", [s.pk for s in teams], period)
        out.update({s: _lines(rows[s.pk]) for s in teams if s.pk in rows})
    units = [s for s in subjects if s.kind == "unit"]
    if units:
        found = list(AdminUnit.objects.filter(pk__in=[s.pk for s in units]))
        rows = grouped(_in_period(Visit.objects.all(), period), found, COUNTS)
        out.update({s: _lines(rows[s.pk]) for s in units if rows.get(s.pk, {}).get("visits")})
    return out


def register() -> None:
    provider_register("campaigns", kinds=("person", "team", "unit"), provide=provide)
