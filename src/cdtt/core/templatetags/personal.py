"""Personal data in templates: ``{% phone number %}`` shows a phone number in clear only to the
roles that need it (``cdtt.core.roles.SEES_PHONES``), masked to everyone else."""

from django import template

from cdtt.core.roles import phone_shown, sees_personal

register = template.Library()


@register.simple_tag(takes_context=True)
def phone(context, number) -> str:
    request = context.get("request")
    return phone_shown(getattr(request, "user", None), number) or "—"


@register.simple_tag(takes_context=True)
def personal_visible(context) -> bool:
    """``{% personal_visible as shown %}``: whether the viewer may see people's personal data."""
    request = context.get("request")
    return sees_personal(getattr(request, "user", None))
