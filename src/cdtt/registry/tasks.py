"""Background jobs of the registry: the full roll-up rebuild, snapshots. (The population import
runs as a job of cdtt.core.imports, like every import.)"""

from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cdtt.core.jobs import job_finish


@db_task()
def rollups_rebuild_job(job_id: int | None = None) -> None:
    """A full recomputation (after a change to the skill catalog, or on request)."""
    from cdtt.registry.rollups import rollups_rebuild

    changed = rollups_rebuild()
    if job_id:
        job_finish(
            job_id,
            ok=True,
            message=_("Đã tính lại số liệu: %(n)d dòng thay đổi.") % {"n": sum(changed.values())},
            result=changed,
        )


@db_periodic_task(crontab(minute="55", hour="23"))
def coverage_snapshot_daily() -> None:
    """The day's figures for the chart over time."""
    from django.utils import timezone

    from cdtt.registry.rollups import snapshot_take

    snapshot_take(timezone.localdate())
