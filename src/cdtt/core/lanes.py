"""Two ways into Django: a request of the API that carries a bearer token (the field app's
visits, check-ins, worklists: hundreds a second in a campaign) goes through the middleware such
a request needs; every other request through all of it.

A bearer token is no ambient credential: a request that carries one needs no session, no CSRF
check, no messages, no login lockout (tokens are issued by ``/api/v1/auth/``, which takes the
browser's way), no two-factor mark of a session, and its JSON answer no frame or content
policy. Skipping that middleware spares about a tenth of such a request's Python. What it keeps:
compression, the security headers, the chosen language, the common checks, deny by default;
``request.user`` is anonymous until the token's check sets it.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler

# The middleware only a browser's request needs.
BROWSER_ONLY = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: never under /api/
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "axes.middleware.AxesMiddleware",
        "cdtt.core.csp.CSPMiddleware",
    }
)
_AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"
_API = "/api/v1/"
_SIGN_IN = "/api/v1/auth/"


class AnonymousUntilToken:
    """In place of the session's authentication: the user is anonymous until the API's bearer
    token check sets it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = AnonymousUser()
        return self.get_response(request)


def bearer_middleware(middleware: list[str]) -> list[str]:
    """``middleware`` without the browser's, the session's authentication replaced."""
    lane = f"{__name__}.{AnonymousUntilToken.__name__}"
    return [lane if m == _AUTHENTICATION else m for m in middleware if m not in BROWSER_ONLY]


class BearerHandler(WSGIHandler):
    """Django's handler with ``bearer_middleware``."""

    def load_middleware(self, is_async=False):
        # Django's handler reads its middleware from the settings: given the bearer list for
        # the time it builds its chain (once, when the application is made, before any request).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = bearer_middleware(full)
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def is_bearer_request(environ: dict) -> bool:
    """A request of the API, other than signing in, that carries a bearer token."""
    path = environ.get("PATH_INFO", "")
    return (
        path.startswith(_API)
        and not path.startswith(_SIGN_IN)
        and environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")
    )


class Lanes:
    """The WSGI application: bearer requests to ``bearer``, the others to ``browser``."""

    def __init__(self, browser, bearer):
        self.browser, self.bearer = browser, bearer

    def __call__(self, environ, start_response):
        handler = self.bearer if is_bearer_request(environ) else self.browser
        return handler(environ, start_response)
