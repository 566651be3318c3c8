"""Running a service as a background job and reporting its progress to the page that started it.

The job row is written outside the service's transaction (autocommit), so that progress is
visible while the work is still uncommitted.
"""

from collections.abc import Callable

from django.utils import timezone

from cdtt.core.models import Job

Progress = Callable[[int, int], None]


def job_create(*, kind: str, title: str, actor) -> Job:
    return Job.objects.create(kind=kind, title=title, created_by=actor)


def job_progress(job_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, done=done, total=total)

    return report


def job_finish(job_id: int, *, ok: bool, message: str = "", result: dict | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE if ok else Job.Status.FAILED,
        message=message,
        result=result or {},
        finished_at=timezone.now(),
    )


def access_job(user, pk: int) -> Job:
    """A user sees only the jobs they started."""
    from django.http import Http404

    job = Job.objects.filter(pk=pk, created_by=user).first()
    if job is None:
        raise Http404("job")
    return job
