"""The one error convention: what services raise, and how the API and the pages show it.

- Input that fails a rule (a field empty, a date outside a range, a target above its cap) is
  Django's ``ValidationError``: forms already show it by field, and the API answers it 422.
- Anything else the domain refuses is a ``DomainError`` below, whose ``status`` is the HTTP
  status the API answers with: ``BadRequest`` (400, a request that cannot be read),
  ``Unauthenticated`` (401), ``Refused`` (403, the actor may not do this), ``NotFound`` (404,
  absent or outside the actor's scope: answered alike), ``Conflict`` (409, clashes with what
  is stored), ``PayloadTooLarge`` (413).

Messages are Vietnamese, through gettext. The API maps every error to ``ErrorOut`` in one place
(the exception handlers of ``cdtt.api``); a view maps one to its form with ``form_error`` or to
a line of text with ``error_text``. ``Refused`` is also Django's ``PermissionDenied`` and
``NotFound`` Django's ``Http404``, so a page that does not catch them still answers 403 / 404.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Schema


class DomainError(Exception):
    """A request the domain refuses; ``status`` is the HTTP status the API answers with."""

    status: int = 400
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message: str | None = None):
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)

    @property
    def detail(self) -> str:
        return self.message


class BadRequest(DomainError):
    """A request that cannot be read (not JSON, not an object, a malformed parameter)."""

    status = 400


class Unauthenticated(DomainError):
    status = 401
    default_message = _("Chưa xác thực hoặc mã truy cập đã hết hạn.")


class Refused(DomainError, PermissionDenied):
    """The actor may not do this (their role or scope does not allow it)."""

    status = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class NotFound(DomainError, Http404):
    """Absent, or outside the actor's scope: both are answered alike."""

    status = 404
    default_message = _("Không tìm thấy.")


class Conflict(DomainError):
    """The request clashes with what is stored (e.g. a resent id with another content)."""

    status = 409


class PayloadTooLarge(DomainError):
    status = 413


# --- the API's one error schema ----------------------------------------------------------------


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every 4xx answer of the API: ``detail`` says what went wrong; a refused input also names
    each field at fault in ``errors`` (``field`` is a dotted path; empty for the whole input)."""

    detail: str
    errors: list[FieldError] | None = None


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response=`` entries of an operation's refusals: ``{**error_responses(404, 422)}``."""
    return dict.fromkeys(statuses, ErrorOut)


def validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Django's ``ValidationError`` as ``FieldError`` items (``field`` empty when none)."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if name == NON_FIELD_ERRORS else name, "message": message}
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


# --- pages -------------------------------------------------------------------------------------


def error_text(exc: DomainError | ValidationError) -> str:
    """The message of a refusal as one line of text (a page's error list, a flash message)."""
    if isinstance(exc, DomainError):
        return exc.message
    return " ".join(exc.messages)


def form_error(form, exc: DomainError | ValidationError) -> None:
    """Show a service's refusal on its form: a ``ValidationError`` that names the form's fields
    goes to those fields, anything else to the form as a whole."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    form.add_error(None, error_text(exc))
