"""A job's progress is seen by the page while the job's work is still uncommitted."""

import threading

import pytest
from django.db import connection, transaction

from cdtt.core.jobs import job_create, job_finish, job_progress
from cdtt.core.models import Job


def _seen_elsewhere(pk: int) -> tuple[int, str]:
    """The job as another request, on its own database connection, sees it."""
    out = {}

    def read():
        from django.db import connections

        try:
            job = Job.objects.get(pk=pk)
            out["seen"] = (job.percent, job.state_label)
        finally:
            connections.close_all()

    t = threading.Thread(target=read)
    t.start()
    t.join(30)
    return out["seen"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_inside_a_transaction_is_seen_by_the_page(make_user, tree):
    if connection.vendor != "postgresql":
        pytest.skip("a second connection beside an open write transaction needs PostgreSQL")
    user = make_user("province_admin", tree.province)
    job = job_create(kind="population_import", title="Nhập tệp", actor=user)
    report = job_progress(job.pk)
    with transaction.atomic():  # the import's transaction, still open
        report(30, 120)
        assert _seen_elsewhere(job.pk) == (25, str(Job.Status.RUNNING.label))
    job_finish(job.pk, ok=True, message="xong")
    job.refresh_from_db()
    assert (job.status, job.percent, job.done, job.total) == (Job.Status.DONE, 100, 30, 120)


@pytest.mark.django_db
def test_a_failed_job_keeps_how_far_it_came(make_user, tree):
    user = make_user("province_admin", tree.province)
    job = job_create(kind="population_import", title="Nhập tệp", actor=user)
    assert (job.percent, job.state_label) == (0, str(Job.Status.QUEUED.label))
    job_progress(job.pk)(50, 200)
    job.refresh_from_db()
    assert (job.percent, job.state_label) == (25, str(Job.Status.RUNNING.label))
    job_finish(job.pk, ok=False, message="lỗi")
    job.refresh_from_db()
    assert (job.status, job.percent, job.state_label) == (
        Job.Status.FAILED,
        25,
        str(Job.Status.FAILED.label),
    )


@pytest.mark.django_db
def test_the_jobs_page_lists_ones_own_jobs_only(client, make_user, tree):
    owner = make_user("commune_officer", tree.commune)
    sibling = make_user("commune_officer", tree.sibling_commune)
    mine = job_create(kind="population_import", title="Nhập tệp dan-cu.csv", actor=owner)
    job_progress(mine.pk)(40, 160)
    theirs = job_create(kind="teams_import", title="Nhập tệp to-cnscd.xlsx", actor=sibling)

    client.force_login(owner)
    html = client.get("/jobs/").content.decode()
    assert "Nhập tệp dan-cu.csv" in html and "25%" in html
    assert "to-cnscd.xlsx" not in html
    assert client.get(f"/jobs/{theirs.pk}/").status_code == 404

    client.force_login(sibling)
    html = client.get("/jobs/").content.decode()
    assert "to-cnscd.xlsx" in html and "dan-cu.csv" not in html
    assert client.get(f"/jobs/{mine.pk}/").status_code == 404

    client.logout()
    response = client.get("/jobs/")
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_no_jobs_yet_says_where_they_will_appear(client, make_user, tree):
    client.force_login(make_user("district_officer", tree.district))
    html = client.get("/jobs/").content.decode()
    assert "chưa khởi động việc chạy nền nào" in html


@pytest.mark.django_db
def test_a_job_silent_too_long_shows_as_no_longer_answering(client, make_user, tree, monkeypatch):
    """Its process died (a restart) without ending it: the page says so instead of showing a
    progress bar that never moves."""
    from cdtt.core import jobs

    user = make_user("province_admin", tree.province)
    job = job_create(kind="population_import", title="Nhập tệp", actor=user)
    now = jobs.time.time()
    monkeypatch.setattr(jobs.time, "time", lambda: now - Job.STALLED_SECONDS - 60)
    job_progress(job.pk)(40, 100)
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.stalled and job.percent == 40
    assert job.state_label.startswith("Không còn phản hồi")
    client.force_login(user)
    page = client.get("/jobs/").content.decode()
    assert "Không còn phản hồi" in page and "hãy nhập lại tệp" in page
    job_progress(job.pk)(50, 100)  # it answers again
    job.refresh_from_db()
    assert not job.stalled and job.state_label == str(Job.Status.RUNNING.label)


@pytest.mark.django_db
def test_a_job_that_never_ran_in_a_day_shows_as_no_longer_answering(make_user, tree):
    """No worker took it (or its reports expired): it does not wait forever on the page."""
    import datetime as dt

    from django.utils import timezone

    user = make_user("province_admin", tree.province)
    job = job_create(kind="population_import", title="Nhập tệp", actor=user)
    assert not job.stalled and job.state_label == str(Job.Status.QUEUED.label)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    job.refresh_from_db()
    assert job.stalled and job.state_label.startswith("Không còn phản hồi")
    job_finish(job.pk, ok=False, message="lỗi")
    job.refresh_from_db()
    assert not job.stalled and job.state_label == str(Job.Status.FAILED.label)


@pytest.mark.django_db
def test_a_job_s_error_report_downloads_as_a_workbook_for_its_owner_only(client, make_user, tree):
    import io

    from openpyxl import load_workbook

    owner = make_user("commune_officer", tree.commune)
    sibling = make_user("commune_officer", tree.sibling_commune)
    job = job_create(kind="population_import", title="Nhập tệp dan-cu.csv", actor=owner)
    errors = [
        {"row": 5, "column": "Ngày sinh", "reason": "Ngày sinh “31/02/1990” không có thật."},
        {"row": 9, "column": "Mã hộ", "reason": "Thiếu mã hộ."},
    ]
    job_finish(
        job.pk, ok=False, message="Tệp có 3 lỗi", result={"errors": errors, "errors_total": 3}
    )
    url = f"/jobs/{job.pk}/errors.xlsx"

    client.force_login(owner)
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert url in html and "Báo cáo ghi 2 lỗi đầu tiên trong tổng số 3 lỗi." in html
    response = client.get(url)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows == [
        ("Dòng", "Cột", "Lý do"),
        (5, "Ngày sinh", "Ngày sinh “31/02/1990” không có thật."),
        (9, "Mã hộ", "Thiếu mã hộ."),
    ]

    client.force_login(sibling)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_a_job_without_errors_has_no_report_to_download(client, make_user, tree):
    owner = make_user("commune_officer", tree.commune)
    job = job_create(kind="population_import", title="Nhập tệp", actor=owner)
    job_finish(job.pk, ok=True, message="xong", result={"errors": []})
    client.force_login(owner)
    assert "errors.xlsx" not in client.get(f"/jobs/{job.pk}/").content.decode()
    assert client.get(f"/jobs/{job.pk}/errors.xlsx").status_code == 404
