"""Attachments of directives: the project's one content check (``cdtt.core.attachments``)."""

from cdtt.core.attachments import attachment_kind

__all__ = ["attachment_kind"]
