"""JSON API of the reports (mounted under /api/v1/): the reports a caller may see, one report with
its figures and its log of sendings, a new draft, issuing a draft, a report's files. Reads go
through ``reports_for`` / ``access_report`` (outside the caller's subtree: 404, like a missing
one); writes through the services, whose refusals answer by the one error convention."""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

try:
    from ninja import Status
except ImportError:  # django-ninja before 1.5 takes a (status, body) pair

    def Status(status: int, body):  # noqa: N802
        return status, body


from cdtt.core.errors import BadRequest, NotFound, error_responses
from cdtt.geo.access import access_unit
from cdtt.lib.xlsx import XLSX_TYPE
from cdtt.reports import content, selectors
from cdtt.reports.models import Report
from cdtt.reports.services import letter_of, report_create, report_issue_with, words_of

router = Router(tags=["reports"])

PAGE_SIZE = 50
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_TYPES = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE}
Kind = Literal["ministry", "chairman", "campaign"]
ReportState = Literal["draft", "issued"]


class ReportUnit(Schema):
    code: str
    name: str


class ReportItem(Schema):
    id: int
    kind: Kind
    unit: ReportUnit
    period_from: dt.date
    period_to: dt.date
    cutoff: dt.date
    status: ReportState
    number: str
    issued_at: dt.datetime | None
    issued_by: str | None


class ReportPage(Schema):
    count: int
    items: list[ReportItem]


class ReportSubmissionOut(Schema):
    recipient: str
    sent_on: dt.date
    channel: str
    note: str
    recorded_by: str


class ReportOut(ReportItem):
    issued_on: dt.date | None
    signer_name: str
    recipients: str
    achievements: str
    difficulties: str
    proposals: str
    figures: dict[str, Any]
    submissions: list[ReportSubmissionOut]


class ReportQuery(Schema):
    unit: str | None = None
    kind: Kind | None = None
    status: ReportState | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


class ReportIn(Schema):
    kind: Kind
    unit: str
    period_from: dt.date
    period_to: dt.date
    cutoff: dt.date | None = None
    number: str = ""
    signer_name: str = ""
    recipients: str = ""
    achievements: str = ""
    difficulties: str = ""
    proposals: str = ""


class ReportIssueIn(Schema):
    number: str | None = None
    signer: str | None = None


def _unit(user, code: str):
    try:
        return access_unit(user, code)
    except Http404:
        raise NotFound(_("Không tìm thấy đơn vị.")) from None


def _item(report: Report) -> dict:
    return {
        "id": report.pk,
        "kind": report.kind,
        "unit": {"code": report.unit.code, "name": report.unit.full_name},
        "period_from": report.period_from,
        "period_to": report.period_to,
        "cutoff": report.cutoff,
        "status": report.status,
        "number": report.number_text(),
        "issued_at": report.issued_at,
        "issued_by": str(report.issued_by) if report.issued_by else None,
    }


def _figures(report: Report) -> dict:
    """Frozen figures of an issued report; read now as of the cut-off for a draft."""
    if report.issued:
        return report.figures
    period = content.Period(report.period_from, report.period_to, report.cutoff)
    return content.gather(report.unit, period)


def _detail(report: Report) -> dict:
    submissions = report.submissions.select_related("recorded_by")
    return {
        **_item(report),
        "issued_on": report.issued_on,
        "signer_name": report.signer_name,
        "recipients": report.recipients,
        "achievements": report.achievements,
        "difficulties": report.difficulties,
        "proposals": report.proposals,
        "figures": _figures(report),
        "submissions": [
            {
                "recipient": s.recipient,
                "sent_on": s.sent_on,
                "channel": s.channel,
                "note": s.note,
                "recorded_by": str(s.recorded_by),
            }
            for s in submissions
        ],
    }


@router.get("/reports", response={200: ReportPage, **error_responses(400, 401, 404, 422)})
def reports(request, query: Query[ReportQuery]):
    """The reports of the caller's subtree, newest first, optionally of a unit (its code; the
    unit and the units below it), a kind and a status; paged (``page``, ``page_size`` ≤ 500)."""
    if query.page < 1 or not 1 <= query.page_size <= 500:
        raise BadRequest(_("Trang hoặc cỡ trang không hợp lệ (cỡ trang từ 1 đến 500)."))
    rows = selectors.reports_for(request.user)
    if query.unit:
        rows = rows.filter(unit__path__startswith=_unit(request.user, query.unit).path)
    if query.kind:
        rows = rows.filter(kind=query.kind)
    if query.status:
        rows = rows.filter(status=query.status)
    start = (query.page - 1) * query.page_size
    return {
        "count": rows.count(),
        "items": [_item(r) for r in rows[start : start + query.page_size]],
    }


@router.get("/reports/{report_id}", response={200: ReportOut, **error_responses(401, 404)})
def report(request, report_id: int):
    """One report with its figures (an issued report's frozen at issue; a draft's read now as of
    its cut-off) and the log of where it was sent."""
    return _detail(selectors.access_report(request.user, report_id))


@router.post("/reports", response={201: ReportOut, **error_responses(401, 403, 404, 422)})
def report_new(request, body: ReportIn):
    """A draft report of a unit (its code); without ``cutoff``: the end of the period, or today
    while it runs. A cut-off in the future or before the period is refused (422)."""
    data = body.dict()
    unit = _unit(request.user, data.pop("unit"))
    draft = report_create(actor=request.user, unit=unit, **data)
    return Status(201, _detail(selectors.access_report(request.user, draft.pk)))


@router.post(
    "/reports/{report_id}/issue",
    response={200: ReportOut, **error_responses(401, 403, 404, 409, 422)},
)
def report_issue(request, report_id: int, body: ReportIssueIn):
    """Issues a draft: its number and signer (when given) written first, then its figures frozen
    as of the cut-off and its files stored. What the heading lacks is named (422); a report
    already issued is refused (409)."""
    draft = selectors.access_report(request.user, report_id)
    report_issue_with(actor=request.user, report=draft, number=body.number, signer_name=body.signer)
    return _detail(selectors.access_report(request.user, report_id))


FILE_RESPONSES = {
    "200": {
        "description": "The file",
        "content": {
            t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES.values()
        },
    }
}


@router.get(
    "/reports/{report_id}/files/{fmt}",
    response=error_responses(401, 404, 422),
    openapi_extra={"responses": FILE_RESPONSES},
)
def report_file(request, report_id: int, fmt: Literal["docx", "xlsx"]):
    """The report's DOCX or XLSX annex: an issued report's stored file; a draft's preview
    (figures read now as of the cut-off, the number left blank)."""
    report = selectors.access_report(request.user, report_id)
    if report.issued:
        with (report.docx if fmt == "docx" else report.xlsx).open("rb") as f:
            data = f.read()
        stem = report.file_stem()
    else:
        figures = _figures(report)
        if fmt == "xlsx":
            data = content.annex(figures)
        else:
            letter = letter_of(report, timezone.localdate())
            data = content.docx_bytes(report.kind, figures, words_of(report), letter)
        stem = report.file_stem() + "-du-thao"
    name = f"{stem}.docx" if fmt == "docx" else f"{stem}-phu-luc.xlsx"
    response = HttpResponse(data, content_type=FILE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
