"""Importing a list of villages (XLSX/CSV), an import kind of cdtt.core.imports: all or nothing
with a row-by-row report; with ``skip_invalid`` the good rows are imported and the bad ones
reported; a dry run counts what would change and writes nothing. Re-importing the same file
changes nothing (a village is found by its commune and name)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.imports import (
    Column,
    ImportKind,
    ImportResult,
    bytes_runner,
    import_kind_register,
)
from cdtt.geo import remap_assign
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.services import _next_village_code, village_build, village_type_guess
from cdtt.lib.tabular import RowError, cell, open_table
from cdtt.lib.text import fold, header_key

COLUMNS = (
    Column("Mã xã", True, _lazy("mã xã chính thức")),
    Column("Thôn", True, _lazy("tên thôn, bản, tổ dân phố")),
    Column("Loại", False, _lazy("Thôn / Bản / Tổ dân phố…; để trống thì đoán theo tên")),
)
COLUMN_KEYS = {header_key(c.header): c.header for c in COLUMNS if c.required}
TYPE_COLUMN = header_key("Loại")
TEMPLATE_HEADERS = [c.header for c in COLUMNS]
Progress = Callable[[int, int], None]


@dataclass
class VillageImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def message(self) -> str:
        counts = {"c": self.created, "u": self.unchanged}
        if self.dry_run:
            text = _("Chạy thử, chưa ghi gì: sẽ thêm %(c)d thôn; %(u)d thôn đã có từ trước.")
        else:
            text = _("Đã thêm %(c)d thôn; %(u)d thôn đã có từ trước.")
        text = text % counts
        if self.errors:
            text += " " + _("Bỏ qua %(n)d dòng lỗi.") % {"n": len(self.errors)}
        return text

    def as_import_result(self) -> ImportResult:
        """The shape every import kind returns (cdtt.core.imports)."""
        imported = self.created + self.unchanged
        return ImportResult(
            message=self.message(),
            counts={"created": self.created, "unchanged": self.unchanged},
            errors=self.errors,
            errors_total=len(self.errors),
            imported=imported,
            written=self.ok or (self.skip_invalid and imported > 0),
            dry_run=self.dry_run,
            skip_invalid=self.skip_invalid,
        )


class _Rollback(Exception):
    """Leave the transaction without writing (a dry run)."""


def _planned(table, actor, result: VillageImportResult) -> list[tuple[AdminUnit, str, str]]:
    """The good rows as (commune, name, type); each bad row reported, column by column."""
    cols = table.require(COLUMN_KEYS)
    type_col = table.optional([TYPE_COLUMN]).get(TYPE_COLUMN)
    scope = AdminUnit.objects.all() if actor is None else units_for(actor)
    communes = {u.code: u for u in scope.filter(level=Level.COMMUNE, valid_to__isnull=True)}
    planned: list[tuple[AdminUnit, str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        code = cell(cells, cols[header_key("Mã xã")])
        raw_name = cell(cells, cols[header_key("Thôn")])
        commune = communes.get(code)
        if commune is None:
            reason = _("Không có xã mã “%(c)s” trong phạm vi của bạn.") % {"c": code}
            result.errors.append(RowError(number, "Mã xã", reason))
            continue
        if not raw_name:
            result.errors.append(RowError(number, "Thôn", _("Tên thôn không được để trống.")))
            continue
        unit_type, name = village_type_guess(raw_name)
        unit_type = cell(cells, type_col) or unit_type
        key = (code, fold(name))
        if key in seen:
            reason = _("Trùng tên thôn với dòng %(r)d.") % {"r": seen[key]}
            result.errors.append(RowError(number, "Thôn", reason))
            continue
        seen[key] = number
        planned.append((commune, name, unit_type))
    return planned


def villages_import(
    *,
    actor,
    data: bytes,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> VillageImportResult:
    """Create the villages listed in the file. A file with any bad row changes nothing, unless
    ``skip_invalid``. ``actor`` None (the command line) sees every commune. An unreadable file
    or a missing column raises FileProblem."""
    table = open_table(data)
    result = VillageImportResult(dry_run=dry_run, skip_invalid=skip_invalid)
    planned = _planned(table, actor, result)
    total = len(planned)
    if progress:
        progress(0, total)
    if result.errors and not skip_invalid:
        return result
    try:
        with transaction.atomic():
            for done, (commune, name, unit_type) in enumerate(planned, start=1):
                _village_add(result, commune, name, unit_type)
                if progress and (done % 100 == 0 or done == total):
                    progress(done, total)
            if result.created:
                audit_record(
                    actor=actor,
                    action="village.import",
                    object_type="geo.AdminUnit",
                    unit=getattr(actor, "scope_unit", None),
                    summary=_("Nhập danh sách thôn: %(n)d thôn mới") % {"n": result.created},
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _village_add(result: VillageImportResult, commune: AdminUnit, name: str, unit_type: str):
    if commune.children.filter(name_key=fold(name), valid_to__isnull=True).exists():
        result.unchanged += 1
        return
    village = village_build(
        commune=commune, name=name, unit_type=unit_type, code=_next_village_code(commune)
    )
    village.save()
    result.created += 1


villages_run = bytes_runner(villages_import)


def _template_rows(user) -> list[list]:
    scope = getattr(user, "scope_unit", None)
    return [[scope.code if scope else "14755", "Thôn 1", "Thôn"]]


VILLAGES = import_kind_register(
    ImportKind(
        code="villages",
        label=_lazy("Thôn, bản, tổ dân phố"),
        columns=COLUMNS,
        roles=frozenset(roles.MANAGE_UNITS),
        run=villages_run,
        job_title=_lazy("Nhập danh sách thôn từ %(f)s"),
        help=_lazy("Tệp XLSX hoặc CSV (UTF-8), mỗi dòng một thôn."),
        sheet=_lazy("Danh sách thôn"),
        template_name="mau-danh-sach-thon.xlsx",
        template_rows=_template_rows,
    )
)

# The choice of new commune for villages of divided communes (the move to the 2025 map).
VILLAGE_MOVES = import_kind_register(remap_assign.VILLAGE_MOVES)
