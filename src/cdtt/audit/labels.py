"""How the audit log speaks: the Vietnamese label of each action code, of the codes that appear
as values in entries (a visit's outcome, a resident's status), and the page of each kind of object
touched. One registry, filled by the apps above (cdtt.site.audit_labels): the log's floor knows
no app."""

from __future__ import annotations

import re
from collections.abc import Callable

_actions: dict[str, str] = {}
_values: dict[str, str] = {}
_links: dict[str, Callable[[str], str | None]] = {}


def action_labels_register(labels: dict[str, str]) -> None:
    _actions.update(labels)


def value_labels_register(pairs) -> None:
    """Codes and their labels, e.g. a ``TextChoices``' ``choices``."""
    _values.update({str(code): label for code, label in pairs})


def object_link_register(object_type: str, link: Callable[[str], str | None]) -> None:
    """``link(object_id)``: the address of the object's page (None: it has none)."""
    _links[object_type] = link


def action_label(code: str) -> str:
    """The action in Vietnamese; an action nobody labelled shows its code."""
    label = _actions.get(code)
    return str(label) if label else code


def action_choices() -> list[tuple[str, str]]:
    return sorted(((c, str(label)) for c, label in _actions.items()), key=lambda p: p[1])


_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\b")


def value_text(text: str) -> str:
    """A summary with every registered value code replaced by its label."""
    if not text or not _values:
        return text
    return _CODE.sub(lambda m: str(_values.get(m.group(0), m.group(0))), text)


def object_link(object_type: str, object_id: str) -> str | None:
    link = _links.get(object_type)
    if link is None or not object_id:
        return None
    try:
        return link(object_id)
    except Exception:  # an address that no longer resolves: no link, not an error page
        return None
