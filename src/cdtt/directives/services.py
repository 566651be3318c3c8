"""Writes of the directives app: directives, tasks, progress reports, urgings, calendar secrets.
Each is one transaction with an audit entry; notifications leave on commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.errors import Refused
from cdtt.core.notifications import notify
from cdtt.directives.attachments import attachment_kind
from cdtt.directives.models import (
    CalendarFeed,
    Directive,
    Progress,
    Recurrence,
    Task,
    TaskStatus,
    Urging,
)
from cdtt.directives.selectors import can_manage, is_agency_of, officers_of
from cdtt.figures.catalogue import catalogue
from cdtt.geo.models import AdminUnit
from cdtt.organizations.models import Organization


def _require_manager(actor) -> None:
    if actor is not None and not can_manage(actor):
        raise Refused(_("Chỉ cán bộ Sở được đăng ký văn bản chỉ đạo và đôn đốc nhiệm vụ."))


def _text(value: str, field: str, errors: dict, label: str, limit: int | None = None) -> str:
    value = " ".join((value or "").split()) if limit else (value or "").strip()
    if not value:
        errors[field] = _("Chưa nhập %(f)s.") % {"f": label}
    elif limit and len(value) > limit:
        errors[field] = _("%(f)s dài quá %(n)s ký tự.") % {"f": label, "n": limit}
    return value


@transaction.atomic
def directive_create(
    *,
    actor,
    number: str,
    issued_on: dt.date | None,
    issuer: str,
    signer: str,
    summary: str,
    unit: AdminUnit,
    file=None,
) -> Directive:
    _require_manager(actor)
    errors: dict[str, str] = {}
    values = {
        "number": _text(number, "number", errors, _("số, ký hiệu"), 60),
        "issuer": _text(issuer, "issuer", errors, _("cơ quan ban hành"), 200),
        "signer": _text(signer, "signer", errors, _("người ký"), 120),
        "summary": _text(summary, "summary", errors, _("trích yếu"), 500),
    }
    if issued_on is None:
        errors["issued_on"] = _("Chưa nhập ngày ban hành.")
    elif issued_on > timezone.localdate():
        errors["issued_on"] = _("Ngày ban hành không thể sau hôm nay.")
    if file:
        try:
            attachment_kind(file, field="file")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    directive = Directive(issued_on=issued_on, unit=unit, created_by=_user(actor), **values)
    if file:
        directive.file.save(getattr(file, "name", "van-ban"), file, save=False)
    directive.save()
    audit_record(
        actor=actor,
        action="directive.create",
        obj=directive,
        unit=unit,
        summary=_("Đăng ký văn bản chỉ đạo %(n)s") % {"n": directive.number},
    )
    return directive


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _schedule_errors(
    *,
    directive: Directive,
    deadline: dt.date | None,
    recurrence: str,
    due_day: int | None,
    due_month: int | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if recurrence not in Recurrence.values:
        errors["recurrence"] = _("Định kỳ không hợp lệ.")
    elif recurrence:
        if not due_day or not 1 <= due_day <= 31:
            errors["due_day"] = _("Nhiệm vụ định kỳ cần ngày đến hạn từ 1 đến 31.")
        if recurrence == Recurrence.YEARLY and (not due_month or not 1 <= due_month <= 12):
            errors["due_month"] = _("Nhiệm vụ hằng năm cần tháng đến hạn từ 1 đến 12.")
    elif deadline is None:
        errors["deadline"] = _("Nhiệm vụ cần một hạn hoàn thành hoặc một định kỳ.")
    if deadline is not None and deadline < directive.issued_on:
        errors["deadline"] = _("Hạn hoàn thành (%(d)s) trước ngày ban hành văn bản (%(v)s).") % {
            "d": deadline.strftime("%d/%m/%Y"),
            "v": directive.issued_on.strftime("%d/%m/%Y"),
        }
    return errors


def _task_fields_checked(
    *,
    directive: Directive,
    clause: str,
    title: str,
    lead: Organization | None,
    deadline: dt.date | None,
    recurrence: str,
    due_day: int | None,
    due_month: int | None,
    figure_code: str,
) -> tuple[str, str]:
    """A new task's fields checked together; returns its clause and title cleaned, or raises
    every error at once."""
    errors: dict[str, str] = {}
    clause = _text(clause, "clause", errors, _("điểm, khoản"), 20)
    title = _text(title, "title", errors, _("nội dung nhiệm vụ"))
    if lead is None:
        errors["lead"] = _("Nhiệm vụ phải có cơ quan chủ trì.")
    errors.update(
        _schedule_errors(
            directive=directive,
            deadline=deadline,
            recurrence=recurrence or "",
            due_day=due_day,
            due_month=due_month,
        )
    )
    if figure_code and figure_code not in {f.code for f in catalogue()}:
        errors["figure_code"] = _("Chỉ số “%(c)s” không có trong danh mục.") % {"c": figure_code}
    if clause and directive.tasks.filter(clause=clause).exists():
        errors["clause"] = _("Văn bản đã có nhiệm vụ tại điểm %(c)s.") % {"c": clause}
    if errors:
        raise ValidationError(errors)
    return clause, title


@transaction.atomic
def task_create(
    *,
    actor,
    directive: Directive,
    clause: str,
    title: str,
    lead: Organization | None,
    co_agencies: Iterable[Organization] = (),
    deadline: dt.date | None = None,
    recurrence: str = "",
    due_day: int | None = None,
    due_month: int | None = None,
    output: str = "",
    figure_code: str = "",
    figure_target: Decimal | None = None,
) -> Task:
    """A task of the directive: one lead agency, co-ordinating agencies, a deadline or a
    recurrence, optionally the figure that measures it."""
    _require_manager(actor)
    clause, title = _task_fields_checked(
        directive=directive,
        clause=clause,
        title=title,
        lead=lead,
        deadline=deadline,
        recurrence=recurrence,
        due_day=due_day,
        due_month=due_month,
        figure_code=figure_code,
    )
    task = Task.objects.create(
        directive=directive,
        clause=clause,
        title=title,
        lead=lead,
        deadline=deadline,
        recurrence=recurrence or "",
        due_day=due_day if recurrence else None,
        due_month=due_month if recurrence == Recurrence.YEARLY else None,
        output=(output or "").strip()[:300],
        figure_code=figure_code or "",
        figure_target=figure_target,
    )
    task.co_agencies.set([o for o in co_agencies if o.pk != lead.pk])
    audit_record(
        actor=actor,
        action="task.create",
        obj=task,
        unit=directive.unit,
        summary=_("Giao nhiệm vụ %(c)s của văn bản %(n)s cho %(a)s")
        % {"c": clause, "n": directive.number, "a": lead.name},
    )
    return task


@transaction.atomic
def progress_report(
    *,
    actor,
    task: Task,
    status: str,
    percent: int,
    text: str,
    document=None,
    today: dt.date | None = None,
) -> Progress:
    """An agency that leads or co-ordinates the task reports on it; the task takes the status
    and percent of its latest report."""
    org_id = getattr(actor, "organization_id", None)
    if not is_agency_of(task, org_id):
        raise Refused(_("Cơ quan của bạn không chủ trì hay phối hợp thực hiện nhiệm vụ này."))
    errors: dict[str, str] = {}
    if status not in TaskStatus.values:
        errors["status"] = _("Tình trạng không hợp lệ.")
    if percent is None or not 0 <= int(percent) <= 100:
        errors["percent"] = _("Tiến độ là một số từ 0 đến 100.")
    text = _text(text, "text", errors, _("kết quả thực hiện"))
    if document:
        try:
            attachment_kind(document, field="document")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    day = today or timezone.localdate()
    report = Progress(
        task=task,
        agency_id=org_id,
        author=_user(actor),
        reported_on=day,
        status=status,
        percent=100 if status == TaskStatus.DONE else int(percent),
        text=text,
    )
    if document:
        report.document.save(getattr(document, "name", "tai-lieu"), document, save=False)
    report.save()
    Task.objects.filter(pk=task.pk).update(
        status=report.status, percent=report.percent, last_report_on=day
    )
    task.status, task.percent, task.last_report_on = report.status, report.percent, day
    audit_record(
        actor=actor,
        action="task.progress",
        obj=task,
        unit=task.directive.unit,
        summary=_("Báo cáo tiến độ nhiệm vụ %(t)s: %(p)s%%") % {"t": task, "p": report.percent},
    )
    return report


@transaction.atomic
def task_urge(
    *, actor, task: Task, agency: Organization | None = None, message: str = ""
) -> Urging:
    """Urge an agency (default: the lead) on a task: an in-app notification and an e-mail to
    each of its officers, logged on the task."""
    _require_manager(actor)
    agency = agency or task.lead
    if not is_agency_of(task, agency.pk):
        raise ValidationError(
            {"agency": _("%(a)s không chủ trì hay phối hợp nhiệm vụ này.") % {"a": agency.name}}
        )
    officers = list(officers_of(agency))
    message = (message or "").strip()
    title = _("Đôn đốc nhiệm vụ %(c)s của văn bản %(n)s") % {
        "c": task.clause,
        "n": task.directive.number,
    }
    body = "\n\n".join(p for p in (task.title, message) if p)
    notify(
        recipients=officers,
        title=title,
        body=body,
        link=reverse("directives:task", args=[task.pk]),
        kind="task.urge",
    )
    urging = Urging.objects.create(
        task=task, agency=agency, actor=_user(actor), message=message, recipients=len(officers)
    )
    audit_record(
        actor=actor,
        action="task.urge",
        obj=task,
        unit=task.directive.unit,
        summary=_("Đôn đốc %(a)s thực hiện nhiệm vụ %(t)s") % {"a": agency.name, "t": task},
    )
    return urging


@transaction.atomic
def calendar_feed_token(*, user, reset: bool = False) -> str:
    """The secret of the user's calendar address; ``reset`` replaces it (the old one stops)."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None or reset:
        token = secrets.token_urlsafe(32)
        if feed is None:
            feed = CalendarFeed.objects.create(user=user, token=token)
        else:
            feed.token = token
            feed.save(update_fields=["token"])
        audit_record(actor=user, action="calendar.token", obj=feed, summary=_("Tạo địa chỉ lịch"))
    return feed.token
