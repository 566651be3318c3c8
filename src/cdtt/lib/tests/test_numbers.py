"""The one Vietnamese number helper: thousands with ".", decimals with ",", the number only."""

from decimal import Decimal

import pytest

from cdtt.lib.numbers import vn_int, vn_number, vn_percent, vn_rate


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0, 0, "0"),
        (7, 0, "7"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (1234567, 0, "1.234.567"),
        (-1234, 0, "-1.234"),
        (58.333, 1, "58,3"),
        (58.25, 1, "58,3"),  # half up, as an officer rounds (not Python's half to even)
        (0.0, 1, "0,0"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (1234.5, 1, "1.234,5"),
        (Decimal("12.345"), 2, "12,35"),
        (2.5, 0, "3"),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value, places, expected):
    assert vn_number(value, places) == expected


def test_counts_rates_and_percentages():
    assert vn_int(4) == "4" and vn_int(12500) == "12.500"
    assert vn_rate(93.5) == "93,5"
    assert vn_percent(70) == "70,0%" and vn_percent(100 / 3) == "33,3%"
    # Nothing to show is a dash, not "None".
    assert vn_int(None) == vn_percent(None) == "—"


def test_a_sentence_keeps_its_commas():
    # The helper formats the number; the words around it are never touched.
    sentence = f"đã thực hiện {vn_int(4)} lượt đến hộ, tới {vn_int(1500)} hộ gia đình."
    assert sentence == "đã thực hiện 4 lượt đến hộ, tới 1.500 hộ gia đình."


def test_a_share_is_a_fraction_written_as_a_percentage():
    from cdtt.lib.numbers import vn_share

    assert vn_share(0.5834) == "58,3%"
    assert vn_share(1) == "100,0%"
    assert vn_share(None) == "—"
    assert vn_number(None, none="chưa có số liệu") == "chưa có số liệu"
