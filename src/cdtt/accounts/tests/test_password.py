"""Changing a user's password: the rules, the audit entry, the tokens and sessions it ends."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cdtt.accounts.models import ApiToken
from cdtt.accounts.services import user_password_set
from cdtt.audit.models import AuditEntry
from cdtt.geo.models import Level
from cdtt.testing import PASSWORD, make_unit

NEW = "mat-khau-moi-2025"


def _token(user, key: str) -> ApiToken:
    return ApiToken.objects.create(
        user=user, key_hash=key * 64, expires_at=timezone.now() + dt.timedelta(days=1)
    )


def _edit(target, password: str) -> dict:
    return {
        "username": target.username,
        "full_name": target.full_name,
        "role": target.role,
        "scope_unit": target.scope_unit.code,
        "email": "",
        "phone": "",
        "password": password,
    }


@pytest.fixture
def target(tree, make_user):
    return make_user("commune_officer", tree.commune)


def test_admin_sets_a_password_audited_without_it_and_tokens_revoked(tree, make_user, target):
    admin = make_user("province_admin", tree.province)
    _token(target, "a")
    _token(target, "b")
    other = make_user("commune_officer", tree.sibling_commune)
    _token(other, "c")
    user_password_set(actor=admin, user=target, password=NEW)
    target.refresh_from_db()
    assert target.check_password(NEW) and not target.check_password(PASSWORD)
    assert not target.api_tokens.exists()
    assert other.api_tokens.count() == 1
    entry = AuditEntry.objects.get(action="user.password")
    assert entry.actor == admin and entry.object_id == str(target.pk)
    assert entry.changes == {"api_tokens_revoked": 2}
    assert NEW not in str(entry.changes) + entry.summary
    assert target.username in entry.summary
    assert entry.unit_path == tree.commune.path


@pytest.mark.parametrize(
    "password, message",
    [
        ("ngan-1", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác."),
    ],
)
def test_a_password_breaking_a_rule_is_refused_in_vietnamese(
    tree, make_user, target, password, message
):
    admin = make_user("province_admin", tree.province)
    _token(target, "a")
    with pytest.raises(ValidationError) as exc:
        user_password_set(actor=admin, user=target, password=password)
    assert exc.value.message_dict == {"password": [message]}
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert target.api_tokens.count() == 1
    assert not AuditEntry.objects.filter(action="user.password").exists()


def test_each_broken_rule_gets_its_own_message(tree, make_user, target):
    with pytest.raises(ValidationError) as exc:
        user_password_set(actor=None, user=target, password="1234")
    assert exc.value.message_dict["password"] == [
        "Mật khẩu quá ngắn: cần ít nhất 8 ký tự.",
        "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác.",
    ]


def test_admin_of_another_province_and_a_sibling_officer_are_refused(tree, make_user, target):
    province = make_unit("40", "Nghệ An", Level.PROVINCE)
    stranger = make_user("province_admin", province)
    sibling = make_user("commune_officer", tree.sibling_commune)
    for actor in (stranger, sibling):
        with pytest.raises(PermissionDenied):
            user_password_set(actor=actor, user=target, password=NEW)
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_a_user_may_change_their_own_password(target):
    user_password_set(actor=target, user=target, password=NEW)
    target.refresh_from_db()
    assert target.check_password(NEW)


def test_the_users_page_changes_the_password_and_ends_the_users_sessions(
    tree, make_user, target, client, django_user_model
):
    from django.test import Client

    their_browser = Client()
    their_browser.force_login(target)
    assert their_browser.get("/teams/me/").status_code == 200
    _token(target, "a")
    admin = make_user("province_admin", tree.province)
    client.force_login(admin)
    response = client.post(f"/accounts/users/{target.pk}/", _edit(target, NEW))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW) and not target.api_tokens.exists()
    assert AuditEntry.objects.filter(action="user.password", actor=admin).count() == 1
    # The target's browser was logged in with the old password: it is logged out now.
    assert their_browser.get("/teams/me/").status_code == 302


def test_the_users_page_shows_the_rule_broken_and_changes_nothing(tree, make_user, target, login):
    client = login(make_user("province_admin", tree.province))
    data = _edit(target, "ngan-1") | {"full_name": "Tên Mới"}
    response = client.post(f"/accounts/users/{target.pk}/", data)
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in response.content.decode()
    target.refresh_from_db()
    assert target.check_password(PASSWORD) and target.full_name != "Tên Mới"
    assert not AuditEntry.objects.filter(action="user.update", object_id=str(target.pk)).exists()


def test_admin_changing_their_own_password_stays_logged_in(tree, make_user, login):
    admin = make_user("province_admin", tree.province)
    client = login(admin)
    response = client.post(f"/accounts/users/{admin.pk}/", _edit(admin, NEW))
    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200


def test_the_users_page_of_a_user_of_another_province_is_not_found(tree, make_user, login):
    province = make_unit("40", "Nghệ An", Level.PROVINCE)
    client = login(make_user("province_admin", province))
    target = make_user("commune_officer", tree.commune)
    response = client.post(f"/accounts/users/{target.pk}/", _edit(target, NEW))
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_a_sibling_officer_and_anonymous_cannot_change_a_password(tree, make_user, client, target):
    sibling = make_user("commune_officer", tree.sibling_commune)
    url = f"/accounts/users/{target.pk}/"
    assert client.post(url, _edit(target, NEW)).status_code == 302  # to the login page
    client.force_login(sibling)
    assert client.post(url, _edit(target, NEW)).status_code == 403
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
