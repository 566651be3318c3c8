"""Scoped reads of directives and tasks: the Department and the provincial leader see every
task; any other user sees the tasks their agency leads or co-ordinates, and nothing else."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cdtt.core.access import scope_path
from cdtt.core.roles import Role
from cdtt.directives import schedule
from cdtt.directives.models import Digest, Directive, Progress, Task, TaskStatus, Urging
from cdtt.organizations.models import Organization

MANAGE = {Role.PROVINCE_ADMIN}
SEE_ALL = {Role.PROVINCE_ADMIN, Role.PROVINCE_LEADER}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage(user) -> bool:
    """Registering directives and tasks, urging: the Department (provincial administrators)."""
    return _active(user) and user.role in MANAGE


def sees_all(user) -> bool:
    return _active(user) and user.role in SEE_ALL


def tasks_for(user) -> QuerySet[Task]:
    """The tasks a user may see, with what a list shows loaded."""
    tasks = Task.objects.select_related("directive", "lead").prefetch_related(
        Prefetch("co_agencies", queryset=Organization.objects.order_by("name"))
    )
    if sees_all(user):  # the directives of the user's province, not another's
        return tasks.filter(directive__unit__path__startswith=scope_path(user) or "-")
    if not _active(user) or user.organization_id is None:
        return tasks.none()
    org = user.organization_id
    ids = Task.objects.filter(Q(lead_id=org) | Q(co_agencies=org)).values("pk")
    return tasks.filter(pk__in=ids)


def directives_for(user) -> QuerySet[Directive]:
    if sees_all(user):
        return Directive.objects.filter(unit__path__startswith=scope_path(user) or "-")
    return Directive.objects.filter(pk__in=tasks_for(user).values("directive_id"))


def access_directive(user, pk: int) -> Directive:
    found = directives_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("directive")
    return found


def access_task(user, pk: int) -> Task:
    found = tasks_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("task")
    return found


def agencies_of(task: Task) -> list[Organization]:
    """The lead agency first, then the co-ordinating ones."""
    return [task.lead, *[o for o in task.co_agencies.all() if o.pk != task.lead_id]]


def is_agency_of(task: Task, org_id: int | None) -> bool:
    return org_id is not None and (
        task.lead_id == org_id or task.co_agencies.filter(pk=org_id).exists()
    )


def officers_of(org: Organization) -> QuerySet:
    """An agency's officers: the active users whose organisation is that agency."""
    return get_user_model().objects.filter(organization=org, is_active=True).order_by("pk")


def tasks_filtered(
    tasks: QuerySet[Task], *, agency: int | None, status: str, today: dt.date, q: str = ""
) -> list[Task]:
    """Tasks of an agency (leading or co-ordinating) in a state: open, done or overdue. The
    state depends on dates and recurrences, so it is judged per task (a province has dozens)."""
    if agency:
        tasks = tasks.filter(
            pk__in=Task.objects.filter(Q(lead_id=agency) | Q(co_agencies=agency)).values("pk")
        )
    if q:
        tasks = tasks.filter(
            Q(title__icontains=q) | Q(clause__icontains=q) | Q(lead__name__icontains=q)
        )
    if status == "done":
        tasks = tasks.filter(status=TaskStatus.DONE)
    elif status in ("open", "overdue"):
        tasks = tasks.exclude(status=TaskStatus.DONE)
    rows = list(tasks)
    if status == "overdue":
        rows = [t for t in rows if schedule.flags(t, today).overdue]
    return rows


def reports_of(task: Task) -> QuerySet[Progress]:
    return task.reports.select_related("agency", "author")


def urgings_of(task: Task) -> QuerySet[Urging]:
    return task.urgings.select_related("agency", "actor")


def digests_unsent(user) -> QuerySet[Digest]:
    """The user's digests the mail server has not taken yet: shown on their tasks page."""
    return Digest.objects.filter(user=user, state=Digest.State.FAILED).order_by("-day")
