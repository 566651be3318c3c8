"""Background jobs of the teams: the teams import started from its page."""

import logging
from pathlib import Path

from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import job_finish, job_progress

log = logging.getLogger(__name__)


@db_task()
def teams_import_job(
    job_id: int,
    actor_id: int | None,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    delete_file: bool = True,
) -> None:
    """Run the teams import for the page that started it; the uploaded file is removed after."""
    from cdtt.accounts.models import User
    from cdtt.lib.tabular import FileProblem
    from cdtt.teams.imports import teams_import

    actor = (
        User.objects.select_related("scope_unit").filter(pk=actor_id).first() if actor_id else None
    )
    try:
        if actor_id and actor is None:
            job_finish(job_id, ok=False, message=_("Người dùng không còn tồn tại."))
            return
        try:
            result = teams_import(
                actor=actor,
                data=Path(path).read_bytes(),
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=job_progress(job_id),
            )
        except FileProblem as exc:  # unreadable file, missing columns: nothing was written
            job_finish(job_id, ok=False, message=str(exc), result={"dry_run": dry_run})
            return
        imported = result.teams_created + result.members_added + result.unchanged
        job_finish(
            job_id,
            ok=result.ok or (skip_invalid and imported > 0),
            message=result.message()
            if result.ok or skip_invalid
            else _("Tệp có %(n)d lỗi, chưa ghi dữ liệu nào.") % {"n": len(result.errors)},
            result={
                "teams_created": result.teams_created,
                "members_added": result.members_added,
                "unchanged": result.unchanged,
                "rows_skipped": result.rows_skipped,
                "dry_run": dry_run,
                "errors_total": len(result.errors),
                "errors": [e.as_dict() for e in result.errors],
            },
        )
    except Exception:
        log.exception("teams import job %s failed", job_id)
        job_finish(
            job_id, ok=False, message=_("Lỗi hệ thống khi nhập tệp; dữ liệu không thay đổi.")
        )
    finally:
        if delete_file:
            Path(path).unlink(missing_ok=True)
