"""What training knows about a person, a team or a unit over a period, for honours: the courses
completed (cdtt.core.evidence). A team's or a unit's count is the completions of the people
serving in its teams now."""

from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cdtt.core.evidence import Evidence, Period, Subject, provider_register
from cdtt.geo.models import AdminUnit
from cdtt.teams.models import Membership
from cdtt.training.models import Completion


def _completions(period: Period):
    found = Completion.objects.filter(revoked_at__isnull=True)
    if period.start:
        found = found.filter(completed_on__gte=period.start)
    if period.end:
        found = found.filter(completed_on__lte=period.end)
    return found


def _line(value: int) -> list[Evidence]:
    return [Evidence("courses_completed", _("Khóa tập huấn đã hoàn thành"), value, _("khóa"))]


def _counted(rows, key: str) -> dict[int, int]:
    return {row[key]: row["n"] for row in rows.values(key).annotate(n=Count("pk")).order_by()}


def provide(subjects: Sequence[Subject], period: Period) -> dict[Subject, list[Evidence]]:
    out: dict[Subject, list[Evidence]] = {}
    done = _completions(period)
    people = [s for s in subjects if s.kind == "person"]
    if people:
        counts = _counted(done.filter(person_id__in=[s.pk for s in people]), "person_id")
        out.update({s: _line(counts[s.pk]) for s in people if s.pk in counts})
    active = Membership.objects.filter(left_on__isnull=True)
    teams = [s for s in subjects if s.kind == "team"]
    if teams:
        for s in teams:
            serving = active.filter(team_id=s.pk).values("person_id")
            n = done.filter(person_id__in=serving).count()
            if n:
                out[s] = _line(n)
    units = [s for s in subjects if s.kind == "unit"]
    for unit in AdminUnit.objects.filter(pk__in=[s.pk for s in units]):
        serving = active.filter(team__path__startswith=unit.path).values("person_id")
        n = done.filter(person_id__in=serving).count()
        if n:
            out[Subject("unit", unit.pk)] = _line(n)
    return out


def register() -> None:
    provider_register("training", kinds=("person", "team", "unit"), provide=provide)
