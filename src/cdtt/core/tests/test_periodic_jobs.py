"""The periodic jobs: when they fire (Vietnam's time, one minute a day) and what they do."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from cdtt.core.tasks import notifications_purge_daily, rollups_snapshot_daily


def _minutes_of_a_day(day: dt.date):
    start = dt.datetime.combine(day, dt.time())
    return (start + dt.timedelta(minutes=m) for m in range(24 * 60))


def _fires(task, when: dt.datetime) -> bool:
    return task.task_class().validate_datetime(when)


def test_huey_reads_vietnams_time_not_utc():
    """The consumer matches crontabs against HUEY._get_timestamp(): local time, and the
    process's local time is settings.TIME_ZONE (Django sets it)."""
    assert settings.HUEY["utc"] is False and HUEY.utc is False
    assert time.strftime("%z") == "+0700"
    huey_now = HUEY._get_timestamp()
    vietnam_now = timezone.localtime(timezone.now(), timezone.get_default_timezone())
    assert abs(huey_now - vietnam_now.replace(tzinfo=None)) < dt.timedelta(seconds=5)


def test_the_snapshot_fires_at_23_30_vietnam_time_only():
    day = dt.date(2025, 6, 30)
    fired = [t.time() for t in _minutes_of_a_day(day) if _fires(rollups_snapshot_daily, t)]
    assert fired == [dt.time(23, 30)]
    # 16:30 is 23:30 in UTC's reading: a crontab left in UTC would have fired then.
    assert not _fires(rollups_snapshot_daily, dt.datetime(2025, 6, 30, 16, 30))
    # Every day of the week and of the month.
    for offset in range(31):
        when = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(23, 30))
        assert _fires(rollups_snapshot_daily, when)


def test_the_purge_fires_once_a_day():
    fired = [
        t.time()
        for t in _minutes_of_a_day(dt.date(2025, 1, 1))
        if _fires(notifications_purge_daily, t)
    ]
    assert fired == [dt.time(3, 15)]


def test_the_consumer_would_run_the_snapshot_at_23_30():
    snapshot = rollups_snapshot_daily.task_class

    def due(when):
        return {type(t) for t in HUEY.read_periodic(when)}

    assert snapshot in due(dt.datetime(2025, 6, 30, 23, 30))
    assert snapshot not in due(dt.datetime(2025, 6, 30, 23, 31))
    assert snapshot not in due(dt.datetime(2025, 6, 30, 16, 30))


@pytest.mark.django_db
def test_the_snapshot_job_takes_todays_snapshot(tree):
    """The same path as `cdtt rollups --snapshot`: every village's counters, dated today."""
    from cdtt.registry.models import CoverageSnapshot

    rollups_snapshot_daily.call_local()
    today = timezone.localdate()
    assert CoverageSnapshot.objects.filter(day=today).count() == 4  # the tree's villages
    rollups_snapshot_daily.call_local()  # a rerun replaces the day
    assert CoverageSnapshot.objects.filter(day=today).count() == 4


@pytest.mark.django_db
def test_the_purge_job_deletes_old_read_notifications(make_user, tree):
    from cdtt.core.models import Notification
    from cdtt.core.notifications import notify

    user = make_user("commune_officer", tree.commune)
    (old,) = notify(recipients=[user], title="cũ", email=False)
    (kept,) = notify(recipients=[user], title="mới", email=False)
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=100), read_at=timezone.now()
    )
    notifications_purge_daily.call_local()
    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
