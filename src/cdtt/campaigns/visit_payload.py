"""The payload of a visit the field app sends: one pydantic model that documents it (the OpenAPI
request body of ``POST /api/v1/visits``) and validates it (``VisitIn.from_payload``).

Validation keeps the field app's rules: numbers may come as numeric strings, a level must be a
real 0, 1 or 2, text is trimmed and its inner spaces collapsed, a missing list is empty. Every
refusal has its own Vietnamese message; the first one found is the 422's ``detail``.
``VisitIn.canonical()`` is the form that is hashed for idempotency: key order, list order and
the time zone of ``visited_at`` do not matter (the form is unchanged, so stored hashes hold).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import ValidationError as SchemaError
from pydantic_core import PydanticCustomError

from cdtt.campaigns.models import Outcome
from cdtt.core.errors import BadRequest

# Limits of what a phone may send (bytes are checked by the API before parsing).
MAX_PAYLOAD_BYTES = 32 * 1024
CLOCK_SKEW = timedelta(minutes=10)
MAX_AGE = timedelta(days=366)
MAX_ASSESSMENTS = 60
MAX_MEMBERS = 20


def _refuse(message: str):
    # The message is the whole text: pydantic adds nothing to a custom error's template.
    return PydanticCustomError("visit", "{m}", {"m": message})


# Names and messages of the rules, translated only when a payload breaks one (a visit that
# passes pays no translation lookup: the visit path is performance-critical).
_RESIDENT_ID = gettext_lazy("Mã nhân khẩu (resident_id)")
_RESIDENT = gettext_lazy("Mã nhân khẩu")
_CHECKLIST_ITEM = gettext_lazy("Mục việc làm được")
_CAMPAIGN = gettext_lazy("Mã chiến dịch")
_MEMBER = gettext_lazy("Tên thành viên")
_NOTE = gettext_lazy("Ghi chú")
_CHECKLIST_LIST = gettext_lazy("Danh sách việc làm được (checklist) phải là các mã mục.")
_SERVICES_LIST = gettext_lazy("Danh sách dịch vụ (services) phải là các mã dịch vụ.")
_PRESENT_LIST = gettext_lazy("Danh sách người có mặt (present) phải là các mã nhân khẩu.")


def _as_int(value, what) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise _refuse(_("%(what)s phải là số nguyên.") % {"what": what})
    return value


def _text(value, what, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _refuse(_("%(what)s phải là chuỗi ký tự.") % {"what": what})
    value = " ".join(value.split())
    if len(value) > limit:
        raise _refuse(_("%(what)s dài quá %(n)s ký tự.") % {"what": what, "n": limit})
    return value


def _list(value, message, limit: int | None = None) -> list:
    """A list the phone may leave out (absent, null or empty: an empty list). ``message``:
    the refusal's text, or a function that writes it."""
    value = value or []
    if not isinstance(value, list) or (limit is not None and len(value) > limit):
        raise _refuse(str(message() if callable(message) else message))
    return value


def _level(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1, 2):
        raise _refuse(
            _(
                "Mức đánh giá phải là 0 (chưa biết), 1 (cơ bản) hoặc 2 (thành thạo); "
                "nhận được: %(v)s."
            )
            % {"v": json.dumps(value, ensure_ascii=False)[:20]}
        )
    return value


def _skill(value) -> str:
    if not isinstance(value, str) or not value:
        raise _refuse(_("Mỗi đánh giá phải ghi mã kỹ năng (skill)."))
    return value


def _checklist(value) -> list[int]:
    items = _list(value, _CHECKLIST_LIST)
    return sorted({_as_int(c, _CHECKLIST_ITEM) for c in items})


class AssessmentIn(BaseModel):
    """A skill assessed during the visit: 0 none, 1 basic, 2 proficient."""

    resident_id: Annotated[int, BeforeValidator(lambda v: _resident_id(v))]
    skill: Annotated[str, BeforeValidator(_skill)]
    level: Annotated[int, Field(ge=0, le=2), BeforeValidator(_level)]
    checklist: Annotated[list[int], BeforeValidator(_checklist)] = Field(default_factory=list)


class HouseholdRef(BaseModel):
    """The household visited: its commune's official code and its code within the commune."""

    commune_code: str
    code: str


def _household(value) -> dict:
    if not isinstance(value, dict) or not value.get("code") or not value.get("commune_code"):
        raise _refuse(_("Thiếu thông tin hộ: household phải có commune_code và code."))
    return {"commune_code": str(value["commune_code"]).strip(), "code": str(value["code"]).strip()}


def _visit_id(value) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise _refuse(_("Mã lượt đến hộ (id) phải là một UUID.")) from None


def _visited_at(value) -> datetime:
    try:
        at = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but not a date (a 13th month)
        at = None
    if at is None:
        raise _refuse(_("Thời điểm đến hộ (visited_at) không hợp lệ; dùng định dạng ISO 8601."))
    return timezone.make_aware(at) if timezone.is_naive(at) else at


_OUTCOMES = frozenset(Outcome.values)


def _outcome(value) -> str:
    if not isinstance(value, str) or value not in _OUTCOMES:  # a list or an object is refused too
        raise _refuse(
            _("Kết quả không hợp lệ; dùng một trong: %(v)s.") % {"v": ", ".join(Outcome.values)}
        )
    return value


def _campaign(value) -> int | None:
    return None if value in (None, "") else _as_int(value, _CAMPAIGN)


def _services(value) -> list[str]:
    items = _list(value, _SERVICES_LIST)
    if not all(isinstance(s, str) for s in items):
        raise _refuse(str(_SERVICES_LIST))
    return sorted(set(items))


def _members(value) -> list[str]:
    items = _list(value, _members_message, MAX_MEMBERS)
    return [_text(m, _MEMBER, 120) for m in items]


def _members_message() -> str:
    return _("Danh sách thành viên (members) tối đa %(n)s người.") % {"n": MAX_MEMBERS}


def _present(value) -> list[int]:
    items = _list(value, _PRESENT_LIST)
    return sorted({_as_int(p, _RESIDENT) for p in items})


def _assessments(value) -> list:
    return _list(value, _assessments_message, MAX_ASSESSMENTS)


def _assessments_message() -> str:
    return _("Danh sách đánh giá (assessments) tối đa %(n)s mục.") % {"n": MAX_ASSESSMENTS}


def _assessed_once(items: list[AssessmentIn]) -> list[AssessmentIn]:
    seen = set()
    for a in items:
        if (a.resident_id, a.skill) in seen:
            raise _refuse(_("Một nhân khẩu được đánh giá hai lần cùng một kỹ năng trong lượt này."))
        seen.add((a.resident_id, a.skill))
    return sorted(items, key=lambda a: (a.resident_id, a.skill))


def _resident_id(value) -> int:
    return _as_int(value, _RESIDENT_ID)


def _message_of(rule, value) -> str:
    try:
        rule(value)
    except PydanticCustomError as exc:
        return exc.message()
    return ""


# A required field that is absent is refused with the message of its rule.
_MISSING = {
    "id": _visit_id,
    "household": _household,
    "visited_at": _visited_at,
    "outcome": _outcome,
    "resident_id": _resident_id,
    "skill": _skill,
    "level": _level,
}


class VisitIn(BaseModel):
    """A visit as the field app sends it. ``id`` is the client's UUID (idempotency key)."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[uuid.UUID, BeforeValidator(_visit_id)]
    household: Annotated[HouseholdRef, BeforeValidator(_household)]
    visited_at: Annotated[datetime, BeforeValidator(_visited_at)]
    outcome: Annotated[Outcome, BeforeValidator(_outcome)]
    campaign: Annotated[int | None, BeforeValidator(_campaign)] = None
    services: Annotated[list[str], BeforeValidator(_services)] = Field(default_factory=list)
    members: Annotated[list[str], BeforeValidator(_members)] = Field(default_factory=list)
    present: Annotated[list[int], BeforeValidator(_present)] = Field(default_factory=list)
    assessments: Annotated[
        list[AssessmentIn], BeforeValidator(_assessments), AfterValidator(_assessed_once)
    ] = Field(default_factory=list)
    note: Annotated[str, BeforeValidator(lambda v: _text(v, _NOTE, 500))] = ""

    @field_validator("visited_at")
    @classmethod
    def _not_in_future_nor_too_old(cls, at: datetime, info: ValidationInfo) -> datetime:
        now = (info.context or {}).get("now") or timezone.now()
        if at > now + CLOCK_SKEW:
            raise _refuse(
                _("Thời điểm đến hộ (%(at)s) ở tương lai; hãy kiểm tra ngày giờ của điện thoại.")
                % {"at": f"{timezone.localtime(at):%d/%m/%Y %H:%M}"}
            )
        if at < now - MAX_AGE:
            raise _refuse(
                _("Thời điểm đến hộ (%(at)s) đã quá một năm; không ghi nhận.")
                % {"at": f"{timezone.localtime(at):%d/%m/%Y}"}
            )
        return at

    @model_validator(mode="after")
    def _nobody_home_is_not_assessed(self) -> VisitIn:
        if self.assessments and self.outcome == Outcome.NOBODY_HOME:
            raise _refuse(_("Không có ai ở nhà thì không thể ghi đánh giá kỹ năng."))
        return self

    @classmethod
    def from_payload(cls, payload: Any, *, now: datetime | None = None) -> VisitIn:
        """The validated visit; ``BadRequest`` (400) when the payload is not a JSON object,
        Django's ``ValidationError`` (422) naming the first rule it breaks otherwise."""
        if not isinstance(payload, dict):
            raise BadRequest(_("Dữ liệu phải là một đối tượng JSON."))
        try:
            return cls.model_validate(payload, context={"now": now} if now else None)
        except SchemaError as exc:
            raise _first_refusal(exc) from None

    def canonical(self) -> dict:
        """The form that is hashed and that the write reads."""
        return {
            "id": str(self.id),
            "household": {"commune_code": self.household.commune_code, "code": self.household.code},
            "visited_at": self.visited_at.astimezone(UTC).isoformat(),
            "outcome": self.outcome.value,
            "campaign": self.campaign,
            "services": self.services,
            "members": self.members,
            "present": self.present,
            "note": self.note,
            "assessments": [
                {
                    "resident_id": a.resident_id,
                    "skill": a.skill,
                    "level": a.level,
                    "checklist": a.checklist,
                }
                for a in self.assessments
            ],
        }


def _first_refusal(exc: SchemaError) -> ValidationError:
    """The first rule the payload breaks, as Django's ``ValidationError`` keyed by its field."""
    error = exc.errors(include_url=False, include_context=False, include_input=False)[0]
    loc = error["loc"]
    field = ".".join(str(p) for p in loc) or "__all__"
    if error["type"] == "visit":
        message = error["msg"]
    elif error["type"] == "missing" and str(loc[-1]) in _MISSING:
        message = _message_of(_MISSING[str(loc[-1])], None)
    elif loc and loc[0] == "assessments":
        message = _("Mỗi đánh giá phải có resident_id, skill và level.")
    else:  # a shape the rules above let through (cannot happen with a JSON object)
        message = error["msg"]
    return ValidationError({field: [message]})


def payload_hash(canonical: dict) -> str:
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
