"""The registry of roll-up checkers and the `rollups` command that runs every one of them."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cdtt.core import rollups
from cdtt.core.models import Job


@pytest.fixture
def extra_checker():
    """A checker registered for one test, after the apps' own."""
    state = {"diffs": [], "rebuilt": 0, "days": []}

    def rebuild():
        state["rebuilt"] += 1
        return "extra: rebuilt"

    def snapshot(day):
        state["days"].append(day)
        return f"extra: {day.isoformat()}"

    rollups.checker_register(
        "extra", check=lambda: list(state["diffs"]), rebuild=rebuild, snapshot=snapshot
    )
    yield state
    rollups.checker_unregister("extra")


def test_the_apps_register_their_checkers_in_the_order_they_are_installed():
    names = [c.name for c in rollups.checkers()]
    assert names[:2] == ["coverage", "campaign_days"]


def test_a_name_is_registered_once(extra_checker):
    with pytest.raises(ValueError):
        rollups.checker_register("extra", check=list, rebuild=str)


def test_check_runs_every_checker_and_fails_on_any_difference(db, extra_checker):
    out = io.StringIO()
    call_command("rollups", "--check", stdout=out)
    assert out.getvalue().strip() == "Roll-ups are exact."
    extra_checker["diffs"].append("village 7: households 3 != 2")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("rollups", "--check", stdout=out)
    assert "village 7: households 3 != 2" in out.getvalue()


def test_rebuild_and_snapshot_reach_every_checker(db, extra_checker):
    out = io.StringIO()
    call_command("rollups", "--rebuild", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "extra: rebuilt" and lines[1].startswith("campaign days: ")
    assert extra_checker["rebuilt"] == 1
    out = io.StringIO()
    call_command("rollups", "--snapshot", "2025-01-01", stdout=out)
    assert out.getvalue().splitlines() == ["0 villages on 2025-01-01", "extra: 2025-01-01"]
    assert extra_checker["days"] == [dt.date(2025, 1, 1)]


def test_a_full_rebuild_runs_as_a_job_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = rollups.rebuild_job_start(actor=None, title="Tính lại")
    job.refresh_from_db()
    assert job.kind == "rollups_rebuild"
    assert job.status == Job.Status.DONE and job.finished_at is not None
