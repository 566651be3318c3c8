"""Reading the audit log within a user's scope."""

from django.db.models import QuerySet

from cdtt.audit.models import AuditEntry


def audit_entries_for(user, *, q: str = "", action: str = "") -> QuerySet[AuditEntry]:
    from cdtt.accounts.access import scope_path

    entries = AuditEntry.objects.select_related("actor")
    path = scope_path(user)
    if path is None:
        return entries.none()
    entries = entries.filter(unit_path__startswith=path) if path else entries
    if q:
        entries = entries.filter(summary__icontains=q)
    if action:
        entries = entries.filter(action=action)
    return entries
