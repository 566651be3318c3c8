"""Deny by default: every view declares its access rule, or the request is refused.

Views are wrapped with one of the decorators below; the middleware refuses any view that
has none. The JSON API declares its rule once, on the API object (bearer token by default).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from cdtt.accounts.roles import has_role

ALLOWED_PREFIXES = (settings.STATIC_URL, "/api/v1/", "/i18n/")


def _mark(view, rule: str):
    view.access_rule = rule
    return view


def public(view):
    """Anyone, logged in or not."""
    return _mark(view, "public")


def login_required(view):
    """Any active user with a role."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark(wrapper, "login")


def role_required(roles: set[str]):
    """Users whose role is in ``roles``; others get 403, anonymous users the login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (request.user.is_authenticated and request.user.is_active):
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _mark(wrapper, "roles")

    return decorator


class DenyByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(ALLOWED_PREFIXES):
            return None
        if getattr(view_func, "access_rule", None) is None:
            raise PermissionDenied("This view declares no access rule.")
        return None
