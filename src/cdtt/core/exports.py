"""Large exports of a list as a background job: the same filtered queryset and columns as the
page (cdtt.core.listing), written streaming to a file in constant memory (openpyxl write-only,
the queryset read in chunks), its progress shown on the page that asked, kept for download for
``CDTT_FILE_RETENTION_HOURS`` (then swept, cdtt.core.jobs.files_sweep), audited as an export
in the request is. Past 1,048,575 rows the workbook continues on further sheets, and the job's
message says so.

The queryset crosses to the worker as its pickled query (Django supports it); the list by its
name, from the lists declared at import (``listing_by_name``)."""

from __future__ import annotations

import logging
import pickle
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.audit.services import audit_record
from cdtt.core.jobs import job_claim, job_create, job_finish, job_progress
from cdtt.core.models import Job
from cdtt.lib import xlsx
from cdtt.lib.numbers import vn_int

log = logging.getLogger(__name__)

EXPORTS_FOLDER = "exports"
JOB_KIND = "export"


def background_rows() -> int:
    """Lists longer than this are exported by a background job (settings)."""
    return settings.CDTT_EXPORT_BACKGROUND_ROWS


def export_start(request, listing, queryset, *, filters: dict, unit: Any, total: int) -> Job:
    """Queue the export of ``queryset`` (already scoped, filtered and ordered) and return its
    job; the file goes to MEDIA_ROOT/exports under a name nobody can guess."""
    from cdtt.core.listing import plain_filters

    folder = Path(settings.MEDIA_ROOT) / EXPORTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"
    title = _("Xuất Excel “%(list)s” (%(n)s dòng)") % {"list": listing.title, "n": vn_int(total)}
    job = job_create(kind=JOB_KIND, title=title, actor=request.user, file=str(path))
    about = unit or getattr(request.user, "scope_unit", None)
    listing_export_job(
        job.pk,
        request.user.pk,
        listing.name,
        queryset.model._meta.label,
        pickle.dumps(queryset.query),
        plain_filters(filters),
        {
            "code": getattr(unit, "code", "") or "",
            "name": getattr(about, "full_name", "") or "",
            "path": getattr(about, "path", "") or "",
        },
        str(path),
        total,
    )
    return job


def _queryset(model_label: str, query: bytes):
    queryset = apps.get_model(model_label).objects.all()
    queryset.query = pickle.loads(query)  # noqa: S301 (our own query, pickled by export_start)
    return queryset


def _rows_reporting(rows, progress, total: int):
    """The rows as they pass, reporting every few thousand."""
    for done, row in enumerate(rows, start=1):
        if done % 5000 == 0:
            progress(done, total)
        yield row


def write_export(
    listing, queryset, path: str, *, unit: dict, total: int, progress=None, user=None
) -> int:
    """Write every row of the list's queryset that ``user`` may see to ``path``; the number of
    rows."""
    from cdtt.core.listing import export_rows

    columns = listing.export_columns(user)
    headers = [xlsx.XlsxColumn(str(c.header), c.kind) for c in columns]
    rows = export_rows(listing, queryset, user)
    if progress is not None:
        rows = _rows_reporting(rows, progress, total)
    return xlsx.write_xlsx(
        path,
        str(listing.title),
        headers,
        rows,
        unit=unit.get("name", ""),
        as_of=timezone.localdate(),
    )


def _message(count: int) -> str:
    sheets = xlsx.sheets_for(count)
    if sheets == 1:
        return _("Đã xuất %(n)s dòng. Tệp được giữ %(h)s giờ để tải về.") % {
            "n": vn_int(count),
            "h": settings.CDTT_FILE_RETENTION_HOURS,
        }
    return _(
        "Đã xuất %(n)s dòng, chia thành %(s)s trang tính (Excel chứa tối đa %(max)s dòng "
        "một trang). Tệp được giữ %(h)s giờ để tải về."
    ) % {
        "n": vn_int(count),
        "s": sheets,
        "max": vn_int(xlsx.SHEET_ROWS),
        "h": settings.CDTT_FILE_RETENTION_HOURS,
    }


@db_task()
def listing_export_job(
    job_id: int,
    actor_id: int,
    listing_name: str,
    model_label: str,
    query: bytes,
    filters: dict,
    unit: dict,
    path: str,
    total: int,
) -> None:
    from cdtt.core.listing import listing_by_name

    job_claim(job_id)
    try:
        listing = listing_by_name(listing_name)
        actor = get_user_model().objects.filter(pk=actor_id).first()
        queryset = _queryset(model_label, query)
        count = write_export(
            listing,
            queryset,
            path,
            unit=unit,
            total=total,
            progress=job_progress(job_id),
            user=actor,
        )
        if any(c.personal for c in listing.export_columns(actor)):
            # Personal data leaves the system: who took which list, filtered how, how many rows.
            audit_record(
                actor=actor,
                action=listing.audit_action,
                unit=SimpleNamespace(path=unit.get("path", "")),
                object_type=listing.name,
                object_id=unit.get("code", ""),
                summary=_("Xuất Excel “%(list)s”: %(n)s dòng")
                % {"list": listing.title, "n": count},
                changes={"list": listing.name, "filters": filters, "rows": count},
            )
        name = listing.filename.format(unit=unit.get("code", ""))
        job_finish(
            job_id,
            ok=True,
            message=_message(count),
            result={"download": name, "rows": count, "sheets": xlsx.sheets_for(count)},
        )
    except Exception:
        log.exception("export job %s failed", job_id)
        Path(path).unlink(missing_ok=True)
        job_finish(job_id, ok=False, message=_("Lỗi hệ thống khi xuất tệp. Hãy xuất lại."))


def export_file(job: Job) -> Path | None:
    """The finished export's file, if still kept."""
    if job.kind != JOB_KIND or job.status != Job.Status.DONE or not job.file:
        return None
    path = Path(job.file)
    return path if path.is_file() else None


def download_url(job: Job) -> str:
    return reverse("core:job_file", args=[job.pk])
