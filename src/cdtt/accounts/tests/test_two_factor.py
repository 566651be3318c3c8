"""Optional two-factor login (TOTP) for province admins: turning it on and off on their own
page, the code step of the login, and the API token that asks the code too."""

import base64
import time

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cdtt.accounts.models import ApiToken
from cdtt.accounts.services import two_factor_device, two_factor_enable, two_factor_start
from cdtt.audit.models import AuditEntry
from cdtt.testing import PASSWORD
from cdtt.tests.csp_check import csp_problems

pytestmark = pytest.mark.django_db

WRONG = "Mã xác thực không đúng hoặc đã được dùng."


def _code(device, ahead: int = 0) -> str:
    """The device's code now (``ahead`` = 1: the next time step's, which the device accepts
    too, so one test can use two codes without waiting)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return totp.token_str() if hasattr(totp, "token_str") else f"{totp.token():06d}"


@pytest.fixture
def admin(tree, make_user):
    return make_user("province_admin", tree.province, username="tinh")


@pytest.fixture
def admin_2fa(admin):
    device = two_factor_start(user=admin)
    two_factor_enable(user=admin, code=_code(device))
    device.refresh_from_db()
    return admin, device


@pytest.fixture
def no_wait(settings):
    """The device's wait after a wrong code off, for the tests that type a right code at once
    after a wrong one (``test_right_code_right_after_a_wrong_one_waits`` keeps it on)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _login(client, username="tinh"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_the_qr_and_the_secret_and_a_code_turns_it_on(client, admin):
    client.force_login(admin)
    response = client.get("/accounts/two-factor/")
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "<svg" in page and csp_problems(response) == []
    secret = page.split("<code>")[1].split("</code>")[0].replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # Opening the page again keeps the same secret (the QR already scanned stays good).
    client.get("/accounts/two-factor/")
    assert TOTPDevice.objects.filter(user=admin).count() == 1
    response = client.post("/accounts/two-factor/", {"code": _code(device)})
    assert response.status_code == 302
    assert two_factor_device(admin) == device
    entry = AuditEntry.objects.get(action="user.two_factor_on")
    assert entry.actor == admin and device.key not in str(entry.changes)
    assert "Đang bật" in client.get("/accounts/two-factor/").content.decode()


def test_a_wrong_code_does_not_turn_it_on(client, admin, no_wait):
    client.force_login(admin)
    client.get("/accounts/two-factor/")
    response = client.post("/accounts/two-factor/", {"code": "000000"})
    assert response.status_code == 200 and WRONG in response.content.decode()
    response = client.post("/accounts/two-factor/", {"code": "abc"})
    assert WRONG in response.content.decode()
    assert two_factor_device(admin) is None
    assert not AuditEntry.objects.filter(action="user.two_factor_on").exists()


def test_turning_it_off_asks_a_code(client, admin_2fa, no_wait):
    admin, device = admin_2fa
    client.force_login(admin)
    response = client.post("/accounts/two-factor/", {"code": "123456"})
    assert WRONG in response.content.decode() and two_factor_device(admin) is not None
    response = client.post("/accounts/two-factor/", {"code": _code(device, ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert AuditEntry.objects.filter(action="user.two_factor_off", actor=admin).exists()


def test_other_roles_and_anonymous_cannot_open_the_page(client, tree, make_user, admin):
    # Allowed: the province admin.
    client.force_login(admin)
    assert client.get("/accounts/two-factor/").status_code == 200
    # Another role, in the province's own unit or a sibling commune: refused, nothing made.
    for role, unit, name in (
        ("province_leader", tree.province, "ld"),
        ("commune_officer", tree.commune, "xa"),
        ("commune_officer", tree.sibling_commune, "xa2"),
    ):
        client.force_login(make_user(role, unit, username=name))
        assert client.get("/accounts/two-factor/").status_code == 403
        assert client.post("/accounts/two-factor/", {"code": "123456"}).status_code == 403
    assert TOTPDevice.objects.exclude(user=admin).count() == 0
    # Anonymous: the login page.
    client.logout()
    response = client.get("/accounts/two-factor/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_each_admin_sees_only_their_own_secret(client, tree, make_user, admin):
    other = make_user("province_admin", tree.province, username="tinh2")
    client.force_login(admin)
    client.get("/accounts/two-factor/")
    client.force_login(other)
    client.get("/accounts/two-factor/")
    keys = set(TOTPDevice.objects.values_list("key", flat=True))
    assert len(keys) == 2


# --- the login ------------------------------------------------------------------------------


def test_a_user_without_a_device_logs_in_as_before(client, admin):
    response = _login(client)
    assert response.status_code == 302 and "/code/" not in response["Location"]
    assert client.get("/").status_code == 200


def test_login_with_a_device_asks_the_code_before_signing_in(client, admin_2fa, no_wait):
    admin, device = admin_2fa
    response = _login(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    # Not signed in yet: the home page sends to the login.
    assert client.get("/").status_code == 302
    response = client.post("/accounts/login/code/", {"code": "000000"})
    assert WRONG in response.content.decode()
    assert client.get("/").status_code == 302
    response = client.post("/accounts/login/code/", {"code": _code(device, ahead=1)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.session.get("otp_device_id") == device.persistent_id


def test_a_code_used_once_is_refused_the_second_time(client, admin_2fa):
    admin, device = admin_2fa
    code = _code(device, ahead=1)
    _login(client)
    assert client.post("/accounts/login/code/", {"code": code}).status_code == 302
    client.logout()
    _login(client)
    response = client.post("/accounts/login/code/", {"code": code})
    assert response.status_code == 200 and WRONG in response.content.decode()
    assert client.get("/").status_code == 302


def test_right_code_right_after_a_wrong_one_waits(client, admin_2fa):
    admin, device = admin_2fa
    _login(client)
    client.post("/accounts/login/code/", {"code": "000000"})
    response = client.post("/accounts/login/code/", {"code": _code(device, ahead=1)})
    assert "Vui lòng đợi vài giây rồi nhập lại" in response.content.decode()
    assert client.get("/").status_code == 302
    # Once the wait is over the right code signs in.
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post("/accounts/login/code/", {"code": _code(device, ahead=1)})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_the_code_step_without_a_password_step_sends_back_to_the_login(client, admin_2fa):
    response = client.get("/accounts/login/code/")
    assert response.status_code == 200
    assert "Bước đăng nhập đã hết hạn" in response.content.decode()
    response = client.post("/accounts/login/code/", {"code": "123456"})
    assert "Bước đăng nhập đã hết hạn" in response.content.decode()
    assert client.get("/").status_code == 302


def test_wrong_codes_are_throttled_like_wrong_passwords(client, admin_2fa, no_wait):
    admin, device = admin_2fa
    _login(client)
    statuses = [
        client.post("/accounts/login/code/", {"code": "000000"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    # Locked: even the right password and code are refused for a while.
    assert _login(client).status_code == 429
    assert client.get("/").status_code == 302


# --- the API token --------------------------------------------------------------------------


def _token(client, otp=None):
    body = {"username": "tinh", "password": PASSWORD}
    if otp is not None:
        body["otp"] = otp
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_the_api_token_asks_the_code_of_a_user_with_a_device(client, admin_2fa, no_wait):
    admin, device = admin_2fa
    r = _token(client)
    assert r.status_code == 401 and r.json() == {"detail": "Cần mã xác thực hai lớp (otp)."}
    r = _token(client, "000000")
    assert r.status_code == 401 and r.json() == {"detail": WRONG}
    assert not ApiToken.objects.exists()
    code = _code(device, ahead=1)
    r = _token(client, code)
    assert r.status_code == 200 and r.json()["token"]
    # The same code again: refused.
    assert _token(client, code).status_code == 401
    assert ApiToken.objects.filter(user=admin).count() == 1


def test_the_api_token_of_a_user_without_a_device_needs_no_code(client, admin):
    assert _token(client).status_code == 200
    assert _token(client, "123456").status_code == 200
