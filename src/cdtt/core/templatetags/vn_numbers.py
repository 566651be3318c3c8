"""Numbers in templates, the Vietnamese way whatever the page's language: the filters of the one
helper (cdtt.lib.numbers). ``{{ n|vn_int }}`` → "12.669", ``{{ 58.33|vn_percent }}`` → "58,3%",
``{{ 0.583|vn_share }}`` → "58,3%", ``{{ x|vn:2 }}`` → "1.234,57"."""

from django import template

from cdtt.lib import numbers

register = template.Library()


def _number(value):
    """A template value as a number (text holding one is read); anything else: None."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    try:
        return float(str(value))
    except ValueError:
        return None


@register.filter
def vn(value, decimals=0):
    """A figure with ``decimals`` places (1.234,5); negative, as Django's floatformat: at most
    that many, trailing zeros dropped (85,5 rather than 85,50); unknown: a dash."""
    places = int(decimals)
    text = numbers.vn_number(_number(value), abs(places))
    if places < 0 and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


@register.filter
def vn_int(value):
    """A count: "12.669"."""
    return numbers.vn_int(_number(value))


@register.filter
def vn_rate(value, decimals=1):
    """A rate already in percent, without its sign: "58,3"."""
    return numbers.vn_rate(_number(value), int(decimals))


@register.filter
def vn_percent(value, decimals=1):
    """A rate already in percent: "58,3%"."""
    return numbers.vn_percent(_number(value), int(decimals))


@register.filter
def vn_share(value, decimals=1):
    """A fraction (0–1) as a percentage: "58,3%"."""
    return numbers.vn_share(_number(value), int(decimals))


# The reports' former name for a share.
vn_pct = register.filter("vn_pct", vn_share)
