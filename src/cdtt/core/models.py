"""Background jobs as the user sees them: what runs, how far it has come, how it ended."""

import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Thất bại")

    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The process running it ("host:pid"), written when it starts: a job whose process is gone
    # is marked failed (cdtt.core.jobs.jobs_reap).
    worker = models.CharField(max_length=120, blank=True)
    # The file it reads or writes (an upload, an export), deleted when the job ends or fails.
    file = models.CharField(max_length=500, blank=True)

    @staticmethod
    def progress_key(pk: int) -> str:
        return f"cdtt:job-progress:{pk}"

    # A job whose last report is older than this shows as no longer answering: its process has
    # most likely died (a restart, memory exhausted) without ending it.
    STALLED_SECONDS = 15 * 60

    def _live(self) -> tuple[int, int, float] | None:
        """(done, total, when) the running work last reported (cdtt.core.jobs.job_progress)."""
        if self.finished:
            return None
        from django.core.cache import cache

        return cache.get(self.progress_key(self.pk))

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        live = self._live()
        done, total = live[:2] if live else (self.done, self.total)
        return int(100 * done / total) if total else 0

    # A job still waiting this long after it was started never ran (no worker is running), or
    # its reports have expired.
    NEVER_RAN_SECONDS = 24 * 3600

    @property
    def stalled(self) -> bool:
        """Whether the unfinished job has been silent too long: since its last report, or since
        it was started when it never reported."""
        if self.finished:
            return False
        live = self._live()
        if live:
            return time.time() - live[2] > self.STALLED_SECONDS
        return time.time() - self.created_at.timestamp() > self.NEVER_RAN_SECONDS

    @property
    def state_label(self) -> str:
        """The status as shown: a queued job that reports progress is running, or stalled."""
        if self.status in (self.Status.QUEUED, self.Status.RUNNING):
            if self.stalled:
                return str(_("Không còn phản hồi (có thể đã dừng giữa chừng)"))
            if self._live():
                return str(self.Status.RUNNING.label)
        return str(self.get_status_display())

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Notification(models.Model):
    """Something a user should know about, shown in the app (and sent by e-mail when it was
    written): a job that ended, a team one was added to. Written by cdtt.core.notifications."""

    # Indexed by the two indexes below, which both start with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The header's count: a user's unread notifications, one index range.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None
