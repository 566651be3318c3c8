from django import template

from cdtt.lib.numbers import vn_number, vn_share

register = template.Library()


@register.filter
def vn(value, decimals=0):
    """A figure written the Vietnamese way (1.234,5); unknown: a dash."""
    return vn_number(value, int(decimals))


@register.filter
def vn_pct(value):
    return vn_share(value)
