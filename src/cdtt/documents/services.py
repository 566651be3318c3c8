"""Writes of letterheads: created and changed by a province admin, inside their scope, checked
field by field (what a DOCX can hold), audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cdtt.audit.services import audit_record
from cdtt.core.access import in_scope
from cdtt.documents.models import Letterhead
from cdtt.documents.selectors import can_manage
from cdtt.documents.validators import recipient_lines
from cdtt.geo.models import AdminUnit

FIELDS = (
    "name",
    "governing_body",
    "issuing_body",
    "symbol",
    "place",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
)


def _normalised(fields: dict) -> dict:
    for key in fields:
        if key not in FIELDS:
            raise TypeError(key)
    out = {k: (v or "").strip() for k, v in fields.items()}
    if "symbol" in out:
        out["symbol"] = out["symbol"].upper()  # symbols are written in capitals
    if "recipients" in out:
        out["recipients"] = "\n".join(recipient_lines(out["recipients"]))
    return out


def _check(actor, unit: AdminUnit) -> None:
    if not can_manage(actor) or not in_scope(actor, unit):
        raise PermissionDenied


@transaction.atomic
def letterhead_create(*, actor, unit: AdminUnit, **fields: str) -> Letterhead:
    """``fields``: any of ``FIELDS``; the model's defaults otherwise. A bad value raises
    ``ValidationError`` (by field) and writes nothing."""
    _check(actor, unit)
    letterhead = Letterhead(unit=unit, **_normalised(fields))
    letterhead.full_clean()
    letterhead.save()
    audit_record(
        actor=actor,
        action="letterhead.create",
        obj=letterhead,
        changes={k: getattr(letterhead, k) for k in FIELDS},
    )
    return letterhead


@transaction.atomic
def letterhead_update(*, actor, letterhead: Letterhead, **fields: str) -> Letterhead:
    _check(actor, letterhead.unit)
    changes = {}
    for key, value in _normalised(fields).items():
        if getattr(letterhead, key) != value:
            changes[key] = value
            setattr(letterhead, key, value)
    letterhead.full_clean()
    letterhead.save()
    audit_record(actor=actor, action="letterhead.update", obj=letterhead, changes=changes)
    return letterhead
