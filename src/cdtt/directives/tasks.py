"""Periodic jobs of the directives: the daily digest at CDTT_DIGEST_TIME (Vietnam time, as
``HUEY["utc"]`` is False), and a retry every 30 minutes of digests the mail server refused."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cdtt.directives.digest import Digest, digest_time, digests_send

log = logging.getLogger(__name__)

_HOUR, _MINUTE = digest_time()


@db_periodic_task(crontab(minute=str(_MINUTE), hour=str(_HOUR)))
def digests_send_daily() -> None:
    outcome = digests_send()
    log.info(
        "digests: %d prepared, %d sent, %d failed", outcome.prepared, outcome.sent, outcome.failed
    )


@db_periodic_task(crontab(minute="*/30"))
def digests_retry() -> None:
    """Only when something is waiting: the day's run itself is the one above."""
    if Digest.objects.filter(state=Digest.State.FAILED).exists():
        outcome = digests_send(prepare=False)
        log.info("digests retried: %d sent, %d failed", outcome.sent, outcome.failed)
