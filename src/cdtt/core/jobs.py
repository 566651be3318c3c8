"""Running a service as a background job and reporting its progress to the page that started it.

The work of a job usually runs in one transaction (an import writes all or nothing): a job row
updated from inside it would be seen by nobody until it commits. Progress therefore goes to the
cache (Redis in production, files otherwise), which the page reads while the job runs; the
row gets the outcome when the job finishes.
"""

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.core.models import Job
from cdtt.core.notifications import notify

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
PROGRESS_SECONDS = 7 * 24 * 3600  # a report is kept this long (Job.stalled tells a dead job)


def job_create(*, kind: str, title: str, actor, file: str = "") -> Job:
    return Job.objects.create(kind=kind, title=title, created_by=actor, file=str(file or ""))


def _this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_claim(job_id: int) -> None:
    """The job starts in this process: said at once (its own commit, before the work's
    transaction), so that the job is known dead if this process dies."""
    Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, worker=_this_worker()
    )


def _alive(worker: str) -> bool | None:
    """Whether the process "host:pid" still runs; None when it runs on another host."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _file_delete(path: str) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


DEAD_MESSAGE = _lazy(
    "Tiến trình chạy việc này đã dừng đột ngột (máy chủ khởi động lại hoặc hết bộ nhớ) nên "
    "việc không hoàn thành; dữ liệu không thay đổi và tệp đã tải lên đã được xóa. Hãy bắt đầu "
    "lại."
)


def jobs_reap() -> int:
    """Mark failed every unfinished job whose process is gone (on this host) or that has been
    silent too long (Job.stalled: on any host, or never started); delete their files. Run when
    a worker starts and periodically; the number of jobs marked."""
    reaped = 0
    unfinished = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    for job in unfinished:
        alive = _alive(job.worker) if job.status == Job.Status.RUNNING and job.worker else None
        if alive is True:
            continue  # its process runs (a long step that reports no progress)
        if alive is False or job.stalled:
            job_finish(job.pk, ok=False, message=str(DEAD_MESSAGE))
            reaped += 1
    return reaped


def files_sweep(*, older_than: float | None = None) -> int:
    """Delete uploads and generated files older than the retention period (settings
    ``CDTT_FILE_RETENTION_HOURS``) that no unfinished job still uses; the number deleted."""
    from django.conf import settings

    hours = settings.CDTT_FILE_RETENTION_HOURS if older_than is None else older_than
    cutoff = time.time() - hours * 3600
    in_use = set(
        Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
        .exclude(file="")
        .values_list("file", flat=True)
    )
    deleted = 0
    for folder in JOB_FOLDERS:
        root = Path(settings.MEDIA_ROOT) / folder
        if not root.is_dir():
            continue
        for path in root.iterdir():
            if path.is_file() and str(path) not in in_use and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


# The folders of MEDIA_ROOT that hold the files of jobs (uploads, exports).
JOB_FOLDERS = ("imports", "exports")


def job_progress(job_id: int) -> Progress:
    """The callback a job's work reports (done, total) to; each report is dated, so that a job
    whose process died shows as no longer answering (Job.stalled)."""

    def report(done: int, total: int) -> None:
        entry = (done, total, time.time())
        cache.set(Job.progress_key(job_id), entry, timeout=PROGRESS_SECONDS)

    return report


@transaction.atomic
def job_finish(job_id: int, *, ok: bool, message: str = "", result: dict | None = None) -> None:
    """Record how the job ended and tell the user who started it (in the app and by e-mail)."""
    done_total = cache.get(Job.progress_key(job_id))
    if done_total:
        Job.objects.filter(pk=job_id).update(done=done_total[0], total=done_total[1])
    cache.delete(Job.progress_key(job_id))
    # Finished, the job's upload has no use left (a finished export keeps its file to download).
    if not ok:
        _file_delete(Job.objects.filter(pk=job_id).values_list("file", flat=True).first() or "")
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE if ok else Job.Status.FAILED,
        message=message,
        result=result or {},
        finished_at=timezone.now(),
    )
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is not None and job.created_by is not None:
        title = _("Đã xong: %(t)s") if ok else _("Không thành công: %(t)s")
        notify(
            recipients=[job.created_by],
            title=title % {"t": job.title},
            body=message,
            link=f"{reverse('core:jobs')}#job-{job.pk}",
            kind="job.done" if ok else "job.failed",
        )


def jobs_of(user):
    """The jobs a user started, newest first (a user sees only their own)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=user).order_by("-created_at", "-pk")


def access_job(user, pk: int) -> Job:
    """A user sees only the jobs they started."""
    from django.http import Http404

    job = jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404("job")
    return job


def upload_keep(upload) -> Path:
    """Save an uploaded file where a file job will read it (MEDIA_ROOT/imports, a unique name
    that keeps the end of the original one); ``file_job_run`` removes it when done."""
    from django.conf import settings
    from django.utils.text import get_valid_filename

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}-{get_valid_filename(Path(upload.name).name)[-80:]}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def upload_name(path) -> str:
    """The name the user's file had (made safe for a file name), from a path of ``upload_keep``."""
    return Path(path).name.split("-", 1)[-1]


def file_job_run(
    job_id: int,
    actor_id: int | None,
    path: str,
    work: Callable[[Any], tuple[bool, str, dict]],
    *,
    delete_file: bool = True,
) -> None:
    """The frame of a file import started from a page: ``work(actor)`` returns (ok, message,
    result) for the job; an actor deleted meanwhile or a crash ends the job as failed (the
    work's transaction rolled back); the uploaded file is removed after."""
    User = get_user_model()
    actor = (
        User.objects.select_related("scope_unit").filter(pk=actor_id).first() if actor_id else None
    )
    job_claim(job_id)
    try:
        if actor_id and actor is None:
            job_finish(job_id, ok=False, message=_("Người dùng không còn tồn tại."))
            return
        ok, message, result = work(actor)
        job_finish(job_id, ok=ok, message=message, result=result)
    except Exception:
        log.exception("job %s failed", job_id)
        job_finish(
            job_id, ok=False, message=_("Lỗi hệ thống khi nhập tệp; dữ liệu không thay đổi.")
        )
    finally:
        if delete_file:
            Path(path).unlink(missing_ok=True)
