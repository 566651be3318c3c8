"""The registry of counted criteria: facts of the platform a movement's criterion counts per
member over its period. Each counter answers for many members at once (a few queries) and lists
the entries behind one member's count (the ranking's drill-down). Other modules (a media log
that counts posts) register theirs with ``counter_register`` from their AppConfig.ready."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cdtt.figures.grouping import end_of_day
from cdtt.teams.models import Person


@dataclass(frozen=True)
class Entry:
    when: dt.date | dt.datetime
    text: str


# (people, start, end) -> {person pk: count}
Count_ = Callable[[Sequence[Person], dt.date, dt.date], dict[int, int]]
# (person, start, end) -> the entries behind the count
Entries = Callable[[Person, dt.date, dt.date], list[Entry]]


@dataclass(frozen=True)
class Counter:
    code: str
    label: str
    count: Count_
    entries: Entries


_counters: dict[str, Counter] = {}


def counter_register(code: str, *, label, count: Count_, entries: Entries) -> Counter:
    counter = Counter(code, label, count, entries)
    _counters[code] = counter
    return counter


def counters() -> list[Counter]:
    return list(_counters.values())


def counter(code: str) -> Counter | None:
    return _counters.get(code)


def _window(start: dt.date, end: dt.date) -> dict:
    return {"gte": end_of_day(start - dt.timedelta(days=1)), "lt": end_of_day(end)}


def _users(people: Sequence[Person]) -> dict[int, int]:
    return {p.user_id: p.pk for p in people if p.user_id}


# --- the platform's own counters ----------------------------------------------------------------


def _visits_count(people, start, end):
    from cdtt.campaigns.models import Visit

    users = _users(people)
    w = _window(start, end)
    rows = (
        Visit.objects.filter(
            recorded_by_id__in=users, visited_at__gte=w["gte"], visited_at__lt=w["lt"]
        )
        .values("recorded_by_id")
        .annotate(n=Count("household_id", distinct=True))
        .order_by()
    )
    return {users[r["recorded_by_id"]]: r["n"] for r in rows}


def _visits_entries(person, start, end):
    from cdtt.campaigns.models import Visit

    w = _window(start, end)
    visits = (
        Visit.objects.filter(
            recorded_by_id=person.user_id, visited_at__gte=w["gte"], visited_at__lt=w["lt"]
        )
        .select_related("household", "village")
        .order_by("visited_at")
    )
    seen, out = set(), []
    for v in visits:
        if person.user_id and v.household_id not in seen:
            seen.add(v.household_id)
            out.append(Entry(v.visited_at, f"{v.household.code} · {v.village.full_name}"))
    return out


def _proficient_rows(user_ids, start, end):
    from cdtt.skills.models import SkillAssessment

    w = _window(start, end)
    return SkillAssessment.objects.filter(
        assessor_id__in=user_ids,
        assessed_at__gte=w["gte"],
        assessed_at__lt=w["lt"],
        level=2,
        resident__proficient=True,
    )


def _proficient_count(people, start, end):
    users = _users(people)
    rows = (
        _proficient_rows(list(users), start, end)
        .values("assessor_id")
        .annotate(n=Count("resident_id", distinct=True))
        .order_by()
    )
    return {users[r["assessor_id"]]: r["n"] for r in rows}


def _proficient_entries(person, start, end):
    if not person.user_id:
        return []
    rows = (
        _proficient_rows([person.user_id], start, end)
        .values_list("resident_id", "resident__full_name")
        .distinct()
    )
    return [Entry(end, name) for _pk, name in rows]


def _trained_count(people, start, end):
    from cdtt.training.models import Completion

    rows = (
        Completion.objects.filter(
            person__in=people, completed_on__gte=start, completed_on__lte=end, revoked_at=None
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["person_id"]: r["n"] for r in rows}


def _trained_entries(person, start, end):
    from cdtt.training.models import Completion

    rows = Completion.objects.filter(
        person=person, completed_on__gte=start, completed_on__lte=end, revoked_at=None
    ).select_related("course")
    return [Entry(c.completed_on, c.course.title) for c in rows]


counter_register(
    "households_visited",
    label=_("Hộ được đến hướng dẫn"),
    count=_visits_count,
    entries=_visits_entries,
)
counter_register(
    "residents_proficient",
    label=_("Người dân trở nên thành thạo 5 kỹ năng"),
    count=_proficient_count,
    entries=_proficient_entries,
)
counter_register(
    "members_trained",
    label=_("Hoàn thành khóa tập huấn"),
    count=_trained_count,
    entries=_trained_entries,
)
