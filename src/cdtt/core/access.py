"""Deny by default: every view declares its access rule, or the request is refused.

Views are wrapped with one of the decorators below; the middleware refuses any view that
has none. The JSON API declares its rule once, on the API object (bearer token by default).
Scope is a subtree of administrative units: ``scope_path`` is the path prefix of what a user
may see. This module is the floor of every app: it reads the user's attributes and imports no app.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import NoReverseMatch, resolve, reverse

from cdtt.core.roles import has_role

ALLOWED_PREFIXES = (settings.STATIC_URL, "/api/v1/", "/i18n/")


def scope_path(user) -> str | None:
    """The path prefix of what the user may see; None for nothing."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    unit = user.scope_unit
    if unit is None:
        return None
    return unit.path


def in_scope(user, unit) -> bool:
    """Whether the administrative unit lies in the user's subtree."""
    path = scope_path(user)
    return path is not None and unit.path.startswith(path)


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


def role_required(roles: set[str], *, hide: bool = False):
    """Users whose role is in ``roles``; others get 403 (404 with ``hide``), anonymous users the
    login page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (request.user.is_authenticated and request.user.is_active):
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise Http404 if hide else PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return _mark(wrapper, "roles")

    return decorator


def unit_page(roles: set[str]):
    """A page about one administrative unit, for users whose role is in ``roles``: to any other
    role it answers 404, as a unit outside one's scope does, so that a unit page never says 403
    to one person and 404 to another."""
    return role_required(roles, hide=True)


def may_open(user, url_name: str, unit=None, args: tuple = ()) -> bool:
    """Whether ``user`` would be let into the page ``url_name`` (of ``unit``, if given): the
    page's own declared rule and the unit in the user's scope. Links are shown by this answer,
    so a link never leads to a page that refuses its viewer."""
    try:
        view = resolve(reverse(url_name, args=args or ((unit.code,) if unit else ()))).func
    except NoReverseMatch:
        return False
    rule = getattr(view, "access_rule", None)
    if rule == "public":
        allowed = True
    elif rule == "login":
        allowed = bool(user and user.is_authenticated and user.is_active)
    elif rule == "roles":
        allowed = has_role(user, getattr(view, "allowed_roles", frozenset()))
    else:
        allowed = False
    return allowed and (unit is None or in_scope(user, unit))


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
