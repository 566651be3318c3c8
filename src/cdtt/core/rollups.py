"""The registry of roll-up checkers: how ``cdtt rollups`` reaches the apps above the floor.

An app that keeps counters exact inside its writes registers, from its AppConfig.ready, a
checker under a name: ``check()`` recounts from scratch and returns the differences (each
printable, one line), ``rebuild()`` recounts and stores, returning one line to print, and
optionally ``snapshot(day)`` copies the counters of a day, returning one line. The command
runs them all in the order the apps are installed; core knows none of them.

A change that invalidates every counter (the skill catalog's active skills) asks for a full
rebuild as a background job through ``rebuild_job_start``; the app that owns the rebuild
registers the task that runs it with ``rebuild_task_register``.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction

from cdtt.core.jobs import job_create
from cdtt.core.models import Job


@dataclass(frozen=True)
class Checker:
    name: str
    check: Callable[[], Sequence[object]]
    rebuild: Callable[[], str]
    snapshot: Callable[[dt.date], str] | None = None


_checkers: dict[str, Checker] = {}


def checker_register(
    name: str,
    *,
    check: Callable[[], Sequence[object]],
    rebuild: Callable[[], str],
    snapshot: Callable[[dt.date], str] | None = None,
) -> Checker:
    """Register the roll-ups called ``name``; a second registration under a name is refused."""
    if name in _checkers:
        raise ValueError(f"a roll-up checker named {name!r} is already registered")
    checker = Checker(name=name, check=check, rebuild=rebuild, snapshot=snapshot)
    _checkers[name] = checker
    return checker


def checker_unregister(name: str) -> None:
    _checkers.pop(name, None)


def checkers() -> list[Checker]:
    """The registered checkers, in the order they were registered."""
    return list(_checkers.values())


_rebuild_task: Callable[[int], object] | None = None


def rebuild_task_register(task: Callable[[int], object]) -> None:
    """The task that rebuilds every roll-up as a job: called with the job's id, it finishes it."""
    global _rebuild_task
    _rebuild_task = task


def rebuild_job_start(*, actor, title: str) -> Job:
    """Create a job for a full rebuild of the roll-ups and run it once the caller's
    transaction commits (the rebuild must see the change that asked for it)."""
    if _rebuild_task is None:
        raise RuntimeError("no roll-up rebuild task is registered")
    task = _rebuild_task
    job = job_create(kind="rollups_rebuild", title=title, actor=actor)
    transaction.on_commit(lambda: task(job.pk))
    return job
