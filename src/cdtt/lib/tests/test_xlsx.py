"""The one XLSX writer: typed cells, the header, widths and formula neutralisation, read back."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cdtt.lib import xlsx
from cdtt.lib.xlsx import XlsxColumn, xlsx_bytes, xlsx_file


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_cells_are_typed_by_column_kind():
    columns = [
        XlsxColumn("Tên", xlsx.TEXT),
        XlsxColumn("Số hộ", xlsx.INTEGER),
        XlsxColumn("Diện tích", xlsx.DECIMAL),
        XlsxColumn("Tỷ lệ", xlsx.PERCENT),
        XlsxColumn("Ngày", xlsx.DATE),
        XlsxColumn("Lúc", xlsx.DATETIME),
        XlsxColumn("Điện thoại", xlsx.PHONE),
    ]
    when = dt.datetime(2025, 3, 4, 8, 30, tzinfo=dt.UTC)
    row = ["Thôn 1", "120", "58.3", Decimal("0.583"), dt.date(2025, 3, 4), when, "0912345678"]
    ws = _sheet(xlsx_bytes("Thử", columns, [row]))
    cells = list(ws.iter_rows(min_row=2, max_row=2))[0]
    assert [c.value for c in cells[:4]] == ["Thôn 1", 120, 58.3, 0.583]
    assert cells[1].data_type == "n" and cells[2].data_type == "n"  # never "58.3" as text
    assert cells[3].number_format == "0.0%"
    assert cells[4].value == dt.datetime(2025, 3, 4) and cells[4].number_format == "DD/MM/YYYY"
    # Times are shown in Vietnam's time (UTC+7), as on the pages.
    assert cells[5].value == dt.datetime(2025, 3, 4, 15, 30)
    assert cells[5].number_format == "DD/MM/YYYY HH:MM"
    assert cells[6].value == "0912345678" and cells[6].data_type == "s"  # the leading zero kept


def test_untyped_columns_follow_the_values():
    ws = _sheet(xlsx_bytes("T", ["a", "b", "c", "d"], [[3, 2.5, dt.date(2024, 1, 31), "x"]]))
    a, b, c, d = list(ws.iter_rows(min_row=2))[0]
    assert (a.value, b.value, d.value) == (3, 2.5, "x")
    assert c.value == dt.datetime(2024, 1, 31) and c.number_format == "DD/MM/YYYY"


def test_empty_values_leave_empty_cells():
    ws = _sheet(xlsx_bytes("T", ["a", "b"], [[None, ""]], kinds=[xlsx.INTEGER, xlsx.TEXT]))
    assert list(ws.iter_rows(min_row=2, values_only=True)) == [(None, None)]


def test_header_is_bold_and_frozen_and_columns_are_sized():
    data = xlsx_bytes("T", ["Mã", "Họ và tên đầy đủ của chủ hộ"], [["A1", "Nguyễn Văn " * 3]])
    ws = _sheet(data)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width >= 8
    assert ws.column_dimensions["B"].width <= 60


@pytest.mark.parametrize("text", ["=1+1", "+84912", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_injection_is_neutralised(text):
    ws = _sheet(xlsx_bytes("T", ["a", "b"], [[text, text]], kinds=[xlsx.TEXT, ""]))
    for cell in list(ws.iter_rows(min_row=2))[0]:
        assert cell.data_type == "s"
        assert cell.value == "'" + text


def test_a_number_column_with_text_stays_safe_text():
    ws = _sheet(xlsx_bytes("T", ["n"], [["=cmd"]], kinds=[xlsx.INTEGER]))
    assert ws["A2"].value == "'=cmd" and ws["A2"].data_type == "s"


def test_large_tables_stream_to_a_file_from_a_generator():
    rows = ([i, f"Hộ {i}"] for i in range(5000))
    fileobj, count = xlsx_file("T", ["n", "tên"], rows, kinds=[xlsx.INTEGER, xlsx.TEXT])
    with fileobj:
        ws = load_workbook(fileobj, read_only=True).active
        values = list(ws.iter_rows(values_only=True))
    assert count == 5000 and len(values) == 5001 and values[-1] == (4999, "Hộ 4999")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        xlsx_bytes("T", [XlsxColumn("a", "money")], [])


def test_the_header_is_filtered_and_the_workbook_says_what_it_is():
    data = xlsx_bytes(
        "Hộ gia đình",
        ["Mã hộ", "Số nhân khẩu"],
        [["HK1", 3], ["HK2", 1234]],
        kinds=[xlsx.TEXT, xlsx.INTEGER],
        unit="Xã Quảng Định",
        as_of=dt.date(2024, 10, 5),
    )
    book = load_workbook(io.BytesIO(data))
    ws = book.active
    assert ws.auto_filter.ref == "A1:B3"
    assert ws.title == "Hộ gia đình - Xã Quảng Định"
    assert ws["B3"].value == 1234 and ws["B3"].number_format == "#,##0"
    props = book.properties
    assert props.title == "Hộ gia đình - Xã Quảng Định" and props.subject == "Xã Quảng Định"
    assert props.description == "Số liệu đến ngày 05/10/2024"


def test_a_sheet_name_too_long_for_its_unit_keeps_the_title():
    assert xlsx.sheet_name("Số liệu Tổ CNSCĐ", "Thành phố Thanh Hóa") == "Số liệu Tổ CNSCĐ"
    assert xlsx.sheet_name("A/B: [c]?") == "A-B- -c--"
    assert len(xlsx.sheet_name("x" * 40, "Xã A")) == 31


def test_rates_are_numbers_in_percent_with_one_decimal():
    ws = _sheet(xlsx_bytes("T", ["Tỷ lệ (%)"], [[58.333], ["41.25"], [None]], kinds=[xlsx.RATE]))
    # Rounded half up, as the documents write them (41,3 in the report, 41.3 here).
    assert [ws["A2"].value, ws["A3"].value, ws["A4"].value] == [58.3, 41.3, None]
    assert ws["A2"].number_format == "#,##0.0" and ws["A2"].data_type == "n"


def test_a_list_longer_than_a_sheet_continues_on_further_sheets():
    import io as _io

    from openpyxl import load_workbook as _load

    from cdtt.lib.xlsx import sheets_for, write_xlsx

    buf = _io.BytesIO()
    rows = ([i, f"Hộ {i}"] for i in range(7))
    assert write_xlsx(buf, "Hộ gia đình", ["Số", "Tên"], rows, sheet_rows=3) == 7
    book = _load(_io.BytesIO(buf.getvalue()))
    assert [ws.title for ws in book.worksheets] == [
        "Hộ gia đình",
        "Hộ gia đình (2)",
        "Hộ gia đình (3)",
    ]
    assert [[c.value for c in ws[1]] for ws in book.worksheets] == [["Số", "Tên"]] * 3
    assert [ws.max_row - 1 for ws in book.worksheets] == [3, 3, 1]
    assert book.worksheets[1]["A2"].value == 3
    assert sheets_for(7, 3) == 3 and sheets_for(0) == 1 and sheets_for(1_048_576) == 2
