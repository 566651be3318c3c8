from decimal import Decimal

from cdtt.lib.numbers import vn_number, vn_percent


def test_thousands_take_dots_and_decimals_a_comma():
    assert vn_number(0) == "0"
    assert vn_number(999) == "999"
    assert vn_number(1000) == "1.000"
    assert vn_number(1234567) == "1.234.567"
    assert vn_number(-45678) == "-45.678"
    assert vn_number(58.25, 1) == "58,3"  # half up, as a clerk rounds
    assert vn_number(Decimal("1234.5"), 2) == "1.234,50"
    assert vn_number(2.0) == "2"


def test_nothing_known_is_a_dash_and_percentages_multiply():
    assert vn_number(None) == "—"
    assert vn_number(None, none="chưa có số liệu") == "chưa có số liệu"
    assert vn_percent(0.5834) == "58,3%"
    assert vn_percent(1) == "100,0%"
    assert vn_percent(None) == "—"
