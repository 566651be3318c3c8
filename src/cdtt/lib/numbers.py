"""Numbers written the Vietnamese way: "." between thousands, "," before decimals."""

from decimal import ROUND_HALF_UP, Decimal


def vn_number(value: int | float | Decimal | None, decimals: int = 0, *, none: str = "—") -> str:
    """1234567 -> "1.234.567"; 58.25 with one decimal -> "58,3"; None -> ``none``."""
    if value is None:
        return none
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = ".".join([whole, *groups])
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def vn_percent(fraction: float | None, decimals: int = 1, *, none: str = "—") -> str:
    """A fraction as a percentage: 0.5834 -> "58,3%"."""
    if fraction is None:
        return none
    return f"{vn_number(100 * fraction, decimals)}%"
