"""The iCalendar feed of a user's deadlines: one all-day event per open task, on the date it is
next due (a recurring task carries its rule, so a calendar shows every occurrence)."""

import datetime as dt

from django.urls import reverse
from icalendar import Calendar, Event

from cdtt.directives import schedule
from cdtt.directives.models import Recurrence

RULES = {
    Recurrence.MONTHLY: {"FREQ": "MONTHLY"},
    Recurrence.QUARTERLY: {"FREQ": "MONTHLY", "INTERVAL": 3},
    Recurrence.YEARLY: {"FREQ": "YEARLY"},
}


def calendar_bytes(tasks, *, today: dt.date, base: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//CDTT//Nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "CDTT")
    stamp = dt.datetime.now(dt.UTC)
    for task in tasks:
        due = schedule.next_due(task, today)
        if due is None:
            continue
        event = Event()
        event.add("uid", f"task-{task.pk}@cdtt")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", f"{task.directive.number} {task.clause}: {task.title[:120]}")
        event.add("description", f"{task.lead.name}\n{task.title}")
        event.add("url", base.rstrip("/") + reverse("directives:task", args=[task.pk]))
        if task.recurrence in RULES:
            event.add("rrule", RULES[task.recurrence])
        cal.add_component(event)
    return cal.to_ical()
