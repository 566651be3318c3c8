"""Notifications: the one way to tell users something, in the app and by e-mail.

``notify`` is called inside the caller's transaction: its rows commit or roll back with the
caller's work, and its e-mails leave only once that work has committed (nothing is sent about
a write that never happened). A mail server that refuses or is down is logged, never raised
into the caller: the in-app notification stays. The reads and the marking as read below are
the only way to reach a user's notifications; a user reaches only their own.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Case, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from cdtt.core.models import Notification

log = logging.getLogger(__name__)

# Read notifications older than this are purged daily (cdtt.core.tasks); unread ones stay.
KEEP_READ_DAYS = 90


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    link: str = "",
    kind: str = "",
    email: bool = True,
) -> list[Notification]:
    """Write one notification per active recipient (each user once) and, when ``email``, send
    it by e-mail to those who have an address once the caller's transaction commits.
    ``link`` is a path of this site (``/jobs/#job-3``); the e-mail carries it as a full address."""
    rows = notification_rows(
        recipients=recipients, title=title, body=body, link=link, kind=kind, email=email
    )
    return Notification.objects.bulk_create(rows)


def notification_rows(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    link: str = "",
    kind: str = "",
    email: bool = True,
) -> list[Notification]:
    """``notify`` for a caller that inserts the rows itself, together with its own
    (``cdtt.lib.rows``, in its transaction): the unsaved rows; the e-mails are sent on commit."""
    users = {}
    for user in recipients:
        if user is not None and user.is_active:
            users.setdefault(user.pk, user)
    rows = [
        Notification(recipient=user, title=title[:200], body=body, link=link, kind=kind)
        for user in users.values()
    ]
    addresses = [user.email for user in users.values() if user.email] if email else []
    if addresses:
        transaction.on_commit(lambda: _mail_send(addresses, title=title, body=body, link=link))
    return rows


def _mail_text(*, body: str, link: str) -> str:
    parts = [body] if body else []
    if link:
        parts.append(settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link)
    return "\n\n".join(parts)


def _mail_send(addresses: list[str], *, title: str, body: str, link: str) -> int:
    """One message per address (recipients do not see each other), over one connection."""
    text = _mail_text(body=body, link=link)
    subject = f"{settings.EMAIL_SUBJECT_PREFIX}{title}".replace("\n", " ")
    messages = [EmailMessage(subject, text, to=[address]) for address in addresses]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        # The notification is in the app already; a mail server that is down must not fail
        # the import or the membership that caused it.
        log.exception("notification e-mail %r to %d address(es) not sent", title, len(addresses))
        return 0


# --- reads ---------------------------------------------------------------------------------


def notifications_of(user) -> QuerySet[Notification]:
    """A user's notifications: unread first, each group newest first."""
    unread_first = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1))
    return Notification.objects.filter(recipient=user).order_by(unread_first, "-created_at", "-pk")


def unread_count(user) -> int:
    """The number in the header: one count over the index of unread notifications."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification(user, pk: int) -> Notification:
    """A user reaches only their own notifications; anyone else's answers like a missing one."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("notification")
    found = Notification.objects.filter(pk=pk, recipient=user).first()
    if found is None:
        raise Http404("notification")
    return found


# --- writes by the recipient ---------------------------------------------------------------
# Reading one's notifications changes nothing of the program's data: no audit entry.


def notification_mark_read(*, user, pk: int) -> Notification:
    found = access_notification(user, pk)
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_purge(*, days: int = KEEP_READ_DAYS, now: dt.datetime | None = None) -> int:
    """Delete the read notifications older than ``days``; unread ones stay whatever their
    age. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
