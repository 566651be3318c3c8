"""A name inside a document's sentence is quoted once, whatever quotes its author typed."""

import pytest

from cdtt.documents.text import named


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Đi từng ngõ, gõ từng nhà", "chiến dịch «Đi từng ngõ, gõ từng nhà»"),
        ("Chiến dịch “đi từng ngõ, gõ từng nhà …”", "chiến dịch “đi từng ngõ, gõ từng nhà …”"),
        ("CHIẾN DỊCH «Tháng 10»", "chiến dịch «Tháng 10»"),
        ('"Mùa hè số"', 'chiến dịch "Mùa hè số"'),
        ("Chiến dịch  Mùa hè số ", "chiến dịch «Mùa hè số»"),
        # Quotes inside a name are kept; only the whole name gets the pair.
        ("Tháng “Chuyển đổi số”", "chiến dịch «Tháng “Chuyển đổi số”»"),
    ],
)
def test_a_name_is_quoted_once(name, expected):
    assert named("chiến dịch", name) == expected
