"""The project's one XLSX writer (openpyxl in write-only mode, so large tables stream to disk).

Cells are typed: numbers stay numbers (counts shown ``#,##0``, rates in percent with one
decimal), fractions are shown with a % format, dates are real dates shown dd/mm/yyyy, an empty
value is an empty cell; the spreadsheet shows the separators of its reader's locale (1.234 and
58,3 in Vietnamese). The header row is bold, frozen and filtered, columns get widths from the
header and the first rows. The workbook says what it is: the sheet is named after the list (and
its unit when that fits in a sheet name), the file's properties name the unit and the date of
the figures. A text that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab
or a carriage return) is neutralised with a leading apostrophe, so a name typed as
"=HYPERLINK(…)" never runs in the officer's spreadsheet.
"""

import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import chain, islice
from typing import IO, Any

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Kinds of column: how a value is written and shown.
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
PERCENT = "percent"  # a fraction (0.583), shown as 58.3%
RATE = "rate"  # a rate already in percent (58.33), rounded and shown with one decimal: 58.3
DATE = "date"
DATETIME = "datetime"
PHONE = "phone"  # text that keeps its leading zero, never a number
KINDS = (TEXT, INTEGER, DECIMAL, PERCENT, RATE, DATE, DATETIME, PHONE)
NUMERIC = (INTEGER, DECIMAL, PERCENT, RATE)

FORMATS = {
    INTEGER: "#,##0",
    DECIMAL: "#,##0.##",
    PERCENT: "0.0%",
    RATE: "#,##0.0",
    DATE: "DD/MM/YYYY",
    DATETIME: "DD/MM/YYYY HH:MM",
}
_DEFAULT_WIDTH = {
    DATE: 12,
    DATETIME: 17,
    PHONE: 14,
    INTEGER: 10,
    DECIMAL: 12,
    PERCENT: 10,
    RATE: 10,
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
# Rows read before the first is written, to size the columns (write-only sheets fix widths first).
_SAMPLE_ROWS = 200


@dataclass(frozen=True)
class XlsxColumn:
    header: str
    kind: str = ""  # empty: taken from each value's type
    width: float | None = None


def neutralise(text: str) -> str:
    """A text that cannot be read as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _rate(value: int | float | Decimal) -> float:
    """A rate rounded half up to one decimal, as the documents write it (41.25 → 41.3)."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _number(value: Any, kind: str) -> int | float | Decimal | str:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal):
        return _rate(value) if kind == RATE else value
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return neutralise(str(value))  # not a number after all: written as safe text
    if kind == INTEGER and number == number.to_integral_value():
        return int(number)
    return _rate(number) if kind == RATE else float(number)


def _naive(value: dt.datetime) -> dt.datetime:
    """Spreadsheets have no time zones: local time, as the page shows it."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def cell_value(value: Any, kind: str = "") -> Any:
    """The value as written to the sheet, for a column of ``kind`` (empty: by the value's type)."""
    if value is None or value == "":
        return None
    if kind in NUMERIC:
        return _number(value, kind)
    if kind == DATETIME and isinstance(value, dt.datetime):
        return _naive(value)
    if kind == DATE and isinstance(value, dt.datetime):
        return _naive(value).date()
    if kind in (TEXT, PHONE):
        return neutralise(str(value))
    if isinstance(value, dt.datetime):
        return _naive(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    return neutralise(str(value))


def _format(kind: str, value: Any) -> str | None:
    if kind in FORMATS:
        if kind in (DATE, DATETIME) and not isinstance(value, dt.date):
            return None
        if kind in NUMERIC and isinstance(value, str):
            return None
        return FORMATS[kind]
    if isinstance(value, dt.datetime):
        return FORMATS[DATETIME]
    if isinstance(value, dt.date):
        return FORMATS[DATE]
    return None


def _shown_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(columns: Sequence[XlsxColumn], sample: list[Sequence]) -> list[float]:
    widths = []
    for i, col in enumerate(columns):
        if col.width:
            widths.append(col.width)
            continue
        longest = max(
            [len(col.header) + 2, _DEFAULT_WIDTH.get(col.kind, _MIN_WIDTH)]
            + [_shown_length(row[i]) + 2 for row in sample if i < len(row)]
        )
        widths.append(min(max(longest, _MIN_WIDTH), _MAX_WIDTH))
    return widths


def _columns(headers: Sequence[str | XlsxColumn], kinds: Sequence[str] | None) -> list:
    columns = []
    for i, h in enumerate(headers):
        if isinstance(h, XlsxColumn):
            columns.append(h)
        else:
            kind = kinds[i] if kinds and i < len(kinds) else ""
            columns.append(XlsxColumn(header=str(h), kind=kind))
    for col in columns:
        if col.kind and col.kind not in KINDS:
            raise ValueError(f"unknown column kind {col.kind!r}")
    return columns


_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})


def sheet_name(title: str, unit: str = "") -> str:
    """The sheet's name: the list's title, with its unit when both fit in 31 characters."""
    title = " ".join(str(title).split()).translate(_SHEET_FORBIDDEN)
    both = f"{title} - {unit}".translate(_SHEET_FORBIDDEN) if unit else title
    name = both if len(both) <= 31 else title[:31]
    return name.strip(" '") or "Sheet1"


def _properties(wb: Workbook, title: str, unit: str, as_of: dt.date | None) -> None:
    """The file says what it is: the list and its unit, the date of its figures."""
    day = as_of or timezone.localdate()
    if isinstance(day, dt.datetime):
        day = _naive(day).date()
    props = wb.properties
    props.title = f"{title} - {unit}" if unit else str(title)
    props.subject = unit or str(title)
    props.description = _("Số liệu đến ngày %(d)s") % {"d": f"{day:%d/%m/%Y}"}
    props.keywords = f"{day:%d/%m/%Y}"
    props.creator = props.lastModifiedBy = "CDTT"
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# Excel holds 1,048,576 rows a sheet: the header and this many rows; a longer list goes on
# several sheets, each with the header.
SHEET_ROWS = 1_048_575


def sheets_for(count: int, sheet_rows: int = SHEET_ROWS) -> int:
    """How many sheets ``count`` data rows take."""
    return max(1, -(-count // sheet_rows))


def _sheet(wb: Workbook, name: str, columns: Sequence[XlsxColumn], widths: list[float]):
    """A new sheet with its widths, frozen header and bold header row."""
    ws = wb.create_sheet(title=name)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=neutralise(col.header))
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    return ws


def _filter(ws, columns: Sequence[XlsxColumn], count: int) -> None:
    if columns:
        # The filter buttons on the header, over every row written.
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def write_xlsx(
    target: str | IO[bytes],
    title: str,
    headers: Sequence[str | XlsxColumn],
    rows: Iterable[Sequence],
    *,
    kinds: Sequence[str] | None = None,
    unit: str = "",
    as_of: dt.date | None = None,
    sheet_rows: int = SHEET_ROWS,
) -> int:
    """Write the rows (typed cells, bold frozen filtered header) to a path or binary file; the
    number of data rows written. ``unit`` (its name) and ``as_of`` (the date of the figures,
    default today) go into the sheet's name and the file's properties. ``rows`` is read once,
    as it comes: a generator keeps memory flat. Past ``sheet_rows`` rows the list continues on
    a second sheet ("… (2)"), and so on."""
    columns = _columns(headers, kinds)
    wb = Workbook(write_only=True)
    _properties(wb, str(title), str(unit or ""), as_of)
    name = sheet_name(str(title), str(unit or ""))
    rows = iter(rows)
    sample = list(islice(rows, _SAMPLE_ROWS))
    widths = _widths(columns, sample)
    ws = _sheet(wb, name, columns, widths)
    cells = _Cells(ws)
    count = in_sheet = 0
    for row in chain(sample, rows):
        if in_sheet == sheet_rows:
            _filter(ws, columns, in_sheet)
            number = f" ({count // sheet_rows + 1})"
            ws = _sheet(wb, name[: 31 - len(number)] + number, columns, widths)
            cells = _Cells(ws)
            in_sheet = 0
        ws.append(cells.row(columns, row))
        count += 1
        in_sheet += 1
    _filter(ws, columns, in_sheet)
    wb.save(target)
    return count


_AS_TEXT = ("", TEXT, PHONE)
# First characters a text cell may not start with as is: formulas, error values.
_UNSAFE = frozenset("=+-@\t\r#")


class _Cells:
    """The cells of one sheet's rows. A write-only sheet writes each row as it is appended, so
    one styled cell per column and format is reused row after row: creating and styling a cell
    object for every number of a province's list costs more than the rest of the row."""

    def __init__(self, ws):
        self.ws = ws
        self.cells: dict[tuple[int, str], Any] = {}

    def _reused(self, i: int, key: str):
        cell = self.cells.get((i, key))
        if cell is None:
            cell = self.cells[(i, key)] = WriteOnlyCell(self.ws)
            if key != "s":
                cell.number_format = key
        return cell

    def row(self, columns: Sequence[XlsxColumn], values: Sequence) -> list:
        return [
            self.cell(i, col, v) for i, (col, v) in enumerate(zip(columns, values, strict=False))
        ]

    def cell(self, i: int, col: XlsxColumn, value: Any) -> Any:
        if type(value) is str and col.kind in _AS_TEXT and value and value[0] not in _UNSAFE:
            return value  # the common case, as cell_value would write it, without its detour
        written = cell_value(value, col.kind)
        if isinstance(written, str):
            if not written.startswith(("=", "#")):
                # Plain text (neutralised: it cannot start with "="): openpyxl writes a str
                # as a string cell.
                return written
            cell = self._reused(i, "s")
            cell.value = written
            cell.data_type = "s"  # never a formula or an error value, whatever openpyxl guesses
            return cell
        number_format = _format(col.kind, written)
        if number_format is None:
            return written
        cell = self._reused(i, number_format)
        cell.value = written
        return cell


def xlsx_bytes(
    title: str,
    headers: Sequence[str | XlsxColumn],
    rows: Iterable[Sequence],
    *,
    kinds: Sequence[str] | None = None,
    unit: str = "",
    as_of: dt.date | None = None,
) -> bytes:
    """A small workbook in memory (templates, reports, the command line's files)."""
    buf = io.BytesIO()
    write_xlsx(buf, title, headers, rows, kinds=kinds, unit=unit, as_of=as_of)
    return buf.getvalue()


def xlsx_file(
    title: str,
    headers: Sequence[str | XlsxColumn],
    rows: Iterable[Sequence],
    *,
    kinds: Sequence[str] | None = None,
    unit: str = "",
    as_of: dt.date | None = None,
) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file (deleted when closed), rewound, and its row count: a large
    export never sits whole in memory."""
    tmp = tempfile.TemporaryFile()
    count = write_xlsx(tmp, title, headers, rows, kinds=kinds, unit=unit, as_of=as_of)
    tmp.seek(0)
    return tmp, count


def file_response(fileobj: IO[bytes], filename: str) -> FileResponse:
    """Stream a finished workbook to the browser as a download."""
    return FileResponse(fileobj, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def xlsx_response(
    filename: str,
    title: str,
    headers: Sequence[str | XlsxColumn],
    rows: Iterable[Sequence],
    *,
    kinds: Sequence[str] | None = None,
    unit: str = "",
    as_of: dt.date | None = None,
) -> HttpResponse:
    """A small workbook as a download (lists stream theirs through ``xlsx_file``)."""
    data = xlsx_bytes(title, headers, rows, kinds=kinds, unit=unit, as_of=as_of)
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
