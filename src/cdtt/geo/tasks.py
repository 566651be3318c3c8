"""Background jobs of the administrative map: the move of a province to the 2025 map."""

import logging

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import job_finish, job_progress

log = logging.getLogger(__name__)

REMAP_STEPS = 3  # the steps remap_run reports: new communes, villages and facts, roll-ups


@db_task()
def remap_job(job_id: int, actor_id: int | None, province_id: int, accept_defaults: bool) -> None:
    """Run the move for the page that started it, its steps reported as progress; a refusal or
    a crash rolls the whole move back and ends the job as failed."""
    from cdtt.geo.models import AdminUnit
    from cdtt.geo.remap import RemapRefused, remap_run

    report = job_progress(job_id)
    steps = iter(range(REMAP_STEPS))
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    report(0, REMAP_STEPS)
    try:
        result = remap_run(
            actor=actor,
            province=AdminUnit.objects.get(pk=province_id),
            accept_defaults=accept_defaults,
            progress=lambda _step: report(next(steps, REMAP_STEPS - 1), REMAP_STEPS),
        )
    except RemapRefused as exc:
        job_finish(job_id, ok=False, message=str(exc))
        return
    except Exception:
        log.exception("remap job %s failed", job_id)
        job_finish(job_id, ok=False, message=_("Lỗi hệ thống khi chuyển đổi; dữ liệu không đổi."))
        return
    report(REMAP_STEPS, REMAP_STEPS)
    if not result.done:
        job_finish(job_id, ok=True, message=_("Tỉnh đã ở cấu trúc 2025: không có gì thay đổi."))
        return
    job_finish(
        job_id,
        ok=True,
        message=_("Đã chuyển sang cấu trúc 2025: %(c)d xã mới, %(v)d thôn.")
        % {"c": len(result.plan.communes), "v": result.rows.get("villages", 0)},
        result={k: v for k, v in result.rows.items() if v},
    )
