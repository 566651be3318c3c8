"""JSON API of the directives (mounted under /api/v1/): the tasks a caller may see, by agency
and state (DESIGN.md §10: ``GET /tasks?agency=ID&status=open|done|overdue``)."""

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema

from cdtt.core.errors import error_responses
from cdtt.directives import schedule, selectors

router = Router(tags=["directives"])


class AgencyRef(Schema):
    id: int
    name: str


class TaskItem(Schema):
    id: int
    directive: str
    clause: str
    title: str
    lead: AgencyRef
    co_agencies: list[AgencyRef]
    deadline: dt.date | None
    status: Literal["open", "done"]
    overdue: bool


class TasksOut(Schema):
    count: int
    items: list[TaskItem]


class TasksQuery(Schema):
    agency: int | None = None
    status: Literal["open", "done", "overdue"] | None = None


@router.get("/tasks", response={200: TasksOut, **error_responses(401, 422)})
def tasks(request, query: Query[TasksQuery]):
    """The tasks the caller sees (the Department and the provincial leader: all; an agency's
    officer: those it leads or co-ordinates). ``deadline`` is the next date the task is due
    (its deadline, or the next occurrence of its recurrence)."""
    today = timezone.localdate()
    rows = selectors.tasks_filtered(
        selectors.tasks_for(request.user),
        agency=query.agency,
        status=query.status or "",
        today=today,
    )
    items = []
    for task in rows:
        flags = schedule.flags(task, today)
        items.append(
            {
                "id": task.pk,
                "directive": task.directive.number,
                "clause": task.clause,
                "title": task.title,
                "lead": {"id": task.lead_id, "name": task.lead.name},
                "co_agencies": [{"id": o.pk, "name": o.name} for o in task.co_agencies.all()],
                "deadline": flags.due,
                "status": schedule.status_of(task),
                "overdue": flags.overdue,
            }
        )
    return {"count": len(items), "items": items}
