"""The access log of personal data (Law 91/2025/QH15): who saw or took whose personal data, when
and why. It lives in the audit log's table under actions of its own ("personal.*"), together with
the exports of lists holding personal data (actions ending in "export"), and is read by the
province admin's access log page."""

from typing import Any

from django.db.models import Q, QuerySet

from cdtt.audit.models import AuditEntry
from cdtt.audit.services import audit_record

VIEW = "personal.view"  # a person's record opened
SUBJECT_EXPORT = "personal.subject_export"  # everything about one resident, for a request
ERASE = "personal.erase"  # a resident anonymised on request or by retention
RETENTION = "personal.retention"  # the periodic clean-up ran
ACTIONS = (VIEW, SUBJECT_EXPORT, ERASE, RETENTION)


def personal_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    summary: str,
    unit: Any = None,
    purpose: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """One line of the access log: the actor, what they saw or took, and the purpose they gave."""
    changes = {**(details or {}), "purpose": (purpose or "").strip()[:300]}
    return audit_record(
        actor=actor, action=action, obj=obj, summary=summary, unit=unit, changes=changes
    )


def personal_entries() -> QuerySet[AuditEntry]:
    """Every entry of the access log: views, requests, erasures and exports of personal data."""
    return AuditEntry.objects.filter(
        Q(action__startswith="personal.") | Q(action__endswith="export")
    ).select_related("actor")
