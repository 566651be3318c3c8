"""Text normalisation for Vietnamese names, headers and search keys."""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """NFC-normalise, trim and collapse inner whitespace; None becomes ''."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def fold(value: object) -> str:
    """Case- and diacritic-insensitive key: 'Quảng Xương' -> 'quang xuong'."""
    return _fold_text(value if isinstance(value, str) else clean(value))


@functools.lru_cache(maxsize=1 << 16)
def _fold_text(value: str) -> str:
    # Remembered: the same names (villages, headers, levels) are folded over and over.
    text = unicodedata.normalize("NFD", clean(value).lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.replace("đ", "d")


def header_key(value: object) -> str:
    """Key for matching column headers: ignores case, diacritics, spaces and underscores."""
    return re.sub(r"[\s_]+", "", fold(value))
