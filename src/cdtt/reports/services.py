"""Writes of reports: a draft is created and edited by an officer of its unit's subtree; issuing
freezes its figures (through ``cdtt.figures``, as of the cut-off) and stores its files; each
sending is logged. Every write is one transaction with an audit entry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.access import in_scope
from cdtt.core.errors import Conflict
from cdtt.documents.models import Letterhead, department_letterhead
from cdtt.documents.pdf import docx_to_pdf
from cdtt.documents.validators import recipient_lines
from cdtt.geo.models import AdminUnit, Level
from cdtt.reports import content
from cdtt.reports.kinds import ReportKind
from cdtt.reports.models import Report, ReportStatus, Submission
from cdtt.reports.selectors import can_write

TEXT_FIELDS = ("number", "signer_name", "recipients", "achievements", "difficulties", "proposals")
PERIOD_FIELDS = ("kind", "period_from", "period_to", "cutoff", "letterhead")


def check_period(
    *, unit: AdminUnit, kind: str, period_from: dt.date, period_to: dt.date, cutoff: dt.date
) -> None:
    """The rules of a report's scope and dates; ``ValidationError`` by field."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if kind not in ReportKind.values:
        errors["kind"] = _("Loại báo cáo không hợp lệ.")
    if unit.level == Level.VILLAGE:
        errors["unit"] = _("Báo cáo lập cho tỉnh, huyện hoặc xã, không lập cho thôn.")
    if period_to < period_from:
        errors["period_to"] = _("Ngày kết thúc kỳ báo cáo phải từ ngày bắt đầu trở đi.")
    if cutoff > today:
        errors["cutoff"] = _("Ngày chốt số liệu %(d)s ở tương lai: số liệu chưa có.") % {
            "d": f"{cutoff:%d/%m/%Y}"
        }
    elif cutoff < period_from:
        errors["cutoff"] = _("Ngày chốt số liệu %(d)s trước ngày bắt đầu kỳ báo cáo %(s)s.") % {
            "d": f"{cutoff:%d/%m/%Y}",
            "s": f"{period_from:%d/%m/%Y}",
        }
    if errors:
        raise ValidationError(errors)


def default_cutoff(period_to: dt.date) -> dt.date:
    """The end of the period, or today while the period is still running."""
    return min(period_to, timezone.localdate())


def _check_actor(actor, unit: AdminUnit) -> None:
    if not can_write(actor) or not in_scope(actor, unit):
        raise PermissionDenied


def _check_letterhead(actor, letterhead: Letterhead | None) -> None:
    # A letterhead of the actor's subtree, or of a unit above it (the province's letterheads).
    if letterhead is not None and not (
        in_scope(actor, letterhead.unit)
        or (actor.scope_unit and actor.scope_unit.path.startswith(letterhead.unit.path))
    ):
        raise ValidationError({"letterhead": _("Mẫu phần đầu văn bản không thuộc địa bàn.")})


def _clean_text(fields: dict) -> dict:
    out = {}
    for key, value in fields.items():
        if key not in TEXT_FIELDS:
            raise TypeError(key)
        out[key] = (value or "").strip()
    if "recipients" in out:
        out["recipients"] = "\n".join(recipient_lines(out["recipients"]))
    return out


@transaction.atomic
def report_create(
    *,
    actor,
    kind: str,
    unit: AdminUnit,
    period_from: dt.date,
    period_to: dt.date,
    cutoff: dt.date | None = None,
    letterhead: Letterhead | None = None,
    **texts: str,
) -> Report:
    """A draft report; ``texts``: any of ``TEXT_FIELDS``."""
    _check_actor(actor, unit)
    cutoff = cutoff or default_cutoff(period_to)
    check_period(unit=unit, kind=kind, period_from=period_from, period_to=period_to, cutoff=cutoff)
    _check_letterhead(actor, letterhead)
    report = Report(
        kind=kind,
        unit=unit,
        period_from=period_from,
        period_to=period_to,
        cutoff=cutoff,
        letterhead=letterhead,
        created_by=actor,
        **_clean_text(texts),
    )
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        action="report.create",
        obj=report,
        unit=unit,
        changes={
            "kind": kind,
            "from": str(period_from),
            "to": str(period_to),
            "cutoff": str(cutoff),
        },
    )
    return report


def _draft(report: Report) -> None:
    if report.issued:
        raise Conflict(_("Báo cáo đã ban hành, không sửa được nữa."))


@transaction.atomic
def report_update(*, actor, report: Report, **fields) -> Report:
    """Changes a draft: any of ``TEXT_FIELDS`` and ``PERIOD_FIELDS``."""
    _check_actor(actor, report.unit)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _draft(report)
    period = {k: fields.pop(k) for k in PERIOD_FIELDS if k in fields}
    changes = {}
    for key, value in {**period, **_clean_text(fields)}.items():
        if getattr(report, key) != value:
            changes[key] = str(value)
            setattr(report, key, value)
    check_period(
        unit=report.unit,
        kind=report.kind,
        period_from=report.period_from,
        period_to=report.period_to,
        cutoff=report.cutoff,
    )
    _check_letterhead(actor, report.letterhead)
    report.full_clean()
    report.save()
    audit_record(actor=actor, action="report.update", obj=report, unit=report.unit, changes=changes)
    return report


def letterhead_of(report: Report) -> Letterhead:
    """The report's letterhead, or the Department's under the province's People's Committee."""
    if report.letterhead is not None:
        return report.letterhead
    unit = report.unit
    return department_letterhead(unit if unit.province_id is None else unit.province)


def letter_of(report: Report, issued_on: dt.date) -> content.Letter:
    return content.Letter(
        letterhead=letterhead_of(report),
        issued_on=issued_on,
        number=report.number,
        signer_name=report.signer_name or None,
        recipients=recipient_lines(report.recipients),
    )


def words_of(report: Report) -> content.Words:
    return content.Words(report.achievements, report.difficulties, report.proposals)


def missing_at_issue(report: Report) -> list[str]:
    """What the letterhead lacks for an issued document (the number, the signer)."""
    head = letterhead_of(report)
    missing = []
    if not report.number.strip():
        missing.append(_("số văn bản"))
    if not (report.signer_name or head.signer_name).strip():
        missing.append(_("họ tên người ký"))
    if not head.signer_title.strip():
        missing.append(_("chức vụ người ký"))
    return missing


@transaction.atomic
def report_issue(*, actor, report: Report) -> Report:
    """Issues a draft: its figures frozen as of the cut-off, the DOCX and the XLSX annex stored,
    who and when recorded. Refused, naming what is missing, without a number or a signer."""
    _check_actor(actor, report.unit)
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("unit", "letterhead")
        .get(pk=report.pk)
    )
    _draft(report)
    missing = missing_at_issue(report)
    if missing:
        raise ValidationError(
            _("Chưa ban hành được: phần đầu văn bản còn thiếu %(what)s.")
            % {"what": ", ".join(missing)}
        )
    check_period(
        unit=report.unit,
        kind=report.kind,
        period_from=report.period_from,
        period_to=report.period_to,
        cutoff=report.cutoff,
    )
    today = timezone.localdate()
    period = content.Period(report.period_from, report.period_to, report.cutoff)
    report.figures = content.gather(report.unit, period)
    letter = letter_of(report, today)
    head = letter.letterhead
    report.heading = {
        "governing_body": head.governing_body,
        "issuing_body": head.issuing_body,
        "symbol": head.symbol,
        "place": head.place,
        "signer_authority": head.signer_authority,
        "signer_title": head.signer_title,
        "signer_name": report.signer_name or head.signer_name,
        "recipients": letter.recipients or head.recipient_lines,
    }
    files = content.build_files(report.kind, report.figures, words_of(report), letter)
    stem = report.file_stem()
    report.docx.save(f"{stem}.docx", ContentFile(files.docx), save=False)
    report.xlsx.save(f"{stem}-phu-luc.xlsx", ContentFile(files.xlsx), save=False)
    report.status = ReportStatus.ISSUED
    report.issued_on = today
    report.issued_by = actor
    report.issued_at = timezone.now()
    report.save()
    audit_record(
        actor=actor,
        action="report.issue",
        obj=report,
        unit=report.unit,
        summary=_("Ban hành báo cáo số %(n)s") % {"n": report.number_text()},
        changes={"number": report.number_text(), "cutoff": str(report.cutoff)},
    )
    return report


@transaction.atomic
def report_issue_with(
    *, actor, report: Report, number: str | None = None, signer_name: str | None = None
) -> Report:
    """Writes a draft's number and signer (those given) and issues it, all or nothing: a refusal
    of the issue leaves the draft as it was."""
    fields = {
        k: v for k, v in {"number": number, "signer_name": signer_name}.items() if v is not None
    }
    if fields:
        report = report_update(actor=actor, report=report, **fields)
    return report_issue(actor=actor, report=report)


def report_pdf(*, report: Report) -> bytes:
    """The PDF of an issued report's stored DOCX, made once and kept with its files
    (``PdfError`` when LibreOffice cannot make it)."""
    if report.pdf:
        with report.pdf.open("rb") as f:
            return f.read()
    with report.docx.open("rb") as f:
        data = docx_to_pdf(f.read())
    with transaction.atomic():
        fresh = Report.objects.select_for_update().get(pk=report.pk)
        if not fresh.pdf:
            fresh.pdf.save(f"{report.file_stem()}.pdf", ContentFile(data), save=False)
            fresh.save(update_fields=["pdf", "updated_at"])
        report.pdf = fresh.pdf
    return data


@transaction.atomic
def submission_add(
    *, actor, report: Report, recipient: str, sent_on: dt.date, channel: str = "", note: str = ""
) -> Submission:
    """Logs that an issued report was sent to a recipient on a day."""
    _check_actor(actor, report.unit)
    if not report.issued:
        raise Conflict(_("Báo cáo chưa ban hành nên chưa gửi được."))
    errors = {}
    if not recipient.strip():
        errors["recipient"] = _("Hãy ghi nơi nhận.")
    if sent_on > timezone.localdate():
        errors["sent_on"] = _("Ngày gửi không được sau hôm nay.")
    elif report.issued_on and sent_on < report.issued_on:
        errors["sent_on"] = _("Ngày gửi không được trước ngày ban hành %(d)s.") % {
            "d": f"{report.issued_on:%d/%m/%Y}"
        }
    if errors:
        raise ValidationError(errors)
    submission = Submission(
        report=report,
        recipient=recipient.strip(),
        sent_on=sent_on,
        channel=channel.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    submission.full_clean()
    submission.save()
    audit_record(
        actor=actor,
        action="report.submit",
        obj=report,
        unit=report.unit,
        changes={"recipient": submission.recipient, "sent_on": str(sent_on)},
    )
    return submission
