"""Text rules of official documents (Decree 30/2020/NĐ-CP): the date line, and an issuer's
name written inside a sentence."""

import re
import unicodedata
from datetime import date

# A Vietnamese syllable (diacritics split off): an onset, vowels, a final. Any other word in
# an issuer's name is an abbreviation (UBND, HĐND, KH&CN) and keeps its capitals.
SYLLABLE = re.compile(
    r"^(NGH|CH|GH|GI|KH|NG|NH|PH|QU|TH|TR|[BCDĐGHKLMNPRSTVX])?[AEIOUY]+(CH|NG|NH|[CMNPT])?$"
)


def in_sentence(body: str) -> str:
    """An issuer's name inside a sentence: as typed when typed in sentence case ("Sở Khoa học
    và Công nghệ"); typed all in capitals, only its first letter and its abbreviations stay
    capital ("Ủy ban nhân dân tỉnh", "Văn phòng HĐND tỉnh")."""
    if not body.isupper():
        return body
    words = []
    for i, word in enumerate(body.split()):
        bare = "".join(ch for ch in unicodedata.normalize("NFD", word) if ch.isalpha())
        if not SYLLABLE.match(bare):
            words.append(word)
        else:
            words.append(word.capitalize() if i == 0 else word.lower())
    return " ".join(words)


def same_body(a: str, b: str) -> bool:
    """Two names of one body ("Ủy ban nhân dân tỉnh Thanh Hóa" and "UBND TỈNH THANH HÓA")."""

    def fold(name: str) -> str:
        return " ".join(name.upper().replace("ỦY BAN NHÂN DÂN", "UBND").split())

    return fold(a) == fold(b)


def date_line(place: str, day: date) -> str:
    """ "Thanh Hóa, ngày 05 tháng 02 năm 2026": days under 10 and months 1-2 get a leading
    zero (Decree 30/2020)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# Quotation marks that may already wrap a name typed by a user: opening -> closing.
_QUOTES = {"«": "»", "“": "”", '"': '"', "‘": "’", "'": "'"}


def named(kind: str, name: str) -> str:
    """A named thing inside a sentence, quoted once: ``named("chiến dịch", "Chiến dịch “Đi từng
    ngõ”")`` is "chiến dịch “Đi từng ngõ”" (not "chiến dịch «Chiến dịch “Đi từng ngõ”»"); a
    name typed without quotes gets «»."""
    name = " ".join(name.split())
    if name.casefold().startswith(kind.casefold() + " "):
        name = name[len(kind) + 1 :].strip()
    if len(name) > 1 and _QUOTES.get(name[0]) == name[-1]:
        return f"{kind} {name}"
    return f"{kind} «{name}»"
