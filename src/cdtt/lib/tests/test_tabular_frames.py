"""A CSV read as column batches (polars) gives the rows the row reader gives: same row numbers,
same cleaned cells, whatever the batch boundaries cut through."""

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdtt.lib import tabular
from cdtt.lib.tabular import FileProblem, csv_cells, frame_records, open_table, open_table_path

AWKWARD = (
    "\ufeffMã xã;Thôn;Họ và tên\r\n"
    '16000;"Thôn ""Yên"" Trung";  Nguyễn   Văn An \r\n'
    "\r\n"
    '16000;"Thôn\nhai dòng";Le\u0302 Thi\u0323 Bình\r\n'  # decomposed (NFD) letters
    ";;\r\n"
    "16001;Thôn 3\r\n"  # a short row
    "16002;Thôn 4;Trần Thị C;extra;cells\r\n"  # a long one
    "16003;\tThôn\t5 ;Đỗ\u00a0Văn D"
)


def rows_of(table) -> list[tuple[int, list[str]]]:
    """The row reader's rows under the three headers (cells beyond them are not read)."""
    rows = [(n, (cells + [""] * 3)[:3]) for n, cells in table.rows]
    return [(n, cells) for n, cells in rows if any(cells)]


def frame_rows_of(table) -> list[tuple[int, list[str]]]:
    out = []
    for frame in table.frames():
        for row in frame.iter_rows(named=True):
            out.append((row["row_no"], [row[f"c{i}"] for i in range(3)]))
    return out


@pytest.mark.parametrize("frame_bytes", [7, 40, 1 << 20])
def test_batches_agree_with_the_row_reader(tmp_path, monkeypatch, frame_bytes):
    monkeypatch.setattr(tabular, "FRAME_BYTES", frame_bytes)
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode())
    expected = rows_of(open_table_path(str(path)))
    assert expected[0] == (2, ["16000", 'Thôn "Yên" Trung', "Nguyễn Văn An"])
    assert [n for n, _ in expected] == [2, 4, 6, 7, 8]  # the blank rows keep their numbers
    assert frame_rows_of(open_table_path(str(path))) == expected
    assert frame_rows_of(open_table(AWKWARD.encode())) == expected


cell = st.text(alphabet=st.sampled_from('ab "\n\t,ệ́'), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cell, min_size=0, max_size=4), max_size=12), st.integers(3, 50))
def test_any_quoted_content_reads_alike(tmp_path_factory, rows, frame_bytes):
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    data = buf.getvalue().encode()
    old = tabular.FRAME_BYTES
    tabular.FRAME_BYTES = frame_bytes
    try:
        assert frame_rows_of(open_table(data)) == rows_of(open_table(data))
    finally:
        tabular.FRAME_BYTES = old


@pytest.mark.parametrize("frame_bytes", [7, 40, 1 << 20])
def test_batches_read_as_written_and_cleaned_later_agree(tmp_path, monkeypatch, frame_bytes):
    """``frames(clean=False)`` gives the cells as written and keeps the blank rows (a reader
    that only sets rows aside); ``frame_clean`` then makes of each batch what ``frames()``
    gives."""
    monkeypatch.setattr(tabular, "FRAME_BYTES", frame_bytes)
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode())
    raw = list(open_table_path(str(path)).frames(clean=False))
    cells = [c for frame in raw for c in frame.get_column("c2").to_list()]
    assert "  Nguyễn   Văn An " in cells and "Le\u0302 Thi\u0323 Bình" in cells
    assert sum(frame.height for frame in raw) == 7  # the blank rows too
    cleaned = [tabular.frame_clean(frame) for frame in raw]
    assert [f.to_dicts() for f in cleaned if f.height] == [
        f.to_dicts() for f in open_table_path(str(path)).frames() if f.height
    ]
    assert [f.to_dicts() for f in cleaned] == [
        f.to_dicts() for f in map(tabular.frame_clean, cleaned)
    ]


def test_a_byte_that_is_not_utf8_far_into_the_file_is_a_file_problem(tmp_path):
    path = tmp_path / "mixed.csv"
    good = "Mã xã,Thôn\n" + "16000,Thôn Yên Trung\n" * 500
    path.write_bytes(good.encode() + b"16000,Th\xf4n 2\n")  # Latin-1, after the first 4 KB
    with pytest.raises(FileProblem, match="UTF-8"):
        list(open_table_path(str(path)).frames())


# Characters that make cleaning do something: whitespace of every kind, decomposed Vietnamese,
# marks out of canonical order, NFC singletons (Ångström and Ohm signs), Hangul jamo.
awkward_char = st.sampled_from(
    list("aAđ ")
    + ["\t", "\n", "\x1c", "\xa0", "\u3000", "\u0323", "\u0301", "\u0302"]
    + ["\u212b", "\u2126", "\u1100", "\u1161", "\u11a8", "ệ", "ố", "\u0344", "\u0958"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=awkward_char, max_size=6), min_size=1, max_size=30))
def test_cleaning_columns_agrees_with_clean(values):
    import polars as pl

    from cdtt.lib.text import clean

    frame = pl.DataFrame({"c0": values, "c1": ["plain"] * len(values)})
    cleaned = tabular._clean_frame(frame)
    assert cleaned.get_column("c0").to_list() == [clean(v) for v in values]
    assert cleaned.get_column("c1").to_list() == ["plain"] * len(values)


def test_the_characters_nfc_may_change_lie_below_the_scan_end():
    assert tabular.nfc_unstable_class(0x110000) == tabular.nfc_unstable_class()


def test_a_csv_s_records_as_text_one_a_line_with_a_cell_of_each():
    data = 'Mã,Tên,Số\n01,"Thôn 1, xã A",3\n\n"0""2",b,\n03\n'.encode()
    text = open_table(data).text
    pieces = list(text.pieces())
    assert b"".join(pieces) == data[len("Mã,Tên,Số\n".encode()) :]
    lines = text.lines(pieces[0])
    assert lines.get_column("record").to_list() == ['01,"Thôn 1, xã A",3', None, '"0""2",b,', "03"]
    records = lines.get_column("record")
    cells = [text.field(records, i).to_list() for i in range(3)]
    assert cells == [["01", "", '0"2', "03"], ["Thôn 1, xã A", "", "b", ""], ["3", "", "", ""]]
    plain = pl.Series(["01,Thôn 2,5", "02,,6"])
    assert [text.field(plain, i).to_list() for i in range(3)] == [
        ["01", "02"],
        ["Thôn 2", ""],
        ["5", "6"],
    ]
    assert text.cells(pieces[0]).rows() == [
        ("01", "Thôn 1, xã A", "3"),
        ("", "", ""),
        ('0"2', "b", ""),
        ("03", "", ""),
    ]


def test_a_piece_whose_record_spans_lines_is_not_read_as_lines():
    text = open_table(b'a,b\n"x\ny",1\nz,2\n').text
    (piece,) = text.pieces()
    assert text.lines(piece) is None
    assert text.cells(piece).rows() == [("x\ny", "1"), ("z", "2")]


def test_records_written_from_a_frame_are_read_back_the_same():
    frame = pl.DataFrame({"c0": ['a "b"', "c,d", None, "e\nf"], "c1": ["1", "", "3", "4"]})
    records = frame_records(frame, ["c0", "c1"], ";")
    text = ("\n".join(records.to_list()) + "\n").encode()
    assert csv_cells(text, 2, ";").rows() == [
        ('a "b"', "1"),
        ("c,d", ""),
        ("", "3"),
        ("e\nf", "4"),
    ]


def test_a_block_cut_at_its_last_record_end_outside_quotes():
    record_end = tabular._record_end
    assert record_end(b"a,b\nc,d\ne") == 8  # no quote: the last line break
    assert record_end(b"a,b\nc,d\ne", quotes_before=1) == 0  # inside a quote opened before
    assert record_end(b'a,"b\nc",d\ne') == 10  # the line break inside quotes is not an end
    assert record_end(b'x\n"y\nz') == 2
    assert record_end(b'y\nz",1\nw', quotes_before=1) == 7  # the quote closes in this block
    assert record_end(b"no line break") == 0


def test_a_large_block_is_cut_where_counting_every_quote_cuts_it():
    """Past 64 KB the quotes are counted otherwise: the same end as the line breaks' parities
    counted one by one, whether the block's last line breaks lie inside quotes or not."""

    def counted(buf: bytes, quotes_before: int) -> int:
        quotes, start, end = quotes_before, 0, 0
        for found in re.finditer(b"\n", buf):
            quotes += buf.count(b'"', start, found.start())
            start = found.start()
            end = found.end() if quotes % 2 == 0 else end
        return end

    record = b'1,"Th\xc3\xb4n 5, x\xc3\xa3 A",2\n'
    body = record * 5_000
    assert len(body) > 1 << 16
    for tail in [b"", b'3,"a\nb",4\n', b'5,"c\nd', b'3,"a\nb",4\n5,"c\nd\ne\n', b"x"]:
        for quotes_before in (0, 1):
            block = body + tail
            assert tabular._record_end(block, quotes_before) == counted(block, quotes_before)
