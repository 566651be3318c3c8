"""When a task falls due: its deadline, or the occurrence of its recurrence; overdue and
due-soon flags. Pure date arithmetic on the task's fields, no query."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from cdtt.directives.models import Recurrence, TaskStatus

QUARTER_ENDS = (3, 6, 9, 12)


def _on(year: int, month: int, day: int) -> dt.date:
    """The day in that month, or the month's last day when it has fewer days."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(recurrence: str, due_month: int | None) -> tuple[int, ...]:
    if recurrence == Recurrence.MONTHLY:
        return tuple(range(1, 13))
    if recurrence == Recurrence.QUARTERLY:
        return QUARTER_ENDS
    return (due_month or 12,)


def occurrences_around(task, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(the last occurrence before ``day``, the first on or after it) of a recurring task."""
    months = _months(task.recurrence, task.due_month)
    due_day = task.due_day or 1
    dates = sorted(
        _on(year, month, due_day)
        for year in (day.year - 1, day.year, day.year + 1)
        for month in months
    )
    before = [d for d in dates if d < day]
    after = [d for d in dates if d >= day]
    return (before[-1] if before else None, after[0] if after else None)


def next_due(task, today: dt.date) -> dt.date | None:
    """The date the task is next due: its deadline, or its next occurrence."""
    if not task.recurrence:
        return task.deadline
    return occurrences_around(task, today)[1]


@dataclass(frozen=True)
class Flags:
    due: dt.date | None
    overdue: bool
    due_soon: bool

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "due_soon" if self.due_soon else ""


def flags(task, today: dt.date) -> Flags:
    """Overdue: a one-off task not done past its deadline; a recurring task whose last
    occurrence passed with no report since the one before it (and since the directive).
    Due soon: not done, and due within CDTT_DUE_SOON_DAYS."""
    soon = dt.timedelta(days=settings.CDTT_DUE_SOON_DAYS)
    if task.status == TaskStatus.DONE:
        return Flags(next_due(task, today), False, False)
    if not task.recurrence:
        due = task.deadline
        overdue = bool(due and due < today)
        due_soon = bool(due and today <= due <= today + soon)
        return Flags(due, overdue, due_soon)
    last, due = occurrences_around(task, today)
    overdue = False
    if last is not None and last >= task.directive.issued_on:
        period_start, _ = occurrences_around(task, last)
        reported = task.last_report_on
        overdue = reported is None or (period_start is not None and reported <= period_start)
    reported_for_next = (
        task.last_report_on is not None and last is not None and task.last_report_on > last
    )
    due_soon = bool(due and due <= today + soon and not reported_for_next)
    return Flags(due, overdue, due_soon)


def status_of(task) -> str:
    """The API's status: done or open (overdue is a flag of an open task)."""
    return "done" if task.status == TaskStatus.DONE else "open"
