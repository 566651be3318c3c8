"""Issuing an API token goes through ``api_token_issue``: stored as a hash, audited; a wrong
password or a locked account gets no token and writes nothing."""

import pytest

from cdtt.accounts.models import ApiToken
from cdtt.accounts.services import api_token_issue, token_hash
from cdtt.audit.models import AuditEntry
from cdtt.core.errors import Refused
from cdtt.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _ask(client, username, password=PASSWORD):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def test_a_token_is_issued_stored_as_a_hash_and_audited(client, tree, make_user):
    user = make_user("commune_officer", tree.commune, username="xa")
    r = _ask(client, "xa")
    assert r.status_code == 200
    key = r.json()["token"]
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == token_hash(key) and key not in token.key_hash
    entry = AuditEntry.objects.get(action="api_token.issue")
    assert entry.actor == user and entry.object_id == str(token.pk)
    assert entry.unit_path == tree.commune.path and key not in str(entry.changes)


def test_a_wrong_password_or_a_locked_account_gets_nothing(client, tree, make_user):
    user = make_user("commune_officer", tree.commune, username="xa")
    r = _ask(client, "xa", "sai")
    assert r.status_code == 401 and r.json() == {"detail": "Sai tên đăng nhập hoặc mật khẩu."}
    user.is_active = False
    user.save()
    assert _ask(client, "xa").status_code == 401
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="api_token.issue").exists()


def test_the_service_refuses_a_locked_account(tree, make_user):
    user = make_user("commune_officer", tree.commune)
    user.is_active = False
    with pytest.raises(Refused):
        api_token_issue(user=user)
    assert not ApiToken.objects.exists()


def test_failed_logins_stay_throttled(client, tree, make_user, settings):
    settings.AXES_ENABLED = True
    make_user("commune_officer", tree.commune, username="xa")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _ask(client, "xa", "sai").status_code == 401
    assert _ask(client, "xa", "sai").status_code == 429  # the last failure allowed locks
    # Locked out: even the right password gets no token now.
    assert _ask(client, "xa").status_code == 429
    assert not ApiToken.objects.exists()
