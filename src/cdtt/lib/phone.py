"""Vietnamese phone numbers: one stored form (leading zero, digits only), refused when impossible.

Spreadsheets drop the leading zero ("912345678") and people write "+84 912 345 678",
"84912345678" or "0912.345.678"; all become "0912345678". Mobile numbers have 10 digits
(03x, 05x, 07x, 08x, 09x since the 2018 renumbering); landlines 11 digits (02x area codes).
"""

import re

from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s.\-()/]+")
_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


class PhoneInvalid(ValueError):
    """The value cannot be a Vietnamese phone number; str(exc) is the reason in Vietnamese."""


def phone_normalize(value: object) -> str:
    """The stored form of a phone number, '' for an empty value; raises PhoneInvalid."""
    text = _SEPARATORS.sub("", str(value or "")).strip()
    if not text:
        return ""
    if text.endswith(".0") and text[:-2].isdigit():  # a number a spreadsheet stored as float
        text = text[:-2]
    if text.startswith("+"):
        if not text.startswith("+84"):
            raise PhoneInvalid(_("Chỉ nhận số điện thoại Việt Nam (+84)."))
        text = "0" + text[3:]
    elif text.startswith("0084"):
        text = "0" + text[4:]
    if not text.isdigit():
        raise PhoneInvalid(_("Số điện thoại chỉ gồm chữ số: “%(v)s”.") % {"v": value})
    if text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    elif not text.startswith("0") and len(text) in (9, 10):
        text = "0" + text  # the leading zero a spreadsheet dropped
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    if re.match(r"^01\d{9}$", text):
        raise PhoneInvalid(
            _("Đầu số 11 số cũ (01x) đã chuyển sang 10 số từ năm 2018: “%(v)s”.") % {"v": value}
        )
    raise PhoneInvalid(_("Không phải số điện thoại Việt Nam hợp lệ: “%(v)s”.") % {"v": value})


def phone_mask(phone: str) -> str:
    """'0912345678' -> '0912***678', for lists."""
    if len(phone) < 7:
        return phone
    return phone[:4] + "*" * (len(phone) - 7) + phone[-3:]
