"""Numbers written the Vietnamese way: thousands grouped with "." and decimals after ",".

The one helper for every text the platform writes outside the browser's locale machinery
(official documents, messages): "1.234", "58,3", "58,3%". It formats a number, never a
sentence: a comma in the words around it stays a comma.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DASH = "—"


def _rounded(value: int | float | Decimal, places: int) -> Decimal:
    exponent = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)


def vn_number(value: int | float | Decimal | None, places: int = 0, *, none: str = DASH) -> str:
    """``value`` with ``places`` decimals (rounded half up): 1234 → "1.234", 58.25 → "58,3"
    (places=1), -0.04 → "0,0"; None → ``none`` ("—" unless told)."""
    if value is None:
        return none
    number = _rounded(value, places)
    if number == 0:
        number = abs(number)  # no "-0,0"
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + ".".join(groups)
    return f"{text},{fraction}" if places > 0 else text


def vn_int(value: int | float | Decimal | None) -> str:
    """A count: "1.234"."""
    return vn_number(value, 0)


def vn_rate(value: int | float | Decimal | None, places: int = 1) -> str:
    """A rate already in percent (58.33) with one decimal: "58,3"."""
    return vn_number(value, places)


def vn_percent(value: int | float | Decimal | None, places: int = 1) -> str:
    """A rate already in percent, with its sign: "58,3%"; None → "—"."""
    return DASH if value is None else f"{vn_number(value, places)}%"


def vn_share(fraction: int | float | Decimal | None, places: int = 1, *, none: str = DASH) -> str:
    """A fraction (0–1) as a percentage: 0.5834 → "58,3%"; None → ``none``."""
    if fraction is None:
        return none
    return f"{vn_number(100 * Decimal(str(fraction)), places)}%"
