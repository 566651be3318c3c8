"""Reading the audit log under a path prefix of administrative units (the reader's scope)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from cdtt.audit.models import AuditEntry


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries_under(
    path: str | None,
    *,
    q: str = "",
    action: str = "",
    who: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries about units whose path starts with ``path``: ``""`` is everything, None nothing;
    narrowed by text, action, the actor's name or username, and days (local, both included)."""
    entries = AuditEntry.objects.select_related("actor")
    if path is None:
        return entries.none()
    entries = entries.filter(unit_path__startswith=path) if path else entries
    if q:
        entries = entries.filter(summary__icontains=q)
    if action:
        entries = entries.filter(action=action)
    if who:
        entries = entries.filter(
            Q(actor__username__icontains=who) | Q(actor__full_name__icontains=who)
        )
    if since:
        entries = entries.filter(at__gte=_start_of(since))
    if until:
        entries = entries.filter(at__lt=_start_of(until + dt.timedelta(days=1)))
    return entries
