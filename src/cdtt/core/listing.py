"""Lists declared once: their columns, filters, ordering and page size; one function renders the
page, its htmx fragment (the results alone) and its XLSX from the selector's scoped queryset.

A view reads the filters (``listing.values(request)``), asks its selector for the queryset the
user may see, and hands both to ``render_listing``. ``?format=xlsx`` returns every row of the
same filtered queryset as a workbook, streamed in chunks; an export holding a column of personal
data is written to the audit log with the list, its filters and the row count.

Personal data follows one rule for every list (``cdtt.core.roles``): a role that needs figures
only gets neither the page's nor the workbook's personal columns, and a ``PHONE`` column (see
``phone_column``) shows the number in clear only to the roles that call people.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core import exports
from cdtt.core.roles import phone_shown, sees_personal
from cdtt.lib import xlsx
from cdtt.lib.numbers import vn_int, vn_number, vn_share

TEXT, INTEGER, DECIMAL, PERCENT = xlsx.TEXT, xlsx.INTEGER, xlsx.DECIMAL, xlsx.PERCENT
DATE, DATETIME, PHONE = xlsx.DATE, xlsx.DATETIME, xlsx.PHONE
NUMERIC = (INTEGER, DECIMAL, PERCENT)
# Rows prepared and written per round of an export: the memory an export holds at once.
EXPORT_CHUNK = 2000
RESULTS_ID = "listing-results"

Value = Callable[[Any], Any] | str


def _attr(row: Any, path: str) -> Any:
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        if callable(value) and not isinstance(value, type):
            value = value()
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header, how to read its value from a row (an attribute path such as
    ``"person.full_name"`` or a function), its kind in the spreadsheet, and whether it holds
    personal data. ``cell`` gives the page's HTML when it differs from the value (a link, a
    badge, a masked phone) and ``template`` a template that renders it; ``page`` / ``export``
    leave a column out of one of the two."""

    header: Any
    value: Value
    kind: str = TEXT
    personal: bool = False
    cell: Callable[[Any], Any] | None = None
    template: str = ""  # the cell as a template (given ``row``): forms that need the request
    page: bool = True
    export: bool = True

    def get(self, row: Any, user: Any = None) -> Any:
        value = self.value(row) if callable(self.value) else _attr(row, self.value)
        if self.kind == PHONE:
            return phone_shown(user, value)  # masked unless the viewer's role calls people
        return value

    def html(self, row: Any, user: Any = None) -> SafeString:
        if self.template:
            return mark_safe("")  # rendered by the results template, which has the request
        if self.cell is not None:
            return conditional_escape(self.cell(row))
        return conditional_escape(shown(self.get(row, user), self.kind))

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


def shown(value: Any, kind: str = TEXT) -> str:
    """A value as the page shows it: dates dd/mm/yyyy, percentages with %, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "d/m/Y")
    if isinstance(value, bool):
        return str(value)
    if kind == PERCENT and isinstance(value, int | float | Decimal):
        return vn_share(value)
    if kind == INTEGER and isinstance(value, int | float | Decimal):
        return vn_int(value)
    if kind == DECIMAL and isinstance(value, int | float | Decimal):
        return vn_number(value, 2).rstrip("0").rstrip(",")
    return str(value)


def phone_column(header: Any, value: Value, **options: Any) -> Column:
    """A column of phone numbers: personal, kept as text, masked for the roles that need none."""
    return Column(header, value, PHONE, personal=True, **options)


@dataclass(frozen=True)
class Filter:
    """A filter the page offers: a search box (no choices), a select (choices: pairs, or a
    function of the request giving them) or a checkbox (``check``, value "1")."""

    name: str
    label: Any
    choices: Sequence[tuple[Any, Any]] | Callable[[Any], Iterable[tuple[Any, Any]]] | None = None
    default: str = ""
    check: bool = False
    placeholder: Any = ""
    all_label: Any = None  # the select's first option ("every role"); None: no such option

    def options(self, request) -> list[tuple[str, Any]]:
        pairs = self.choices(request) if callable(self.choices) else self.choices or []
        return [(str(v), label) for v, label in pairs]

    def value(self, request) -> str:
        raw = request.GET.get(self.name, self.default).strip()
        if self.check:
            return "1" if raw == "1" else ""
        if self.choices is not None:
            allowed = {v for v, _label in self.options(request)}
            if self.all_label is not None:
                allowed.add("")
            return raw if raw in allowed else self.default
        return raw[:200]

    @property
    def search(self) -> bool:
        return self.choices is None and not self.check


# Every list declared, by name: a background export finds its list again in the worker.
_LISTINGS: dict[str, "Listing"] = {}


def listing_by_name(name: str) -> "Listing":
    return _LISTINGS[name]


@dataclass(frozen=True)
class Listing:
    """A list page declared once. ``prepare`` turns a chunk of queryset objects into the rows the
    columns read (to load related data per page or per export chunk in one query)."""

    name: str  # e.g. "teams.teams": the list in the audit log
    title: Any  # the sheet's name and the export's summary
    columns: tuple[Column, ...]
    template: str  # the full page; it includes ``results_template`` inside #listing-results
    filename: str  # the export's file name, may hold {unit}
    filters: tuple[Filter, ...] = ()
    ordering: tuple[str, ...] = ()
    page_size: int = 50
    prepare: Callable[[list], list] | None = None
    results_template: str = "core/_listing_results.html"
    empty: Any = _lazy("Danh sách chưa có dòng nào.")
    empty_filtered: Any = _lazy("Không có dòng nào khớp bộ lọc.")
    export_limit: int | Callable[[], int] | None = None
    too_many: Any = _lazy(
        "Danh sách có %(n)s dòng, quá %(max)s dòng cho một tệp Excel. Hãy lọc bớt rồi xuất lại."
    )
    audit_action: str = "export"
    # Rows above which the export runs as a background job (None: CDTT_EXPORT_BACKGROUND_ROWS).
    background_above: int | None = None
    # The fields an export reads (``QuerySet.only``): a province's rows load faster narrow.
    export_only: tuple[str, ...] = ()
    # The export's rows straight from the queryset (plain values, chunk by chunk), for a list
    # whose export must keep pace with a bare write; the same values as the export columns
    # (a test of the list compares both).
    export_values: Callable[[QuerySet], Iterable[Sequence]] | None = None

    def __post_init__(self):
        _LISTINGS[self.name] = self

    def values(self, request) -> dict[str, str]:
        """The filters of the request, each checked against its choices (a bad value: default)."""
        return {f.name: f.value(request) for f in self.filters}

    @property
    def personal(self) -> bool:
        return any(c.personal and c.export for c in self.columns)

    def page_columns(self, user: Any = None) -> list[Column]:
        return [c for c in self.columns if c.page and _may_see(c, user)]

    def export_columns(self, user: Any = None) -> list[Column]:
        return [c for c in self.columns if c.export and _may_see(c, user)]

    def limit(self) -> int | None:
        return self.export_limit() if callable(self.export_limit) else self.export_limit


def _may_see(column: Column, user: Any) -> bool:
    """A personal column is left out for a role that needs figures only."""
    return not column.personal or user is None or sees_personal(user)


def _query(request, *drop: str) -> str:
    query = request.GET.copy()
    for key in ("page", "format", "export_job", *drop):
        query.pop(key, None)
    return query.urlencode()


def _plain(value: Any) -> Any:
    """A filter value as the audit log stores it (JSON): a unit by its code, a model as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return getattr(value, "code", None) or str(value)


def _is_set(value: Any, default: Any = "") -> bool:
    return value not in (None, "", [], ()) and value != default


def plain_filters(filters: dict) -> dict:
    """The filters applied, as the audit log stores them."""
    return {k: _plain(v) for k, v in filters.items() if _is_set(v)}


def _export_job(request):
    """The export job the page follows (``?export_job=N``, one of the user's own)."""
    from cdtt.core.jobs import jobs_of

    raw = request.GET.get("export_job", "")
    return jobs_of(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None


def render_listing(
    request,
    listing: Listing,
    queryset: QuerySet,
    *,
    filters: dict | None = None,
    context: dict | None = None,
    unit: Any = None,
) -> HttpResponse:
    """The page, its htmx fragment or (``?format=xlsx``) its workbook, from one queryset that
    the caller's selector has already scoped to the user and filtered. ``filters`` are the
    values applied (default: the listing's own); ``unit`` is the unit the list is about."""
    if filters is None:
        filters = listing.values(request)
    if listing.ordering:
        queryset = queryset.order_by(*listing.ordering)
    if request.GET.get("format") == "xlsx":
        return export(request, listing, queryset, filters=filters, unit=unit)
    page = Paginator(queryset, listing.page_size).get_page(request.GET.get("page"))
    objects = list(page.object_list)
    rows = listing.prepare(objects) if listing.prepare else objects
    user = request.user
    columns = listing.page_columns(user)
    defaults = {f.name: f.default for f in listing.filters}
    query = _query(request)
    data = {
        "listing": listing,
        "page": page,
        "rows": rows,
        "columns": columns,
        "table": [(row, [(c, c.html(row, user)) for c in columns]) for row in rows],
        "filters": filters,
        "filter_fields": [
            (f, filters.get(f.name, ""), f.options(request)) for f in listing.filters
        ],
        "filtered": any(_is_set(v, defaults.get(k, "")) for k, v in filters.items()),
        "query": query,
        "export_url": "?" + (query + "&" if query else "") + "format=xlsx",
        # An export of personal data asks its purpose (optional) for the access log.
        "export_personal": any(c.personal for c in listing.export_columns(user)),
        "export_params": [
            (k, v)
            for k, values in request.GET.lists()
            if k not in ("page", "format", "purpose")
            for v in values
        ],
        "results_id": RESULTS_ID,
        "export_job": _export_job(request),
        **(context or {}),
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render(request, listing.results_template, data)
    return render(request, listing.template, data)


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    it = iter(iterable)
    while chunk := list(islice(it, size)):
        yield chunk


def export_rows(listing: Listing, queryset: QuerySet, user: Any = None) -> Iterator[list]:
    """Every row of the queryset as the export's values (those ``user`` may see), read and
    prepared chunk by chunk: by the list's own fast reader when it has one and the user sees
    every column, else through the columns."""
    if listing.export_values is not None and len(listing.export_columns(user)) == len(
        listing.export_columns()
    ):
        yield from listing.export_values(queryset, user)
        return
    yield from export_rows_by_columns(listing, queryset, user)


def export_rows_by_columns(
    listing: Listing, queryset: QuerySet, user: Any = None
) -> Iterator[list]:
    """The export's rows read through the columns (what ``export_values`` must equal)."""
    columns = listing.export_columns(user)
    if listing.export_only:
        queryset = queryset.only(*listing.export_only)
    for chunk in _chunks(queryset.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        for row in listing.prepare(chunk) if listing.prepare else chunk:
            yield [c.get(row, user) for c in columns]


def export(
    request, listing: Listing, queryset: QuerySet, *, filters: dict, unit: Any = None
) -> HttpResponse:
    """The workbook of every row of the filtered queryset; audited when it holds personal data."""
    limit = listing.limit()
    total = queryset.count()
    if limit is not None:
        if total > limit:
            # One huge workbook would take minutes and gigabytes: ask for a narrower list.
            messages.error(
                request,
                listing.too_many % {"n": vn_int(total), "max": vn_int(limit)},
            )
            query = _query(request)
            return redirect(f"{request.path}?{query}" if query else request.path)
    threshold = listing.background_above
    if threshold is None:
        threshold = exports.background_rows()
    if total > threshold:
        # Too long for a request: a job writes the file; the page follows it and offers it.
        job = exports.export_start(
            request, listing, queryset, filters=filters, unit=unit, total=total
        )
        query = _query(request)
        return redirect(f"{request.path}?{query + '&' if query else ''}export_job={job.pk}")
    user = request.user
    columns = listing.export_columns(user)
    headers = [xlsx.XlsxColumn(str(c.header), c.kind) for c in columns]
    about = unit or getattr(request.user, "scope_unit", None)
    fileobj, count = xlsx.xlsx_file(
        str(listing.title),
        headers,
        export_rows(listing, queryset, user),
        unit=getattr(about, "full_name", "") or "",
        as_of=timezone.localdate(),
    )
    if any(c.personal for c in columns):
        applied = plain_filters(filters)
        # Personal data leaves the system: who took which list, filtered how, how many rows.
        audit_record(
            actor=request.user,
            action=listing.audit_action,
            unit=unit or getattr(request.user, "scope_unit", None),
            object_type=listing.name,
            object_id=getattr(unit, "code", "") or "",
            summary=_("Xuất Excel “%(list)s”: %(n)s dòng") % {"list": listing.title, "n": count},
            changes=_export_changes(request, listing, applied, count),
        )
    filename = listing.filename.format(unit=getattr(unit, "code", "") or "")
    return xlsx.file_response(fileobj, filename)


def _export_changes(request, listing: Listing, applied: dict, count: int) -> dict:
    changes = {"list": listing.name, "filters": applied, "rows": count}
    purpose = request.GET.get("purpose", "").strip()[:300]
    if purpose:  # why, when the page that links the export asks (``?purpose=``)
        changes["purpose"] = purpose
    return changes


def cells(*parts: Any) -> SafeString:
    """Join pieces of a cell's HTML (escaped unless already safe) into one safe string."""
    return mark_safe("".join(str(conditional_escape(p)) for p in parts if p not in (None, "")))
