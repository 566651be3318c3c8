"""Reading uploaded tables (XLSX or CSV, decided by content, not by the file's extension).

Headers are matched ignoring case, diacritics, spaces and underscores. Problems with the
file as a whole raise ``FileProblem``; problems with a row are the caller's to report as
``RowError`` (row number as a spreadsheet shows it, column header, reason in Vietnamese).
"""

import csv
import io
import zipfile
from collections.abc import Iterator
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

    return Table(headers, [header_key(h) for h in headers], body())


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

    return Table(headers, [header_key(h) for h in headers], body())


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
