"""The provincial leader's view: the province against its targets (through figures), tasks by
agency (done, on time, overdue), and the districts and communes that lag behind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from cdtt.directives import schedule
from cdtt.directives.models import Task, TaskStatus
from cdtt.figures.catalogue import children_figures, figures_of, get
from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.selectors import targets_for

HEADLINE = (
    "households",
    "covered",
    "rate",
    "teams",
    "villages_with_team",
    "villages",
    "members",
    "members_per_100",
    "members_trained",
    "visits",
    "households_visited",
)
LAGGING = ("households", "rate", "villages_with_team", "villages", "members_per_100")
# The districts shown as lagging, and the communes of each, at most.
LAGGING_SHOWN = 5


@dataclass
class AgencyRow:
    name: str
    done: int = 0
    on_time: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.on_time + self.overdue


@dataclass
class Lagging:
    unit: AdminUnit
    figures: dict
    communes: list = field(default_factory=list)


def headline(province: AdminUnit, today: dt.date) -> dict:
    values = figures_of(province, codes=HEADLINE)
    target = targets_for(province, today.year)
    target_rate = (target.rate / Decimal(100)) if target else None
    rate = values.get("rate")
    return {
        "figures": [(get(c), values.get(c)) for c in HEADLINE],
        "values": values,
        "target": target,
        "target_rate": target_rate,
        "gap": (float(target_rate) - rate)
        if (target_rate is not None and rate is not None)
        else None,
    }


def tasks_by_agency(today: dt.date) -> list[AgencyRow]:
    """Each lead agency's tasks: done, open and on time, overdue (worst first)."""
    rows: dict[int, AgencyRow] = {}
    for task in Task.objects.select_related("lead", "directive"):
        row = rows.setdefault(task.lead_id, AgencyRow(task.lead.name))
        if task.status == TaskStatus.DONE:
            row.done += 1
        elif schedule.flags(task, today).overdue:
            row.overdue += 1
        else:
            row.on_time += 1
    return sorted(rows.values(), key=lambda r: (-r.overdue, r.name))


def lagging(province: AdminUnit, target_rate) -> list[Lagging]:
    """The districts furthest behind (coverage below the target, or the lowest), each with
    its communes furthest behind."""

    def behind(pairs):
        pairs = [(u, f) for u, f in pairs if f.get("households")]
        pairs.sort(key=lambda p: (p[1].get("rate") or 0, p[0].name_key))
        if target_rate is not None:
            pairs = [p for p in pairs if (p[1].get("rate") or 0) < float(target_rate)]
        return pairs[:LAGGING_SHOWN]

    out = []
    for district, values in behind(children_figures(province, codes=LAGGING)):
        row = Lagging(district, values)
        if district.level == Level.DISTRICT:
            row.communes = behind(children_figures(district, codes=LAGGING))
        out.append(row)
    return out
