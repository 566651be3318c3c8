"""A job whose worker dies (SIGKILL) is marked failed, its upload deleted, the data as before;
the page says so in Vietnamese with a way to start again; old job files are swept."""

import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cdtt.core import jobs
from cdtt.core.models import Job
from cdtt.registry.models import Household
from cdtt.registry.services import household_create

pytestmark = pytest.mark.django_db


def _upload(name: str) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("Mã xã,Thôn\n16000,Yên Trung\n")
    return path


def _worker() -> int:
    """A process standing for the job worker: it runs until killed."""
    pid = os.fork()
    if pid == 0:  # the child: sleep, never touch the parent's database
        time.sleep(120)
        os._exit(0)
    return pid


def test_a_killed_worker_leaves_its_job_failed_its_file_gone_and_the_data_as_before(
    tree, make_user, login, monkeypatch
):
    officer = make_user("commune_officer", tree.commune)
    household_create(actor=None, village=tree.village, code="HO-1")
    before = list(Household.objects.values_list("code", flat=True))
    path = _upload("dead-job-population.csv")
    job = jobs.job_create(kind="population_import", title="Nhập dân cư", actor=officer, file=path)
    pid = _worker()
    try:
        # The worker claims the job as it starts (its pid recorded), then is killed mid-way.
        monkeypatch.setattr(jobs.os, "getpid", lambda: pid)
        jobs.job_claim(job.pk)
        monkeypatch.undo()
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING and job.worker.endswith(f":{pid}")
        assert jobs.jobs_reap() == 0  # alive: not touched
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    assert jobs.jobs_reap() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "dừng đột ngột" in job.message
    assert not path.exists()
    assert list(Household.objects.values_list("code", flat=True)) == before
    # The page that started it says so and offers to start again.
    client = login(officer)
    url = reverse("core:import", args=["population"]) + f"?job={job.pk}"
    html = client.get(url).content.decode()
    assert "dừng đột ngột" in html and "Bắt đầu lại" in html
    fragment = client.get(
        reverse("core:job", args=[job.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver" + url,
    ).content.decode()
    assert f'href="{reverse("core:import", args=["population"])}"' in fragment


def test_a_job_of_a_live_worker_is_left_alone(tree, make_user):
    job = jobs.job_create(kind="x", title="x", actor=make_user("province_admin", tree.province))
    jobs.job_claim(job.pk)  # this very process
    assert jobs.jobs_reap() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_the_sweep_deletes_old_job_files_but_not_those_in_use(tree, make_user):
    old = _upload("old.csv")
    used = _upload("used.csv")
    fresh = _upload("fresh.csv")
    long_ago = time.time() - 3 * 24 * 3600
    for path in (old, used):
        os.utime(path, (long_ago, long_ago))
    job = jobs.job_create(kind="x", title="x", actor=None, file=used)
    jobs.job_claim(job.pk)
    assert jobs.files_sweep() == 1
    assert not old.exists() and used.exists() and fresh.exists()
    used.unlink()
    fresh.unlink()
