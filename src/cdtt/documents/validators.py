"""Checks of what goes into an official document: text a DOCX can hold, the issuer's symbol,
the list of recipients."""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

MAX_RECIPIENTS = 20
MAX_RECIPIENT_CHARS = 200


def validate_printable(value: str) -> None:
    """No control characters (they cannot be written into a DOCX); line breaks are allowed."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value or ""):
        raise ValidationError(_("Có ký tự không hợp lệ."), code="control")


def recipient_lines(value: str) -> list[str]:
    """The recipients, one a line: stripped, without a leading dash, empty lines dropped."""
    lines = (line.strip().lstrip("-–•*+").strip() for line in (value or "").splitlines())
    return [line for line in lines if line]


def validate_recipients(value: str) -> None:
    lines = recipient_lines(value)
    if len(lines) > MAX_RECIPIENTS:
        raise ValidationError(
            _("Nơi nhận có tối đa %(n)s dòng."), code="lines", params={"n": MAX_RECIPIENTS}
        )
    if any(len(line) > MAX_RECIPIENT_CHARS for line in lines):
        raise ValidationError(
            _("Mỗi dòng nơi nhận có tối đa %(n)s ký tự."),
            code="line_length",
            params={"n": MAX_RECIPIENT_CHARS},
        )


# The symbol is the issuer's abbreviation in "Số: 12/BC-SKHCN": letters and digits, parts
# joined by hyphens (SKHCN, UBND, VP-UBND), no spaces or slashes.
validate_symbol = RegexValidator(
    r"^[^\W_]+(-[^\W_]+)*\Z",
    _("Ký hiệu chỉ gồm chữ và số, có thể nối bằng dấu gạch ngang (ví dụ SKHCN)."),
    code="symbol",
)
