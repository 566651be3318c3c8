"""The two ways into Django (``cdtt.core.lanes``), through the WSGI application the app server
runs: a bearer request of the API skips the browser's middleware and is checked as strictly
(allowed, a member of a sibling unit, anonymous); everything else goes the browser's way."""

import io
import json

import pytest

from cdtt.campaigns.models import Visit
from cdtt.campaigns.tests.factories import Field, token_for
from cdtt.campaigns.tests.test_visits_api import payload
from cdtt.core.lanes import BROWSER_ONLY, bearer_middleware, is_bearer_request

# The calls go straight to the WSGI application: see ``wsgi_connection_kept``.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wsgi_connection_kept")]


def call(method: str, path: str, body: dict | None = None, token: str | None = None):
    """(status, headers, parsed body) of a request to ``cdtt.wsgi.application``."""
    from cdtt.wsgi import application

    data = json.dumps(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    if token is not None:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(headers)

    answer = application(environ, start_response)
    content = b"".join(answer)
    answer.close()
    return started["status"], started["headers"], json.loads(content) if content else None


def test_the_bearer_list_keeps_the_order_and_drops_the_browser_s(settings):
    lane = bearer_middleware(settings.MIDDLEWARE)
    assert not BROWSER_ONLY & set(lane)
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" not in lane
    kept = [m for m in settings.MIDDLEWARE if m in lane]
    assert kept == [m for m in lane if m in settings.MIDDLEWARE]
    assert lane[0] == settings.MIDDLEWARE[0]  # compression first: it compresses the others'
    assert lane[-1] == "cdtt.core.access.DenyByDefaultMiddleware"


@pytest.mark.parametrize(
    "path, authorization, bearer",
    [
        ("/api/v1/visits", "Bearer abc", True),
        ("/api/v1/worklist", "Bearer abc", True),
        ("/api/v1/auth/token", "Bearer abc", False),  # signing in: the browser's way (lockout)
        ("/api/v1/visits", "", False),
        ("/api/v1/visits", "Basic abc", False),
        ("/households/", "Bearer abc", False),
    ],
)
def test_which_requests_take_the_bearer_way(path, authorization, bearer):
    environ = {"PATH_INFO": path}
    if authorization:
        environ["HTTP_AUTHORIZATION"] = authorization
    assert is_bearer_request(environ) is bearer


def test_a_member_s_visit_goes_the_bearer_way(tree, make_user):
    field = Field(tree, make_user)
    status, headers, body = call("POST", "/api/v1/visits", payload(field), token_for(field.member))
    assert status == 201, body
    assert Visit.objects.filter(pk=body["id"]).exists()
    # No session, no frame or content policy: the browser's middleware did not run.
    assert "Set-Cookie" not in headers
    assert "X-Frame-Options" not in headers and "Content-Security-Policy" not in headers
    assert headers["Content-Language"] == "vi"  # the chosen language still applies


def test_a_member_of_a_sibling_unit_finds_nothing_the_bearer_way(tree, make_user):
    field = Field(tree, make_user)
    status, _headers, body = call(
        "POST", "/api/v1/visits", payload(field), token_for(field.sibling_member)
    )
    assert status == 404, body
    assert not Visit.objects.exists()


def test_without_a_valid_token_nothing_is_written_either_way(tree, make_user):
    field = Field(tree, make_user)
    for token in ("not-a-token", None):
        status, headers, _body = call("POST", "/api/v1/visits", payload(field), token)
        assert status == 401
    assert not Visit.objects.exists()
    # Without a token the request went the browser's way: its middleware answered too.
    assert "X-Frame-Options" in headers
