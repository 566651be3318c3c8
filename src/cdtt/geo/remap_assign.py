"""Choosing the new commune of each village of a divided commune, before the move.

The page lists every village of the province's divided communes with the new communes that took
a part of its old commune (``divided_villages``); the same list is a workbook to fill
(``village_moves_rows``) and to import back as the import kind ``village_moves`` (registered from
``cdtt.geo.imports``): the upload page and ``cdtt import village_moves FILE`` come with it.
Every choice goes through ``village_assign``'s rule (only a commune that took part of the old
one); an import is all or nothing unless ``skip_invalid``, and one audit entry records it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.imports import Column, ImportKind, ImportResult
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level, Structure, VillageMove
from cdtt.geo.official import Conversion, official_conversion
from cdtt.lib.tabular import FileProblem, RowError, cell, open_table
from cdtt.lib.text import header_key

Progress = Callable[[int, int], None]

COLUMNS = (
    Column("Mã thôn", True, _lazy("mã thôn trong hệ thống (giữ nguyên như tệp tải về)")),
    Column("Thôn", False, _lazy("tên thôn, để đọc; không nhập")),
    Column("Mã xã cũ", False, _lazy("mã xã cũ bị chia tách, để đọc; không nhập")),
    Column("Xã cũ", False, _lazy("tên xã cũ, để đọc; không nhập")),
    Column("Mã xã mới", True, _lazy("mã xã mới mà thôn chuyển về; để trống thì giữ như cũ")),
    Column("Các xã mới có thể chọn", False, _lazy("các xã mới nhận một phần xã cũ, để đọc")),
)
HEADERS = [c.header for c in COLUMNS]
VILLAGE_KEY, NEW_KEY = header_key("Mã thôn"), header_key("Mã xã mới")


@dataclass
class VillageChoice:
    village: AdminUnit
    old: AdminUnit
    choices: list[tuple[str, str]]  # (new commune code, name), the package's default first
    selected: str
    assigned: bool


def divided_villages(province: AdminUnit, conversion: Conversion | None = None):
    """Every village still on the 2024 map whose commune was divided, with its choices."""
    conversion = conversion or official_conversion(province.code)
    names = {u.code: f"{u.unit_type} {u.name}" for u in conversion.new_communes}
    villages = (
        AdminUnit.objects.filter(
            province=province,
            level=Level.VILLAGE,
            structure=Structure.Y2024,
            commune__code__in=list(conversion.divided),
            valid_to__isnull=True,
        )
        .select_related("parent")
        .order_by("path")
    )
    chosen = dict(
        VillageMove.objects.filter(
            village__in=villages, assigned=True, moved_on__isnull=True
        ).values_list("village_id", "new_code")
    )
    out = []
    for v in villages:
        targets = conversion.targets(v.parent.code)
        out.append(
            VillageChoice(
                village=v,
                old=v.parent,
                choices=[(code, names.get(code, code)) for code in targets],
                selected=chosen.get(v.pk) or targets[0],
                assigned=v.pk in chosen,
            )
        )
    return out


def village_moves_rows(province: AdminUnit) -> list[list]:
    """The list as workbook rows, each village's current choice (or the default) filled in."""
    return [
        [
            c.village.code,
            c.village.full_name,
            c.old.code,
            c.old.full_name,
            c.selected,
            "; ".join(f"{code} {name}" for code, name in c.choices),
        ]
        for c in divided_villages(province)
    ]


def village_moves_save(*, actor, wanted: dict[AdminUnit, str]) -> int:
    """Record the officer's choices (village -> new commune code), checked one by one; the
    caller's transaction keeps it all or nothing. Returns how many changed."""
    changed = 0
    current = dict(
        VillageMove.objects.filter(village__in=list(wanted), assigned=True).values_list(
            "village_id", "new_code"
        )
    )
    for village, new_code in wanted.items():
        if current.get(village.pk) == new_code:
            continue
        VillageMove.objects.update_or_create(
            village=village,
            defaults={
                "old_commune_id": village.parent_id,
                "old_district_id": village.district_id,
                "new_code": new_code,
                "assigned": True,
                "assigned_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        changed += 1
    return changed


def target_problem(conversion: Conversion, village: AdminUnit, new_code: str) -> str:
    """Why a village cannot go to that commune ('' when it can)."""
    targets = conversion.targets(village.parent.code)
    if new_code in targets:
        return ""
    return _("Xã mới mã %(n)s không nhận phần nào của %(o)s; chọn một trong: %(t)s.") % {
        "n": new_code,
        "o": village.parent.full_name,
        "t": ", ".join(targets),
    }


@transaction.atomic
def village_moves_assign(*, actor, province: AdminUnit, wanted: dict[int, str]) -> int:
    """The page's save: village id -> new commune code for villages of the province's divided
    communes; any wrong choice refuses the whole form (ValidationError)."""
    from django.core.exceptions import ValidationError

    conversion = official_conversion(province.code)
    rows = {c.village.pk: c.village for c in divided_villages(province, conversion)}
    checked: dict[AdminUnit, str] = {}
    for pk, code in wanted.items():
        village = rows.get(pk)
        if village is None:
            raise ValidationError(_("Thôn không thuộc xã bị chia tách của tỉnh."))
        problem = target_problem(conversion, village, code)
        if problem:
            raise ValidationError(problem)
        checked[village] = code
    changed = village_moves_save(actor=actor, wanted=checked)
    if changed:
        audit_record(
            actor=actor,
            action="units.remap.assign",
            obj=province,
            unit=province,
            summary=_("Chọn xã mới cho %(n)d thôn của xã bị chia tách") % {"n": changed},
        )
    return changed


# ---- the import kind ---------------------------------------------------------------------


class _Rollback(Exception):
    """Leave the transaction without writing (a dry run)."""


def _scope_villages(actor):
    units = AdminUnit.objects.all() if actor is None else units_for(actor)
    return units.filter(level=Level.VILLAGE, structure=Structure.Y2024, valid_to__isnull=True)


def _read_rows(table, actor, errors: list[RowError]) -> tuple[dict[AdminUnit, str], int]:
    cols = table.require({VILLAGE_KEY: "Mã thôn", NEW_KEY: "Mã xã mới"})
    scope = _scope_villages(actor).select_related("parent", "province")
    wanted: dict[AdminUnit, str] = {}
    seen: dict[str, int] = {}
    conversions: dict[str, Conversion] = {}
    blank = 0
    for number, cells in table.rows:
        code = cell(cells, cols[VILLAGE_KEY])
        new_code = cell(cells, cols[NEW_KEY])
        village = scope.filter(code=code).first() if code else None
        if village is None:
            reason = _("Không có thôn mã “%(c)s” chưa chuyển trong phạm vi của bạn.") % {"c": code}
            errors.append(RowError(number, "Mã thôn", reason))
            continue
        if code in seen:
            reason = _("Trùng mã thôn với dòng %(r)d.") % {"r": seen[code]}
            errors.append(RowError(number, "Mã thôn", reason))
            continue
        seen[code] = number
        if not new_code:
            blank += 1
            continue
        province_code = village.province.code
        if province_code not in conversions:
            conversions[province_code] = official_conversion(province_code)
        problem = target_problem(conversions[province_code], village, new_code)
        if problem:
            errors.append(RowError(number, "Mã xã mới", problem))
            continue
        wanted[village] = new_code
    return wanted, blank


def village_moves_run(
    *,
    actor,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    file_name: str = "",
) -> ImportResult:
    """Import the filled list: each village's new commune, checked against the conversion."""
    try:
        with open(path, "rb") as f:
            table = open_table(f.read())
        errors: list[RowError] = []
        wanted, blank = _read_rows(table, actor, errors)
    except FileProblem as exc:
        return ImportResult.unreadable(exc, dry_run=dry_run, skip_invalid=skip_invalid)
    if progress:
        progress(0, len(wanted))
    changed = 0
    if not errors or skip_invalid:
        try:
            with transaction.atomic():
                changed = village_moves_save(actor=actor, wanted=wanted)
                if changed:
                    audit_record(
                        actor=actor,
                        action="units.remap.assign",
                        object_type="geo.VillageMove",
                        unit=getattr(actor, "scope_unit", None),
                        summary=_("Nhập tệp chọn xã mới: %(n)d thôn") % {"n": changed},
                    )
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
    if progress:
        progress(len(wanted), len(wanted))
    counts = {"assigned": changed, "unchanged": len(wanted) - changed + blank}
    if dry_run:
        text = _("Chạy thử, chưa ghi gì: sẽ chọn xã mới cho %(a)d thôn; %(u)d thôn giữ nguyên.")
    else:
        text = _("Đã chọn xã mới cho %(a)d thôn; %(u)d thôn giữ nguyên.")
    message = text % {"a": counts["assigned"], "u": counts["unchanged"]}
    if errors:
        message += " " + _("Bỏ qua %(n)d dòng lỗi.") % {"n": len(errors)}
    written = not errors or (skip_invalid and bool(wanted))
    return ImportResult(
        message=message,
        counts=counts,
        errors=errors,
        errors_total=len(errors),
        imported=len(wanted),
        written=written,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )


def _template_rows(user) -> list[list]:
    scope = getattr(user, "scope_unit", None)
    if scope is not None and scope.level == Level.PROVINCE and scope.structure == Structure.Y2024:
        rows = village_moves_rows(scope)
        if rows:
            return rows
    return [["15271-001", "Thôn Một", "15271", "Xã Ví Dụ", "15271", "15271 Xã Ví Dụ"]]


VILLAGE_MOVES = ImportKind(
    code="village_moves",
    label=_lazy("Chọn xã mới cho thôn của xã bị chia tách"),
    columns=COLUMNS,
    roles=frozenset({roles.Role.PROVINCE_ADMIN}),
    run=village_moves_run,
    job_title=_lazy("Nhập tệp chọn xã mới từ %(f)s"),
    help=_lazy(
        "Tải danh sách thôn của các xã bị chia tách trên trang chuyển sang cấu trúc 2025, "
        "điền cột “Mã xã mới” rồi nhập lại tệp."
    ),
    sheet=_lazy("Chọn xã mới"),
    template_name="chon-xa-moi-cho-thon.xlsx",
    template_rows=_template_rows,
)


# ---- the move as a background job --------------------------------------------------------


def remap_job_start(*, actor, province: AdminUnit, accept_defaults: bool):
    """Start the move as a job once the caller's transaction commits. Refused at once (RemapRefused)
    while villages of divided communes are unassigned, unless the officer accepts the defaults,
    and for a province already on the 2025 map."""
    from cdtt.core.jobs import job_create
    from cdtt.geo.remap import RemapRefused, _check_can_run, remap_plan
    from cdtt.geo.tasks import remap_job

    plan = remap_plan(province=province)
    if plan.done:
        raise RemapRefused(_("Tỉnh đã ở cấu trúc 2025: không có gì để chuyển."))
    _check_can_run(plan, accept_defaults)
    job = job_create(
        kind="units_remap",
        title=_("Chuyển %(p)s sang cấu trúc 2025") % {"p": province.full_name},
        actor=actor,
    )
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: remap_job(job.pk, actor_id, province.pk, accept_defaults))
    return job
