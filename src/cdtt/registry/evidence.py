"""What the registry knows about a unit or a person over a period, for honours: the residents
who became proficient in the five skills (cdtt.core.evidence). A resident counts when they are
proficient now and were assessed proficient in a skill during the period; for a person, by the
assessments that person made from their own login."""

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdtt.core.evidence import Evidence, Period, Subject, provider_register
from cdtt.figures.grouping import end_of_day, grouped
from cdtt.geo.models import AdminUnit
from cdtt.registry.models import Resident
from cdtt.skills.models import Level, SkillAssessment


def _assessments(period: Period):
    found = SkillAssessment.objects.filter(level=Level.PROFICIENT)
    if period.start:
        start = timezone.make_aware(dt.datetime.combine(period.start, dt.time()))
        found = found.filter(assessed_at__gte=start)
    if period.end:
        found = found.filter(assessed_at__lt=end_of_day(period.end))
    return found


def _line(value: int) -> list[Evidence]:
    return [
        Evidence(
            "residents_proficient",
            _("Người dân trở nên thành thạo 5 kỹ năng số"),
            value,
            _("người"),
        )
    ]


def provide(subjects: Sequence[Subject], period: Period) -> dict[Subject, list[Evidence]]:
    out: dict[Subject, list[Evidence]] = {}
    proficient = Resident.objects.filter(proficient=True)
    units = [s for s in subjects if s.kind == "unit"]
    if units:
        found = list(AdminUnit.objects.filter(pk__in=[s.pk for s in units]))
        assessed = proficient.filter(pk__in=_assessments(period).values("resident_id"))
        rows = grouped(assessed, found, {"n": Count("pk")})
        out.update({s: _line(rows[s.pk]["n"]) for s in units if rows.get(s.pk, {}).get("n")})
    people = [s for s in subjects if s.kind == "person"]
    if people:
        # The person's login, through the user's reverse relation (registry stands below teams).
        users = dict(
            get_user_model()
            .objects.filter(person__pk__in=[s.pk for s in people])
            .values_list("person__pk", "pk")
        )
        rows = (
            _assessments(period)
            .filter(assessor_id__in=list(users.values()), resident__in=proficient)
            .values("assessor_id")
            .annotate(n=Count("resident_id", distinct=True))
            .order_by()
        )
        counts = {row["assessor_id"]: row["n"] for row in rows}
        out.update({s: _line(counts[users[s.pk]]) for s in people if users.get(s.pk) in counts})
    return out


def register() -> None:
    provider_register("registry", kinds=("unit", "person"), provide=provide)
