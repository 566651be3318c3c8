"""Links shown only where they lead: the templates ask the same access rules the pages apply."""

from django import template
from django.urls import reverse

from cdtt.core.access import may_open
from cdtt.core.imports import import_kind, import_kinds_for

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def crumb_links(context, units, url_name: str = "") -> list[dict]:
    """Breadcrumbs from a chain of units: a unit is a link only if its page would open for the
    viewer (its role may see such pages and the unit lies in the viewer's scope)."""
    user = _user(context)
    url_name = url_name or "geo:unit"
    return [
        {
            "name": unit.full_name,
            "url": _url(url_name, unit) if may_open(user, url_name, unit) else "",
        }
        for unit in units
    ]


def _url(url_name: str, unit) -> str:
    return reverse(url_name, args=[unit.code])


@register.simple_tag(takes_context=True)
def can_open(context, url_name: str, *args) -> bool:
    """Whether the viewer would be let into the page ``url_name`` (its declared rule)."""
    return may_open(_user(context), url_name, args=tuple(args))


@register.simple_tag(takes_context=True)
def can_import(context, code: str = "") -> bool:
    """Whether the viewer may import files of kind ``code`` (any kind when empty): the rule the
    import pages apply."""
    user = _user(context)
    if not code:
        return bool(user and user.is_authenticated and import_kinds_for(user))
    try:
        return import_kind(code).allows(user)
    except KeyError:
        return False
