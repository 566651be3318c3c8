"""Background jobs of the registry: the population import, the full roll-up rebuild (the daily
snapshot is a periodic job of cdtt.core.tasks)."""

from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import file_job_run, job_finish, job_progress, upload_name


@db_task()
def population_import_job(
    job_id: int,
    actor_id: int | None,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    delete_file: bool = True,
) -> None:
    """Run the population import for the page that started it; the uploaded file is removed after."""
    from cdtt.registry.imports import population_import

    def work(actor) -> tuple[bool, str, dict]:
        result = population_import(
            actor=actor,
            path=path,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            progress=job_progress(job_id),
            file_name=upload_name(path),
        )
        message = (
            result.message()
            if result.ok or skip_invalid
            else _("Tệp có %(n)d lỗi, chưa ghi dữ liệu nào.") % {"n": result.errors_total}
        )
        return (
            result.ok or (skip_invalid and result.rows_imported > 0),
            message,
            {
                "rows": result.rows,
                "households_created": result.households_created,
                "households_updated": result.households_updated,
                "residents_created": result.residents_created,
                "residents_updated": result.residents_updated,
                "levels_set": result.levels_set,
                "villages_created": result.villages_created,
                "dry_run": dry_run,
                "errors_total": result.errors_total,
                "errors": [e.as_dict() for e in result.errors],
            },
        )

    file_job_run(job_id, actor_id, path, work, delete_file=delete_file)


@db_task()
def rollups_rebuild_job(job_id: int | None = None) -> None:
    """A full recomputation (after a change to the skill catalog, or on request)."""
    from cdtt.registry.rollups import rollups_rebuild

    try:
        changed = rollups_rebuild()
    except Exception:
        if job_id:  # the rebuild rolled back: end the job (its starter is told) before re-raising
            job_finish(
                job_id, ok=False, message=_("Lỗi hệ thống khi tính lại số liệu; số liệu không đổi.")
            )
        raise
    if job_id:
        job_finish(
            job_id,
            ok=True,
            message=_("Đã tính lại số liệu: %(n)d dòng thay đổi.") % {"n": sum(changed.values())},
            result=changed,
        )
