"""Writing the audit log; called inside each service's transaction."""

from typing import Any

from cdtt.audit.models import AuditEntry
from cdtt.lib.rows import rows_insert


def audit_entry(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    summary: str = "",
    changes: dict | None = None,
    unit: Any = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEntry:
    """The entry ``audit_record`` writes, unsaved: for a caller that inserts it together with
    its own rows (cdtt.lib.rows)."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=(summary or str(obj or ""))[:300],
        changes=changes or {},
        unit_path=getattr(unit, "path", "") or "",
    )


def audit_record(**fields: Any) -> AuditEntry:
    """Write an audit entry (see ``audit_entry`` for the fields)."""
    entry = audit_entry(**fields)
    rows_insert([entry])  # every write adds one: the lean insert
    return entry
