"""The nightly retention job (Vietnam time, as ``HUEY["utc"]`` is False): former residents
anonymised and old access log entries deleted after the periods the settings give."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cdtt.privacy.services import retention_apply

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="20", hour="2"))
def retention_nightly() -> None:
    outcome = retention_apply()
    log.info(
        "retention: %d former residents anonymised, %d access log entries deleted",
        outcome.residents,
        outcome.log_entries,
    )
