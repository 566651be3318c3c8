"""Background jobs of the registry: the full roll-up rebuild. (The population import runs as a
job of cdtt.core.imports, like every import; the daily snapshot is a periodic job of
cdtt.core.tasks.)"""

from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import job_finish


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


@db_task()
def after_load_job(table: str) -> None:
    """After a large population load into ``table``: the search indexes it dropped built
    again concurrently, then the table vacuumed (``population_sql.loaded_vacuum``)."""
    from cdtt.registry.population_sql import loaded_vacuum
    from cdtt.registry.search_index import search_index_ensure

    search_index_ensure(concurrently=True)
    loaded_vacuum(table)
