"""The column-wise checks of the population file give what the per-value Python functions give:
birth dates checked as columns against ``parse_birth``, name keys against ``fold``."""

import datetime as dt

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cdtt.lib.text import clean, fold
from cdtt.registry.population_checks import (
    RowChecks,
    _name_keys,
    name_key,
    name_keys,
    parse_birth,
)

BIRTHS = [
    "01/03/1971",
    "1946",
    "29/02/2000",
    "29/02/1900",
    "31/02/1990",
    "00/01/1990",
    "01/13/1990",
    "1890",
    "01/01/1899",
    "01/01/1900",
    "2030",
    "01/01/2030",
    "1/3/1971",
    "1971-03-01",
    "01.03.1971",
    "01-03-1971",
    "01/03/71",
    "abcd",
    "0000",
    "١٩٩٠",
    "",
]


def judged_by_python(raw: str, today: dt.date) -> tuple:
    parsed = parse_birth(raw, today) if raw else "Thiếu ngày sinh."
    if isinstance(parsed, str):
        return None, None, None, parsed
    return (*parsed, None)


def births_of(values: list[str], today: dt.date) -> list[tuple]:
    checks = RowChecks({}, {}, {}, today=today)
    frame = checks._births(pl.DataFrame({"birth_raw": values}, schema={"birth_raw": pl.String}))
    return list(frame.select("b_date", "b_year", "b_key", "b_error").iter_rows())


def test_birth_dates_checked_as_columns_agree_with_parse_birth():
    today = dt.date.today()
    edge = [
        today.strftime("%d/%m/%Y"),
        (today + dt.timedelta(days=1)).strftime("%d/%m/%Y"),
        str(today.year),
        str(today.year + 1),
    ]
    values = BIRTHS + edge + BIRTHS[::-1]  # repeated values come from the judged table
    assert births_of(values, today) == [judged_by_python(v, today) for v in values]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.dates(dt.date(1850, 1, 1), dt.date(2100, 12, 31)).map(
                lambda d: d.strftime("%d/%m/%Y")
            ),
            st.integers(1800, 2100).map(str),
            st.text(alphabet="0123456789/-.", max_size=11),
        ),
        min_size=1,
        max_size=20,
    )
)
@example(["01/07/2026", "15/06/2026", "2027"])  # after, on and after "today" below
def test_any_birth_cell_is_judged_as_parse_birth_judges_it(values):
    today = dt.date(2026, 6, 15)
    assert births_of(values, today) == [judged_by_python(v, today) for v in values]


name = st.text(
    alphabet=st.sampled_from(list("aĐđ ỆệốỐÅåøǿİKßΣ") + ["\u0301", "\u0958"]), max_size=8
).map(clean)


@settings(max_examples=150, deadline=None)
@given(st.lists(name, min_size=1, max_size=20))
def test_name_keys_fold_latin_letters_one_by_one_as_the_full_expression_does(names):
    series = pl.Series("full_name", names, dtype=pl.String)
    full = series.to_frame().select(name_key(pl.col("full_name"))).to_series().to_list()
    assert _name_keys(series).to_list() == full
    assert name_keys(series).to_list() == full


def test_vietnamese_name_keys_are_the_folded_names():
    names = ["Nguyễn Văn An", "ĐỖ THỊ HỒNG", "Lê Thị Ánh Tuyết", "Phạm Quốc Đạt", "x" * 130]
    keys = _name_keys(pl.Series("full_name", names, dtype=pl.String)).to_list()
    assert keys == [fold(n)[:120] for n in names]
