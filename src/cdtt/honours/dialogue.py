"""The Prime Minister's dialogue (clause 2d): the Department picks two exemplary members a year,
fills their information forms (prefilled from the member's record and the platform's evidence),
checks them for completeness and sends them to the Ministry before 10/9; reminders before the
deadline go to the Department until the forms are sent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.errors import Conflict, Refused
from cdtt.core.evidence import Period, Subject, evidence_of
from cdtt.core.notifications import notify
from cdtt.core.roles import Role
from cdtt.geo.models import AdminUnit
from cdtt.honours import selectors
from cdtt.honours.documents import FORM_LABELS, dialogue_docx
from cdtt.honours.models import DialogueForm
from cdtt.lib.numbers import vn_number
from cdtt.teams.models import Person

PER_YEAR = 2
# Days before the deadline on which the Department is reminded (and every day once overdue).
REMIND_DAYS = {30, 14, 7, 3, 1, 0}
REQUIRED = [key for key, _label in FORM_LABELS if key != "team"]
EDITABLE = [
    "full_name",
    "birth_year",
    "gender",
    "role",
    "organization",
    "contact",
    "achievements",
    "initiative",
    "to_raise",
]


def deadline_of(year: int) -> dt.date:
    return dt.date(year, 9, 10)


def _evidence_text(person: Person, year: int) -> str:
    lines = evidence_of(
        Subject("person", person.pk), Period(dt.date(year - 1, 9, 10), dt.date(year, 9, 9))
    )
    parts = []
    for line in lines:
        value = vn_number(line.value, 0) if isinstance(line.value, int | float) else line.value
        parts.append(f"{line.label}: {value} {line.unit}".strip())
    return "; ".join(parts)


@transaction.atomic
def dialogue_pick(
    *, actor, year: int, person: Person, today: dt.date | None = None
) -> DialogueForm:
    """Pick a member for the year's dialogue: at most two, each once; the form starts filled
    with what the platform knows of them."""
    if actor is not None and not selectors.can_manage(actor):
        raise Refused(_("Chỉ cán bộ Sở được chọn thành viên tham gia đối thoại."))
    taken = DialogueForm.objects.select_for_update().filter(year=year)
    if taken.filter(person=person).exists():
        raise Conflict(_("%(n)s đã được chọn cho năm %(y)s.") % {"n": person.full_name, "y": year})
    if taken.count() >= PER_YEAR:
        raise Conflict(_("Đã chọn đủ %(n)s thành viên cho năm %(y)s.") % {"n": PER_YEAR, "y": year})
    membership = (
        person.memberships.filter(left_on__isnull=True)
        .select_related("team")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise ValidationError({"person": _("Người này hiện không là thành viên của tổ nào.")})
    contact = ", ".join(x for x in (person.phone, person.email) if x)
    form = DialogueForm.objects.create(
        year=year,
        person=person,
        team=membership.team,
        full_name=person.full_name,
        birth_year=person.birth_year,
        gender=person.gender,
        role=membership.get_role_display(),
        organization=person.organization.name if person.organization_id else "",
        contact=contact,
        achievements=_evidence_text(person, year),
        deadline=deadline_of(year),
        picked_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="honours.dialogue_pick",
        obj=form,
        summary=_("Chọn %(n)s tham gia đối thoại với Thủ tướng năm %(y)s")
        % {"n": person.full_name, "y": year},
    )
    return form


@transaction.atomic
def dialogue_update(*, actor, form: DialogueForm, **fields) -> DialogueForm:
    if actor is not None and not selectors.can_manage(actor):
        raise Refused(_("Chỉ cán bộ Sở được sửa phiếu thông tin."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    errors = {}
    year = fields.get("birth_year", form.birth_year)
    if year is not None and not 1930 <= int(year) <= timezone.localdate().year - 15:
        errors["birth_year"] = _("Năm sinh không hợp lệ.")
    if fields.get("gender", form.gender) not in ("", "M", "F", "O"):
        errors["gender"] = _("Giới tính không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    for name, value in fields.items():
        setattr(form, name, value.strip() if isinstance(value, str) else value)
    form.save()
    audit_record(actor=actor, action="honours.dialogue_update", obj=form, summary=form.full_name)
    return form


def dialogue_missing(form: DialogueForm) -> list[str]:
    """The labels of the required fields still empty."""
    labels = dict(FORM_LABELS)
    return [str(labels[key]) for key in REQUIRED if not str(getattr(form, key) or "").strip()]


def dialogue_problems(forms: list[DialogueForm]) -> list[str]:
    """What stops the forms from being sent: members missing, fields missing (per member)."""
    problems = []
    if len(forms) < PER_YEAR:
        problems.append(
            _("Chưa chọn đủ %(n)s thành viên (mới có %(c)s).") % {"n": PER_YEAR, "c": len(forms)}
        )
    for form in forms:
        missing = dialogue_missing(form)
        if missing:
            problems.append(
                _("%(n)s còn thiếu: %(f)s.")
                % {"n": form.full_name or form.person, "f": ", ".join(missing)}
            )
    return problems


def _forms(actor, year: int):
    """The year's forms the actor answers for (their province's); all of them without one."""
    forms = DialogueForm.objects if actor is None else selectors.dialogue_forms_for(actor)
    return forms.filter(year=year)


def dialogue_document(*, year: int, province: AdminUnit | None, actor=None) -> bytes:
    """The forms of the year as one DOCX addressed to the Ministry; refused with the list of
    what is missing while any form is incomplete."""
    forms = list(_forms(actor, year).select_related("team").order_by("pk"))
    problems = dialogue_problems(forms)
    if problems:
        raise ValidationError(
            _("Phiếu thông tin chưa đầy đủ: %(p)s") % {"p": " ".join(problems)}, code="incomplete"
        )
    return dialogue_docx(forms, province)


@transaction.atomic
def dialogue_mark_sent(*, actor, year: int, sent_on: dt.date | None = None) -> int:
    if actor is not None and not selectors.can_manage(actor):
        raise Refused(_("Chỉ cán bộ Sở được ghi nhận đã gửi phiếu thông tin."))
    forms = list(_forms(actor, year))
    problems = dialogue_problems(forms)
    if problems:
        raise ValidationError(_("Phiếu thông tin chưa đầy đủ: %(p)s") % {"p": " ".join(problems)})
    sent_on = sent_on or timezone.localdate()
    count = DialogueForm.objects.filter(pk__in=[f.pk for f in forms], sent_on__isnull=True).update(
        sent_on=sent_on
    )
    audit_record(
        actor=actor,
        action="honours.dialogue_sent",
        object_type="honours.DialogueForm",
        object_id=str(year),
        summary=_("Đã gửi phiếu thông tin đối thoại năm %(y)s cho Bộ") % {"y": year},
    )
    return count


def reminder_due(today: dt.date) -> tuple[int, int] | None:
    """(year, days left) when the Department must be reminded today; None otherwise."""
    deadline = deadline_of(today.year)
    left = (deadline - today).days
    if left < -30 or (left >= 0 and left not in REMIND_DAYS):
        return None
    sent = DialogueForm.objects.filter(year=today.year, sent_on__isnull=False).count()
    if sent >= PER_YEAR:
        return None
    return today.year, left


@transaction.atomic
def dialogue_remind(*, today: dt.date | None = None, dry_run: bool = False) -> int:
    """Remind the Department of the year's forms; returns the number of officers reminded."""
    today = today or timezone.localdate()
    due = reminder_due(today)
    if due is None:
        return 0
    year, left = due
    officers = list(get_user_model().objects.filter(role=Role.PROVINCE_ADMIN, is_active=True))
    if dry_run:
        return len(officers)
    deadline = deadline_of(year).strftime("%d/%m/%Y")
    if left >= 0:
        title = _("Còn %(d)s ngày đến hạn gửi phiếu đối thoại với Thủ tướng (%(h)s)") % {
            "d": left,
            "h": deadline,
        }
    else:
        title = _("Quá hạn gửi phiếu đối thoại với Thủ tướng (%(h)s)") % {"h": deadline}
    forms = list(DialogueForm.objects.filter(year=year))
    problems = dialogue_problems(forms)
    notify(
        recipients=officers,
        title=title,
        body=" ".join(problems) or _("Phiếu đã đầy đủ, chờ gửi Bộ."),
        link=reverse("honours:dialogue", args=[year]),
        kind="honours.dialogue",
    )
    return len(officers)
