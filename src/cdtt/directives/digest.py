"""The daily digest: each officer gets one e-mail listing the overdue and due-soon tasks of
their agency. A digest is written before it is sent, so a mail server that refuses loses
nothing: the digest stays "failed", the officer is told in the app, and the next round (the
retry job, or `cdtt reminders send`) sends it again."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.core.notifications import notify
from cdtt.directives import schedule
from cdtt.directives.models import Digest, Task, TaskStatus
from cdtt.directives.selectors import officers_of
from cdtt.organizations.models import Organization

log = logging.getLogger(__name__)

# A digest the server refused this many times is left for an administrator to look at.
MAX_ATTEMPTS = 8


@dataclass
class Outcome:
    prepared: int = 0
    sent: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)


def _line(task: Task, flags: schedule.Flags) -> str:
    state = _("QUÁ HẠN") if flags.overdue else _("sắp đến hạn")
    due = flags.due.strftime("%d/%m/%Y") if flags.due else "—"
    return f"- [{state}, {due}] {task.directive.number} {task.clause}: {task.title[:160]}"


def flagged_by_agency(today: dt.date) -> dict[int, list[tuple[Task, schedule.Flags]]]:
    """For each agency, its open tasks (led or co-ordinated) that are overdue or due soon."""
    tasks = Task.objects.exclude(status=TaskStatus.DONE).select_related("directive", "lead")
    tasks = tasks.prefetch_related("co_agencies")
    out: dict[int, list[tuple[Task, schedule.Flags]]] = {}
    for task in tasks:
        flags = schedule.flags(task, today)
        if not (flags.overdue or flags.due_soon):
            continue
        for org_id in {task.lead_id, *(o.pk for o in task.co_agencies.all())}:
            out.setdefault(org_id, []).append((task, flags))
    return out


def digests_prepare(today: dt.date) -> list[Digest]:
    """Write today's digest of each officer who has something to hear about (once a day)."""
    made = []
    for org_id, items in flagged_by_agency(today).items():
        items.sort(key=lambda it: (not it[1].overdue, it[1].due or today))
        body = "\n".join(
            [_("Các nhiệm vụ quá hạn hoặc sắp đến hạn của cơ quan bạn:"), ""]
            + [_line(t, f) for t, f in items]
            + ["", settings.SITE_URL.rstrip("/") + reverse("directives:tasks")]
        )
        subject = _("Nhắc việc ngày %(d)s: %(n)s nhiệm vụ cần chú ý") % {
            "d": today.strftime("%d/%m/%Y"),
            "n": len(items),
        }
        for user in officers_of(Organization(pk=org_id)).exclude(email=""):
            digest, created = Digest.objects.get_or_create(
                user=user, day=today, defaults={"subject": subject, "body": body}
            )
            if created:
                made.append(digest)
    return made


def _send_one(digest: Digest, connection) -> str:
    """Send one digest; the error text when the server refuses."""
    subject = f"{settings.EMAIL_SUBJECT_PREFIX}{digest.subject}"
    try:
        connection.send_messages([EmailMessage(subject, digest.body, to=[digest.user.email])])
    except Exception as exc:  # a refusal of any kind: kept for the next round
        log.warning("digest %s to %s not sent: %s", digest.pk, digest.user.email, exc)
        return f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
    return ""


def _failed(digest: Digest, error: str) -> None:
    first = digest.state != Digest.State.FAILED
    digest.state, digest.last_error = Digest.State.FAILED, error
    digest.save(update_fields=["state", "attempts", "last_error"])
    if first:
        # Told once, in the app: the e-mail did not reach them, the tasks page has it all.
        notify(
            recipients=[digest.user],
            title=_("Chưa gửi được thư nhắc việc ngày %(d)s")
            % {"d": digest.day.strftime("%d/%m/%Y")},
            body=digest.body,
            link=reverse("directives:tasks"),
            kind="digest.failed",
            email=False,
        )


def digests_send(
    *, today: dt.date | None = None, dry_run: bool = False, prepare: bool = True
) -> Outcome:
    """Prepare today's digests (unless ``prepare`` is False: a retry round) and send every
    digest not yet sent (today's and older ones the server refused). ``dry_run`` lists what
    would be sent and writes nothing."""
    today = today or timezone.localdate()
    outcome = Outcome()
    if dry_run:
        for org_id, items in flagged_by_agency(today).items():
            for user in officers_of(Organization(pk=org_id)).exclude(email=""):
                outcome.lines.append(f"{user.email}: {len(items)}")
                outcome.prepared += 1
        return outcome
    if prepare:
        with transaction.atomic():
            outcome.prepared = len(digests_prepare(today))
    todo = Digest.objects.filter(
        state__in=[Digest.State.PENDING, Digest.State.FAILED], attempts__lt=MAX_ATTEMPTS
    ).select_related("user")
    connection = get_connection()
    for digest in todo:
        digest.attempts += 1
        error = _send_one(digest, connection)
        with transaction.atomic():
            if error:
                _failed(digest, error)
                outcome.failed += 1
            else:
                digest.state, digest.sent_at, digest.last_error = (
                    Digest.State.SENT,
                    timezone.now(),
                    "",
                )
                digest.save(update_fields=["state", "attempts", "sent_at", "last_error"])
                outcome.sent += 1
        outcome.lines.append(f"{digest.user.email}: {digest.get_state_display()}")
    return outcome


def digest_time() -> tuple[int, int]:
    """CDTT_DIGEST_TIME ("HH:MM", Vietnam time) as (hour, minute); a bad value fails loudly."""
    raw = settings.CDTT_DIGEST_TIME.strip()
    hour, _sep, minute = raw.partition(":")
    try:
        h, m = int(hour), int(minute or 0)
    except ValueError as exc:
        raise ValueError(f"CDTT_DIGEST_TIME must be HH:MM, not {raw!r}") from exc
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ValueError(f"CDTT_DIGEST_TIME must be HH:MM, not {raw!r}")
    return h, m
