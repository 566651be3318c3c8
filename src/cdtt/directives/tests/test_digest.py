"""The daily digest, sent to a local SMTP server this test starts; a server that refuses."""

import datetime as dt
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

from cdtt.core.models import Notification
from cdtt.directives.digest import digest_time, digests_send
from cdtt.directives.models import Digest

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 12, 28)  # the task (31/12/2024) is due soon


class Inbox:
    """Keeps what it accepts; refuses every message while ``refuse`` is set."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 Transaction failed: refused"
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_the_digest_reaches_each_officer_of_the_agencies(world, smtp):
    outcome = digests_send(today=TODAY)
    assert (outcome.prepared, outcome.sent, outcome.failed) == (2, 2, 0)
    recipients = sorted(r for rcpt, _ in smtp.messages for r in rcpt)
    assert recipients == ["edu@example.vn", "ict@example.vn"]
    assert "1a" in smtp.messages[0][1] and "3240/UBND-CNTT" in smtp.messages[0][1]
    # Once a day: a second round sends nothing new.
    assert digests_send(today=TODAY).sent == 0
    assert len(smtp.messages) == 2


def test_a_refusing_server_loses_nothing_and_the_officer_is_told(world, smtp):
    smtp.refuse = True
    outcome = digests_send(today=TODAY)
    assert (outcome.sent, outcome.failed) == (0, 2)
    failed = Digest.objects.get(user=world.edu_officer)
    assert failed.state == Digest.State.FAILED and "554" in failed.last_error
    told = Notification.objects.get(recipient=world.edu_officer, kind="digest.failed")
    assert "1a" in told.body
    # The officer sees it on their tasks page.
    from django.test import Client

    client = Client()
    client.force_login(world.edu_officer)
    assert "digest-unsent" in client.get("/directives/tasks/").content.decode()
    # A retry round while the server still refuses keeps them, told once.
    assert digests_send(today=TODAY, prepare=False).failed == 2
    assert Digest.objects.get(user=world.edu_officer).attempts == 2
    smtp.refuse = False
    # ...and the retry round sends what was kept, once.
    outcome = digests_send(today=TODAY + dt.timedelta(days=1), prepare=False)
    assert outcome.sent == 2
    assert sorted(r for rcpt, _ in smtp.messages for r in rcpt) == [
        "edu@example.vn",
        "ict@example.vn",
    ]
    assert Digest.objects.filter(state=Digest.State.SENT).count() == 2
    assert Notification.objects.filter(kind="digest.failed").count() == 2  # told once each


def test_the_dry_run_writes_nothing(world, smtp):
    out = io.StringIO()
    call_command("reminders", "send", "--dry-run", stdout=out)
    assert "dry run" in out.getvalue()
    assert not Digest.objects.exists() and not smtp.messages


def test_the_command_sends_and_fails_loudly_on_refusal(world, smtp):
    smtp.refuse = True
    with pytest.raises(CommandError):
        call_command("reminders", "send", stdout=io.StringIO())
    smtp.refuse = False
    out = io.StringIO()
    call_command("reminders", "send", stdout=out)
    assert "2 sent, 0 failed" in out.getvalue()
    assert len(smtp.messages) == 2


def test_the_time_of_day_is_a_setting(settings):
    settings.CDTT_DIGEST_TIME = "06:45"
    assert digest_time() == (6, 45)
    settings.CDTT_DIGEST_TIME = "25:00"
    with pytest.raises(ValueError):
        digest_time()
