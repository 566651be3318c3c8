"""Reading uploaded tables (XLSX or CSV, decided by content, not by the file's extension).

Headers are matched ignoring case, diacritics, spaces and underscores. Problems with the
file as a whole raise ``FileProblem``; problems with a row are the caller's to report as
``RowError`` (row number as a spreadsheet shows it, column header, reason in Vietnamese).
"""

import csv
import functools
import io
import os
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from cdtt.lib.text import clean, header_key

ZIP_MAGIC = b"PK\x03\x04"


class FileProblem(Exception):
    """The file cannot be read at all (corrupt, wrong encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Table:
    headers: list[str]  # as written in the file
    keys: list[str]  # header keys, same order
    rows: Iterator[tuple[int, list[str]]]  # (row number, cells as text)
    # A CSV's rows also as column batches (see ``csv_frames``; ``frames(clean=False)`` leaves
    # them to ``frame_clean``), for columnar readers; only one of ``rows`` and ``frames`` may be
    # iterated.
    frames: Callable[..., Iterator] | None = None
    # A CSV's records as text (see ``CsvText``), for a reader that sets them aside unparsed.
    text: "CsvText | None" = None
    # Lines of the file, header included, when they come cheaply: an XLSX sheet's dimension, a
    # CSV's line count (estimated from its first megabyte for a larger file); 0 when unknown.
    # For progress and for sizing a load.
    lines: int = 0

    def require(self, wanted: dict[str, str]) -> dict[str, int]:
        """Map each wanted header (key -> display name) to its column index; all must exist."""
        missing = [name for key, name in wanted.items() if key not in self.keys]
        if missing:
            raise FileProblem(_("Thiếu cột bắt buộc: %(cols)s") % {"cols": ", ".join(missing)})
        return {key: self.keys.index(key) for key in wanted}

    def optional(self, wanted: list[str]) -> dict[str, int]:
        return {key: self.keys.index(key) for key in wanted if key in self.keys}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return clean(value)


def _open_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(_("Tệp Excel bị hỏng hoặc không đúng định dạng XLSX.")) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise FileProblem(_("Tệp không có dữ liệu."))
    headers = [_cell_text(h) for h in header]

    def body():
        for number, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row]
            if any(cells):
                yield number, cells

    return Table(headers, [header_key(h) for h in headers], body(), lines=ws.max_row or 0)


def _open_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            _("Tệp không được mã hóa UTF-8 (lỗi ở dòng %(line)d). Hãy lưu lại tệp dạng CSV UTF-8.")
            % {"line": line}
        ) from exc
    if "\x00" in text:
        raise FileProblem(_("Tệp không phải CSV hay XLSX hợp lệ."))
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise FileProblem(_("Tệp không có dữ liệu."))
    headers = [clean(h) for h in header]

    def body():
        for number, row in enumerate(reader, start=2):
            cells = [clean(c) for c in row]
            if any(cells):
                yield number, cells

    def blocks() -> Iterator[bytes]:
        start = _header_end(data)
        return (data[i : i + FRAME_BYTES] for i in range(start, len(data), FRAME_BYTES))

    def frames(clean: bool = True):
        yield from csv_frames(blocks(), len(headers), delimiter, first_row=2, clean=clean)

    text = CsvText(lambda: _whole_records(blocks()), len(headers), delimiter)
    return Table(headers, [header_key(h) for h in headers], body(), frames, text)


def open_table(data: bytes) -> Table:
    """Open XLSX or CSV bytes; a '.xlsx' that is really a CSV is read as CSV."""
    if not data.strip():
        raise FileProblem(_("Tệp rỗng."))
    if data.startswith(ZIP_MAGIC):
        return _open_xlsx(data)
    return _open_csv(data)


def cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def clean_fast(value: str) -> str:
    """Same result as ``cdtt.lib.text.clean`` for text cells, cheaper for millions of them:
    str.split() and the regex ``\\s+`` agree on what is whitespace."""
    if value.isascii():
        return " ".join(value.split())
    return " ".join(unicodedata.normalize("NFC", value).split())


def clean_row(row: list[str]) -> list[str]:
    """``[clean_fast(c) for c in row]`` in a few C calls for the common row: NFC-normalise the
    joined row once and split it again unless some cell needs its whitespace collapsed."""
    joined = "\x00".join(row)
    if joined.count("\x00") != len(row) - 1:  # a NUL inside a cell: no shortcut
        return [clean_fast(c) for c in row]
    if not joined.isascii():
        normal = unicodedata.normalize("NFC", joined)
        if normal != joined:
            joined = normal
            row = joined.split("\x00")
    # Nothing to collapse: no space doubled or at either end of a cell, and no whitespace but
    # plain spaces (then split() finds exactly one more word than there are spaces).
    if (
        "  " not in joined
        and " \x00" not in joined
        and "\x00 " not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
        and len(joined.split()) == joined.count(" ") + 1
    ):
        return row
    return [clean_fast(c) for c in row]


# --- a CSV as column batches (polars), for readers of millions of rows ---------------------

FRAME_BYTES = 16 << 20  # a batch: about 110,000 rows of the population file
MAX_RECORD_BYTES = 64 << 20  # longer, a "record" is an unbalanced quote, not data
_SPACES_RE = r"[\s\x1c-\x1f]+"  # what str.split() splits on


def _record_end(buf, quotes_before: int = 0) -> int:
    """Index just after the last line break of ``buf`` that lies outside quotes (an even number
    of quote characters before it, counting ``quotes_before`` of the text ahead of ``buf``); 0
    if none."""
    if b'"' not in buf:  # the usual block: one search, no quotes counted
        return 0 if quotes_before % 2 else buf.rfind(b"\n") + 1
    pos = buf.rfind(b"\n")
    quotes = quotes_before + _quotes(buf, pos) if pos != -1 else 0
    while pos != -1:
        if quotes % 2 == 0:
            return pos + 1
        before = buf.rfind(b"\n", 0, pos)
        quotes -= buf.count(b'"', before + 1, pos)  # those of the line given up
        pos = before
    return 0


def _quotes(buf, end: int) -> int:
    """The quote characters of ``buf[:end]``: counted by numpy in a large block (a province's
    file is read in blocks of 16 MB, its addresses quoted), four times as fast as by
    ``bytes.count``."""
    if end < 1 << 16:
        return buf.count(b'"', 0, end)
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(buf, np.uint8, count=end) == ord('"')))


def _header_end(buf: bytes) -> int:
    """Index just after the first record of ``buf`` (the header)."""
    pos = buf.find(b"\n")
    while pos != -1 and buf.count(b'"', 0, pos) % 2:
        pos = buf.find(b"\n", pos + 1)
    return len(buf) if pos == -1 else pos + 1


def _whole_records(blocks: Iterator[bytes], head: bytes = b"") -> Iterator[bytes]:
    """The blocks of a CSV cut again so that each piece holds whole records, each after
    ``head``: the end of a block up to its last record's end is joined to ``head`` and to what
    the block before left over, one copy of the block (a province's file is read in 16 MB
    blocks)."""
    carry = b""
    for block in blocks:
        cut = _record_end(block, carry.count(b'"'))
        if cut == 0 and len(carry) + len(block) > MAX_RECORD_BYTES:  # an unbalanced quote
            cut = block.rfind(b"\n") + 1
        if cut == 0:
            carry += block
            continue
        yield b"".join((head, carry, memoryview(block)[:cut]))
        carry = block[cut:]
    if carry:
        yield head + carry


def clean_column(name: str):
    """``clean`` as a polars expression: NFC, whitespace collapsed and trimmed, None as ''."""
    import polars as pl

    col = pl.col(name).fill_null("")
    return (
        pl.when(col.str.contains(r"[^ -~]|  |^ | $"))  # anything but single inner spaces
        .then(col.str.normalize("NFC").str.replace_all(_SPACES_RE, " ").str.strip_chars(" "))
        .otherwise(col)
        .alias(name)
    )


# Unicode planes beyond the third hold no character with a combining class or a canonical
# decomposition (a test checks it against the whole range).
_UNSTABLE_SCAN_END = 0x30000


@functools.cache
def nfc_unstable_class(end: int = _UNSTABLE_SCAN_END) -> str:
    """A regex class of the characters that can make a text other than its NFC form: those
    with a combining class (marks, which NFC may reorder or compose), those NFC replaces, the
    second halves of canonical compositions and the Hangul vowels and finals. A text without
    any of them is NFC already (the NFC quick check answers yes)."""
    unstable = list(range(0x1161, 0x1176)) + list(range(0x11A8, 0x11C3))  # Hangul V and T
    for point in range(0x300, end):
        char = chr(point)
        if unicodedata.combining(char):
            unstable.append(point)
            continue
        decomposition = unicodedata.decomposition(char)
        if not decomposition or decomposition.startswith("<"):
            continue
        if unicodedata.normalize("NFC", char) != char:
            unstable.append(point)
        parts = decomposition.split()
        if len(parts) == 2:
            unstable.append(int(parts[1], 16))
    ranges: list[list[int]] = []
    for point in sorted(set(unstable)):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"


def _needs_cleaning() -> str:
    """A regex matching the cells ``clean`` would change: whitespace other than single inner
    spaces, or a character NFC may change."""
    return rf"  |[^\S ]|[\x1c-\x1f]|^ | $|{nfc_unstable_class()}"


def _clean_frame(frame):
    """Every column of ``frame`` cleaned (``clean_column``). Most columns of most files need
    nothing: one search says so. A column of few distinct values (villages, genders, levels)
    has each distinct value cleaned once and mapped back."""
    import polars as pl

    names, pattern = frame.columns, _needs_cleaning()
    flagged = frame.select(pl.col(n).str.contains(pattern).any() for n in names).row(0)
    columns = []
    for name, dirty in zip(names, flagged, strict=True):
        column = frame.get_column(name)
        if not dirty:
            columns.append(column.fill_null(""))
            continue
        distinct = column.unique()
        if distinct.len() * 4 < column.len():
            cleaned = distinct.to_frame().select(clean_column(name)).get_column(name)
            columns.append(
                column.replace_strict(distinct, cleaned, return_dtype=pl.String).fill_null("")
            )
        else:
            columns.append(clean_column(name))
    return frame.with_columns(columns)


def _cells(piece: bytes, head: bytes, delimiter: str, row: int):
    """The records of ``piece`` (whole records, after ``head``, the line naming the columns)
    as text columns, a blank line a row of empty cells. ``row``: the row number of its first
    record, for the message when a byte is not UTF-8 (``FileProblem``)."""
    import polars as pl

    names = head.decode().rstrip("\n").split(delimiter)
    try:
        return pl.read_csv(
            piece,
            schema=dict.fromkeys(names, pl.String),
            separator=delimiter,
            truncate_ragged_lines=True,
            infer_schema=False,
            empty_string_is_null=False,  # an empty cell is "", as ``clean`` makes it
        )
    except pl.exceptions.ComputeError:
        try:  # polars refuses bytes that are not UTF-8: say where
            bytes(piece[len(head) :]).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileProblem(
                _(
                    "Tệp không được mã hóa UTF-8 (lỗi sau dòng %(line)d). Hãy lưu lại tệp dạng CSV UTF-8."
                )
                % {"line": row + piece[len(head) :].count(b"\n", 0, exc.start) - 1}
            ) from exc
        raise


def _head(ncols: int, delimiter: str) -> bytes:
    """The line naming the columns c0… that each piece is parsed after: it sets the number of
    columns, be the piece's first record short or long."""
    return (delimiter.join(f"c{i}" for i in range(ncols)) + "\n").encode()


def csv_frames(
    blocks: Iterator[bytes], ncols: int, delimiter: str, first_row: int, *, clean: bool = True
) -> Iterator:
    """Column batches of the CSV records in ``blocks`` (the bytes after the header): polars
    DataFrames of ``row_no``, the row number a spreadsheet shows (blank rows counted, then left
    out), and ``ncols`` text columns ``c0``… cleaned as ``clean`` does. With ``clean`` False
    the cells come as written and the blank rows stay, for ``frame_clean`` to finish later (a
    reader that only sets the rows aside spares itself the work). Raises ``FileProblem`` for a
    byte that is not UTF-8."""
    head = _head(ncols, delimiter)
    row = first_row
    for piece in _whole_records(blocks, head):
        frame = _cells(piece, head, delimiter, row).with_row_index("row_no", offset=row)
        row += frame.height
        yield frame_clean(frame) if clean else frame


def csv_cells(text: bytes, ncols: int, delimiter: str = ",", first_row: int = 2):
    """CSV records (whole, one after another) as ``ncols`` text columns c0… (as ``csv_frames``
    gives them with ``clean`` False, without ``row_no``); ``first_row``: the row number of the
    first, for the message of a byte that is not UTF-8."""
    head = _head(ncols, delimiter)
    return _cells(b"".join((head, text)), head, delimiter, first_row)


@dataclass(frozen=True)
class CsvText:
    """A CSV's records as text, for a reader that sets them aside before it parses them
    (``cdtt.lib.spill``): its pieces of whole records after the header (``pieces()``, about
    FRAME_BYTES each), a piece's records one a line when they are so (``lines``), a cell of
    each (``field``), and the parsing of records set aside (``cells``)."""

    pieces: Callable[[], Iterator[bytes]]
    ncols: int
    delimiter: str

    def cells(self, text: bytes, first_row: int = 2):
        """``csv_cells`` of this CSV."""
        return csv_cells(text, self.ncols, self.delimiter, first_row)

    def frames(self, pieces: Iterator[bytes], first_row: int) -> Iterator:
        """``csv_frames`` (``clean`` False) of pieces of whole records."""
        return csv_frames(pieces, self.ncols, self.delimiter, first_row, clean=False)

    def lines(self, piece: bytes):
        """The records of ``piece`` one a line, as the column ``record`` (None for a blank line),
        without parsing their cells; None when a record of the piece spans lines (a quoted line
        break: a line with an odd number of quotes) or a byte is not UTF-8."""
        import polars as pl

        try:
            lines = pl.read_csv(
                piece,
                has_header=False,
                new_columns=["record"],
                separator="\x00",  # a line holding a NUL is refused: the piece is parsed
                quote_char=None,
                infer_schema=False,
                schema={"record": pl.String},
            )
        except pl.exceptions.ComputeError:
            return None
        if b'"' not in piece:  # the usual piece: no quote, no line to count them in
            return lines
        record = pl.col("record")
        if lines.select((record.str.count_matches('"', literal=True) % 2 == 1).any()).item():
            return None
        return lines

    def field(self, records, index: int, quoted: bool = True):
        """The text of cell ``index`` of each record (``records``: a Series of their texts), its
        quotes taken off. Split at the delimiter when no cell up to it holds a quote (the usual
        file: codes come first, the quoted addresses after), read by a pattern otherwise.
        ``quoted`` False: the caller knows that no record holds a quote."""
        import re

        import polars as pl

        cells = records.str.split_exact(self.delimiter, index).struct.unnest()
        if not quoted:
            return cells.get_column(f"field_{index}").fill_null("")
        if not cells.select(
            pl.any_horizontal(pl.all().str.contains('"', literal=True)).any()
        ).item():
            return cells.get_column(f"field_{index}").fill_null("")
        sep = re.escape(self.delimiter)
        cell = f'"(?:[^"]|"")*"|[^{sep}"]*'
        value = records.str.extract(f"^(?:(?:{cell}){sep}){{{index}}}({cell})", 1).fill_null("")
        in_quotes = value.str.starts_with('"')
        unquoted = value.str.slice(1, value.str.len_chars() - 2).str.replace_all('""', '"')
        return unquoted.zip_with(in_quotes, value)


def frame_records(frame, names: list[str], delimiter: str):
    """Each row of ``frame``'s text columns ``names`` as the text of a CSV record (quoted where
    a cell needs it; a missing cell empty): what ``CsvText.cells`` reads back."""
    import re

    import polars as pl

    needs = f'["\r\n{re.escape(delimiter)}]'
    cells = []
    for name in names:
        value = pl.col(name).fill_null("")
        cells.append(
            pl.when(value.str.contains(needs))
            .then(pl.lit('"') + value.str.replace_all('"', '""', literal=True) + pl.lit('"'))
            .otherwise(value)
        )
    return frame.select(pl.concat_str(cells, separator=delimiter).alias("record")).to_series()


def frame_clean(frame):
    """A batch of ``csv_frames`` (``row_no`` and text columns) with its text cleaned as
    ``clean`` does and its blank rows left out; a batch cleaned already comes back the same."""
    import polars as pl

    names = [n for n in frame.columns if n != "row_no"]
    filled = pl.any_horizontal([pl.col(n) != "" for n in names]) if names else pl.lit(False)
    cleaned = _clean_frame(frame.select(names))
    return pl.concat([frame.select("row_no"), cleaned], how="horizontal").filter(filled)


def _blocks(handle, start: int) -> Iterator[bytes]:
    """The file from ``start`` in blocks of FRAME_BYTES; the first one smaller, so that a
    reader's first batch (and whatever waits for it) comes sooner."""
    handle.seek(start)
    size = max(1, FRAME_BYTES // 8)
    while block := handle.read(size):
        yield block
        size = FRAME_BYTES


def _stream_csv(path: str) -> Table:
    handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the generator
    try:
        sample = handle.read(4096)
    except UnicodeDecodeError as exc:
        handle.close()
        raise FileProblem(
            _("Tệp không được mã hóa UTF-8. Hãy lưu lại tệp dạng CSV UTF-8.")
        ) from exc
    if "\x00" in sample:
        handle.close()
        raise FileProblem(_("Tệp không phải CSV hay XLSX hợp lệ."))
    handle.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(handle, delimiter=delimiter)
    header = next(reader, None)
    if not header:
        handle.close()
        raise FileProblem(_("Tệp không có dữ liệu."))
    headers = [clean(h) for h in header]

    def blocks() -> Iterator[bytes]:
        handle.close()
        with open(path, "rb") as raw:
            start = _header_end(raw.read(1 << 20))
            yield from _blocks(raw, start)

    def frames(clean: bool = True):
        yield from csv_frames(blocks(), len(headers), delimiter, first_row=2, clean=clean)

    def body():
        number = 1
        try:
            for number, row in enumerate(reader, start=2):  # noqa: B007
                cells = clean_row(row)
                if any(cells):
                    yield number, cells
        except UnicodeDecodeError as exc:
            raise FileProblem(
                _(
                    "Tệp không được mã hóa UTF-8 (lỗi sau dòng %(line)d). Hãy lưu lại tệp dạng CSV UTF-8."
                )
                % {"line": number}
            ) from exc
        except csv.Error as exc:
            raise FileProblem(_("Tệp CSV hỏng ở dòng %(line)d.") % {"line": number + 1}) from exc
        finally:
            handle.close()

    text = CsvText(lambda: _whole_records(blocks()), len(headers), delimiter)
    return Table(
        headers, [header_key(h) for h in headers], body(), frames, text, _lines_about(path)
    )


def _lines_about(path: str) -> int:
    """The lines of the file at ``path``: counted in a file of up to 1 MB, estimated from the
    first megabyte in a larger one."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    lines = head.count(b"\n")
    return lines if size <= len(head) else round(lines * size / len(head))


def open_table_path(path: str) -> Table:
    """Like ``open_table`` for a file on disk; a CSV is streamed, never read whole into memory.
    Iterating the rows may raise ``FileProblem`` (a bad byte far into the file)."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if not head.strip():
        raise FileProblem(_("Tệp rỗng."))
    if head.startswith(ZIP_MAGIC):
        with open(path, "rb") as f:
            return _open_xlsx(f.read())
    return _stream_csv(path)
