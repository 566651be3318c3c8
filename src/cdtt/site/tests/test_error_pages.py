"""The error pages: Vietnamese, inside the site's layout, with a way home; JSON under /api/."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import connections
from django.test import Client, override_settings
from django.urls import path

from cdtt import urls as root_urls
from cdtt.core.access import public
from cdtt.site import errors


@public
def _boom(request):
    raise RuntimeError("boom")


@public
def _denied(request):
    raise PermissionDenied


@public
def _bad(request):
    raise SuspiciousOperation("bad")


@public
def _api_boom(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("boom/", _boom),
    path("denied/", _denied),
    path("bad/", _bad),
    path("api/v1/boom/", _api_boom),
    *root_urls.urlpatterns,
]
handler400 = root_urls.handler400
handler403 = root_urls.handler403
handler404 = root_urls.handler404
handler500 = root_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert 'class="topbar"' in html  # the site's header
    assert 'href="/"' in html  # a way home
    assert "Về trang chủ" in html
    assert "Not Found" not in html and "Server Error" not in html
    return html


def test_404_is_vietnamese_in_the_layout(client, tree, make_user, login):
    _page(client.get("/no-such-page/"), 404, "Không tìm thấy trang")
    # Signed in, the page keeps the menu and the user's name.
    user = make_user("commune_officer", tree.commune)
    html = _page(login(user).get("/no-such-page/"), 404, "Không tìm thấy trang")
    assert "Đăng xuất" in html


def test_403_and_400_are_vietnamese_in_the_layout(client):
    _page(client.get("/denied/"), 403, "Không có quyền truy cập")
    _page(client.get("/bad/"), 400, "Yêu cầu không hợp lệ")


def test_500_renders_without_the_database_and_the_user(client, monkeypatch):
    # The failure may be the database: the page must not read it.
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page read the database")

    for conn in connections.all():
        monkeypatch.setattr(conn, "cursor", no_database)
    response = errors.server_error(type("R", (), {"path": "/x/"})())
    html = _page(response, 500, "Lỗi hệ thống")
    assert "Đăng nhập" in html  # no user: the header offers to sign in


def test_500_of_a_page_is_the_vietnamese_page():
    client = Client(raise_request_exception=False)
    _page(client.get("/boom/"), 500, "Lỗi hệ thống")


@override_settings(DEBUG=False)
def test_the_api_keeps_answering_json(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Không tìm thấy."}
    # An endpoint's own 404 and a refusal stay JSON too.
    response = client.get("/api/v1/coverage/38")
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    boom = Client(raise_request_exception=False).get("/api/v1/boom/")
    assert boom.status_code == 500
    assert boom.json() == {"detail": "Lỗi hệ thống. Vui lòng thử lại sau."}


def test_a_form_refused_for_its_csrf_token_gets_the_vietnamese_page(tree, make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("province_admin", tree.province))
    response = client.post("/accounts/logout/")
    html = _page(response, 403, "Không có quyền truy cập")
    assert "tải lại trang" in html
