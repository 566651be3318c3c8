"""Logging in: Argon2 hashes in production settings, throttling after repeated failures."""

from django.conf import settings

from cdtt.testing import PASSWORD


def test_production_hasher_is_argon2():
    from cdtt import settings as base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_works(client, tree, make_user):
    make_user("commune_officer", tree.commune, username="xa")
    response = client.post("/accounts/login/", {"username": "xa", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_then_throttled(client, tree, make_user):
    make_user("commune_officer", tree.commune, username="xa")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "xa", "password": "wrong"})
        assert (
            "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()
            or response.status_code == 429
        )
    # Locked now: even the right password is refused for a while.
    response = client.post("/accounts/login/", {"username": "xa", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


def test_deactivated_user_cannot_log_in(client, tree, make_user):
    user = make_user("commune_officer", tree.commune, username="xa")
    user.is_active = False
    user.save()
    response = client.post("/accounts/login/", {"username": "xa", "password": PASSWORD})
    assert response.status_code == 200
    assert "Sai tên đăng nhập" in response.content.decode()
