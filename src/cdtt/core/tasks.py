"""Periodic jobs of the platform, run by the job worker (`cdtt run_huey`).

Crontabs read Vietnam's time (``HUEY["utc"] = False``), and each names its minute: a crontab
without one fires every minute of its hour. The snapshot runs the `rollups` command, the same
path as `cdtt rollups --snapshot`, so that this floor knows no app above it.
"""

import io
import logging

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from cdtt.core.jobs import files_sweep, jobs_reap
from cdtt.core.notifications import notifications_purge

log = logging.getLogger(__name__)

# 23:30: late enough that the day's visits are in, early enough to finish before midnight
# (the snapshot is dated by the local day it runs on).
SNAPSHOT_AT = crontab(minute="30", hour="23")
PURGE_AT = crontab(minute="15", hour="3")
REAP_AT = crontab(minute="*/10")
SWEEP_AT = crontab(minute="45")


@db_periodic_task(SNAPSHOT_AT)
def rollups_snapshot_daily() -> None:
    """Copy every village's coverage counters for today (the chart over time)."""
    out = io.StringIO()
    call_command("rollups", "--snapshot", stdout=out)
    log.info("daily snapshot: %s", out.getvalue().strip())


@db_periodic_task(PURGE_AT)
def notifications_purge_daily() -> None:
    """Delete read notifications older than 90 days."""
    log.info("notifications purged: %d", notifications_purge())


@HUEY.on_startup()
def jobs_reap_at_start() -> None:
    """A worker starting after a crash or a kill: the jobs its predecessor ran are dead."""
    try:
        log.info("jobs marked failed at start: %d", jobs_reap())
    except Exception:  # the database may not be ready yet: the periodic reap will do it
        log.exception("reaping jobs at start failed")


@db_periodic_task(REAP_AT)
def jobs_reap_periodic() -> None:
    """Every ten minutes: jobs whose process is gone are marked failed, their files deleted."""
    log.info("jobs marked failed: %d", jobs_reap())


@db_periodic_task(SWEEP_AT)
def files_sweep_hourly() -> None:
    """Every hour: uploads and exports past the retention period are deleted."""
    log.info("job files deleted: %d", files_sweep())
