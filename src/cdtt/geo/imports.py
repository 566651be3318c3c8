"""Importing a list of villages (XLSX/CSV): all or nothing, with a row-by-row report."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.services import _next_village_code, village_build, village_type_guess
from cdtt.lib.tabular import RowError, cell, open_table
from cdtt.lib.text import fold, header_key

COLUMNS = {header_key("Mã xã"): "Mã xã", header_key("Thôn"): "Thôn"}
TYPE_COLUMN = header_key("Loại")
TEMPLATE_HEADERS = ["Mã xã", "Thôn", "Loại"]


@dataclass
class VillageImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def villages_import(*, actor, data: bytes, dry_run: bool = False) -> VillageImportResult:
    """Create the villages listed in the file. A file with any bad row changes nothing."""
    table = open_table(data)
    cols = table.require(COLUMNS)
    type_col = table.optional([TYPE_COLUMN]).get(TYPE_COLUMN)
    communes = {u.code: u for u in units_for(actor).filter(level=Level.COMMUNE)}
    result = VillageImportResult()
    planned: list[tuple[AdminUnit, str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        code = cell(cells, cols[header_key("Mã xã")])
        raw_name = cell(cells, cols[header_key("Thôn")])
        commune = communes.get(code)
        if commune is None:
            result.errors.append(
                RowError(
                    number,
                    "Mã xã",
                    _("Không có xã mã “%(c)s” trong phạm vi của bạn.") % {"c": code},
                )
            )
            continue
        if not raw_name:
            result.errors.append(RowError(number, "Thôn", _("Tên thôn không được để trống.")))
            continue
        unit_type, name = village_type_guess(raw_name)
        unit_type = cell(cells, type_col) or unit_type
        key = (code, fold(name))
        if key in seen:
            result.errors.append(
                RowError(number, "Thôn", _("Trùng tên thôn với dòng %(r)d.") % {"r": seen[key]})
            )
            continue
        seen[key] = number
        planned.append((commune, name, unit_type))
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for commune, name, unit_type in planned:
            if commune.children.filter(name_key=fold(name), valid_to__isnull=True).exists():
                result.unchanged += 1
                continue
            village = village_build(
                commune=commune, name=name, unit_type=unit_type, code=_next_village_code(commune)
            )
            village.save()
            result.created += 1
        if result.created:
            audit_record(
                actor=actor,
                action="village.import",
                object_type="geo.AdminUnit",
                unit=actor.scope_unit,
                summary=_("Nhập danh sách thôn: %(n)d thôn mới") % {"n": result.created},
            )
    return result
