"""Periodic job of honours: the reminder of the Prime Minister's dialogue forms, every morning at
08:00 Vietnam time (``HUEY["utc"]`` is False); it does nothing outside the reminder days."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cdtt.honours.dialogue import dialogue_remind

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="0", hour="8"))
def dialogue_remind_daily() -> None:
    reminded = dialogue_remind()
    if reminded:
        log.info("dialogue forms: %d officers reminded", reminded)
