"""Background jobs of the teams: the teams import started from its page."""

from pathlib import Path

from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import file_job_run, job_progress


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
    from cdtt.lib.tabular import FileProblem
    from cdtt.teams.imports import teams_import

    def work(actor) -> tuple[bool, str, dict]:
        try:
            result = teams_import(
                actor=actor,
                data=Path(path).read_bytes(),
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=job_progress(job_id),
            )
        except FileProblem as exc:  # unreadable file, missing columns: nothing was written
            return False, str(exc), {"dry_run": dry_run}
        imported = result.teams_created + result.members_added + result.unchanged
        message = (
            result.message()
            if result.ok or skip_invalid
            else _("Tệp có %(n)d lỗi, chưa ghi dữ liệu nào.") % {"n": len(result.errors)}
        )
        return (
            result.ok or (skip_invalid and imported > 0),
            message,
            {
                "teams_created": result.teams_created,
                "members_added": result.members_added,
                "unchanged": result.unchanged,
                "rows_skipped": result.rows_skipped,
                "dry_run": dry_run,
                "errors_total": len(result.errors),
                "errors": [e.as_dict() for e in result.errors],
            },
        )

    file_job_run(job_id, actor_id, path, work, delete_file=delete_file)
