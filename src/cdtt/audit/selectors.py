"""Reading the audit log under a path prefix of administrative units (the reader's scope)."""

from django.db.models import QuerySet

from cdtt.audit.models import AuditEntry


def audit_entries_under(path: str | None, *, q: str = "", action: str = "") -> QuerySet[AuditEntry]:
    """Entries about units whose path starts with ``path``: ``""`` is everything, None nothing."""
    entries = AuditEntry.objects.select_related("actor")
    if path is None:
        return entries.none()
    entries = entries.filter(unit_path__startswith=path) if path else entries
    if q:
        entries = entries.filter(summary__icontains=q)
    if action:
        entries = entries.filter(action=action)
    return entries
