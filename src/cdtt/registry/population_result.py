"""What a population import reports: counts, bad rows (row, column, reason) and its message; the
shape every import kind returns is made from it (``as_import_result``)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cdtt.core.imports import ImportResult
from cdtt.lib.tabular import RowError


@dataclass
class PopulationImportResult:
    rows: int = 0
    rows_imported: int = 0
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    levels_set: int = 0  # residents whose skill levels the file set
    villages_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors_total

    @property
    def written(self) -> bool:
        """Whether the database changed (or, on a dry run, would have)."""
        return (self.ok or self.rows_imported > 0) and not self.dry_run

    def message(self) -> str:
        text = _(
            "Đã nhập %(h)d hộ (%(hc)d mới), %(r)d nhân khẩu (%(rc)d mới); "
            "cập nhật mức kỹ năng của %(a)d nhân khẩu."
        ) % {
            "h": self.households_created + self.households_updated,
            "hc": self.households_created,
            "r": self.residents_created + self.residents_updated,
            "rc": self.residents_created,
            "a": self.levels_set,
        }
        if self.dry_run:
            text = _("Kiểm tra thử, chưa ghi gì: ") + text
        if self.errors_total:
            text += " " + _("%(n)d dòng lỗi.") % {"n": self.errors_total}
        return text

    def as_import_result(self, *, skip_invalid: bool) -> ImportResult:
        """The shape every import kind returns (cdtt.core.imports)."""
        return ImportResult(
            message=self.message(),
            counts={
                "rows": self.rows,
                "households_created": self.households_created,
                "households_updated": self.households_updated,
                "residents_created": self.residents_created,
                "residents_updated": self.residents_updated,
                "levels_set": self.levels_set,
                "villages_created": self.villages_created,
            },
            errors=self.errors,
            errors_total=self.errors_total,
            imported=self.rows_imported,
            written=self.ok or (skip_invalid and self.rows_imported > 0),
            dry_run=self.dry_run,
            skip_invalid=skip_invalid,
        )
