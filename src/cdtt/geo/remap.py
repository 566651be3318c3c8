"""Moving a province from the 2024 map (province, district, commune) to the 2025 one.

The plan is read from the official conversion (``official_conversion``): every 2024 commune
went whole into one 2025 commune, or was divided among several (the package names a default).
A divided commune's villages go to the default unless an officer assigns them
(``village_assign``). The move (``remap_run``) is one transaction and set-based: one UPDATE per
table that locates facts, whatever the number of rows:

- the 2025 communes are created (``valid_from`` 01/07/2025); the 2024 districts and communes
  are closed (``valid_to`` 30/06/2025) and kept, with their codes (codes are reused: a code
  names a unit only with its structure);
- every village is re-parented (same row, same id: its history stays with it) and a
  ``VillageMove`` row records where it came from, which is how the figures of a 2024 unit are
  still computed after the move;
- every table with a village column gets its commune from the village and loses its district;
  every other reference to a closed unit follows it (a commune to its new commune, a district
  to the province), except rows unique per unit, which describe the closed unit and stay;
- the roll-ups are rebuilt and checked (a difference rolls everything back); one audit entry.

Running it again on a moved province changes nothing.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.rollups import checkers
from cdtt.geo.models import LAST_DAY_2024, MERGER_DAY, AdminUnit, Level, Structure, VillageMove
from cdtt.geo.official import Conversion, official_conversion
from cdtt.lib.text import fold


class RemapRefused(Exception):
    """The move cannot run (already on 2025, villages unassigned, roll-ups differ …)."""


# name -> counter(village ids) -> {village id: count}; filled by the apps that keep the facts
_counters: dict[str, Callable[[list[int]], dict[int, int]]] = {}


def remap_counter_register(name: str, counter: Callable[[list[int]], dict[int, int]]) -> None:
    """What the plan counts per new commune (households, residents, teams, visits)."""
    _counters[name] = counter


@dataclass
class CommunePlan:
    code: str
    name: str
    old_communes: list[str] = field(default_factory=list)
    villages: int = 0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Plan:
    province: AdminUnit
    conversion: Conversion
    communes: dict[str, CommunePlan]
    divided: dict[str, list[str]]
    villages_to_move: int
    unassigned: int
    totals: dict[str, int]
    done: bool = False

    def as_json(self) -> dict:
        return {
            "province": self.province.code,
            "done": self.done,
            "new_communes": len(self.communes),
            "merged": sum(len(c.old_communes) for c in self.communes.values()),
            "divided": len(self.divided),
            "villages_to_move": self.villages_to_move,
            "unassigned": self.unassigned,
            **{k: self.totals.get(k, 0) for k in ("households", "residents", "teams", "visits")},
            "communes": [asdict(c) for c in self.communes.values()],
        }


def province_to_move(code: str | None = None) -> AdminUnit:
    """The province (the one in the database when no code is given)."""
    provinces = AdminUnit.objects.filter(level=Level.PROVINCE)
    if code:
        provinces = provinces.filter(code=code)
    found = list(provinces[:2])
    if len(found) != 1:
        raise RemapRefused(_("Hãy chọn đúng một tỉnh (--province MÃ)."))
    return found[0]


def _old_communes(province: AdminUnit):
    return AdminUnit.objects.filter(
        province=province, level=Level.COMMUNE, structure=Structure.Y2024
    )


def _villages_to_move(province: AdminUnit):
    return AdminUnit.objects.filter(
        province=province, level=Level.VILLAGE, structure=Structure.Y2024
    )


def village_destinations(province: AdminUnit, conversion: Conversion) -> dict[int, str]:
    """Village id -> the 2025 commune code it goes to: the officer's choice, else the default."""
    chosen = dict(
        VillageMove.objects.filter(
            village__province=province, moved_on__isnull=True, assigned=True
        ).values_list("village_id", "new_code")
    )
    out = {}
    for pk, commune_code in _villages_to_move(province).values_list("pk", "commune__code"):
        out[pk] = chosen.get(pk) or conversion.default(commune_code)
    return out


def remap_plan(*, province: AdminUnit) -> Plan:
    """What the move will do: per new commune, its old communes, villages and counts."""
    conversion = official_conversion(province.code)
    names = {u.code: f"{u.unit_type} {u.name}" for u in conversion.new_communes}
    communes = {c: CommunePlan(c, names[c]) for c in names}
    for old, new in sorted(conversion.merged.items()):
        communes[new].old_communes.append(old)
    done = province.structure == Structure.Y2025
    destinations = {} if done else village_destinations(province, conversion)
    by_new: dict[str, list[int]] = defaultdict(list)
    for village, new in destinations.items():
        if new in communes:  # a commune unknown to the official list has no destination
            by_new[new].append(village)
    totals: dict[str, int] = defaultdict(int)
    for name, counter in _counters.items():
        counted = counter(list(destinations)) if destinations else {}
        for new, villages in by_new.items():
            n = sum(counted.get(v, 0) for v in villages)
            communes[new].counts[name] = n
            totals[name] += n
    for new, villages in by_new.items():
        communes[new].villages = len(villages)
    divided_villages = _villages_to_move(province).filter(commune__code__in=conversion.divided)
    unassigned = 0 if done else divided_villages.exclude(move__assigned=True).count()
    return Plan(
        province=province,
        conversion=conversion,
        communes=communes,
        divided=conversion.divided,
        villages_to_move=len(destinations),
        unassigned=unassigned,
        totals=dict(totals),
        done=done,
    )


@transaction.atomic
def village_assign(*, actor, village: AdminUnit, new_code: str) -> VillageMove:
    """An officer's choice of new commune for a village of a divided commune."""
    if village.level != Level.VILLAGE or village.structure != Structure.Y2024:
        raise ValidationError(_("Chỉ chọn xã mới cho thôn chưa chuyển sang cấu trúc 2025."))
    old = village.parent
    conversion = official_conversion(village.province.code)
    targets = conversion.targets(old.code)
    if new_code not in targets:
        raise ValidationError(
            _("Xã mới mã %(n)s không nhận phần nào của %(o)s; chọn một trong: %(t)s.")
            % {"n": new_code, "o": old.full_name, "t": ", ".join(targets)}
        )
    move, _created = VillageMove.objects.update_or_create(
        village=village,
        defaults={
            "old_commune": old,
            "old_district": village.district,
            "new_code": new_code,
            "assigned": True,
            "assigned_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action="units.remap.assign",
        obj=village,
        unit=village,
        summary=_("Chọn xã mới mã %(n)s cho %(v)s") % {"n": new_code, "v": village.full_name},
    )
    return move


# ---- the move ----------------------------------------------------------------------------


def _sql(sql: str, params: Iterable = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _create_new_communes(province: AdminUnit, conversion: Conversion) -> dict[str, int]:
    existing = dict(
        AdminUnit.objects.filter(
            structure=Structure.Y2025, level=Level.COMMUNE, province=province
        ).values_list("code", "pk")
    )
    fresh = [
        AdminUnit(
            code=u.code,
            name=u.name,
            unit_type=u.unit_type,
            level=Level.COMMUNE,
            structure=Structure.Y2025,
            parent=province,
            province=province,
            path=f"{province.path}{u.code}/",
            name_key=fold(u.name),
            lat=u.lat,
            lon=u.lon,
            valid_from=MERGER_DAY,
        )
        for u in conversion.new_communes
        if u.code not in existing
    ]
    AdminUnit.objects.bulk_create(fresh, batch_size=500)
    return dict(
        AdminUnit.objects.filter(
            structure=Structure.Y2025, level=Level.COMMUNE, province=province
        ).values_list("code", "pk")
    )


def _write_moves(province: AdminUnit, destinations: dict[int, str], new_ids: dict[str, int]):
    """One VillageMove row per village, stamped as moved today's move."""
    villages = {
        pk: (commune, district)
        for pk, commune, district in _villages_to_move(province).values_list(
            "pk", "commune_id", "district_id"
        )
    }
    chosen = set(
        VillageMove.objects.filter(village_id__in=villages, assigned=True).values_list(
            "village_id", flat=True
        )
    )
    VillageMove.objects.filter(village_id__in=villages).exclude(village_id__in=chosen).delete()
    VillageMove.objects.bulk_create(
        [
            VillageMove(
                village_id=pk,
                old_commune_id=villages[pk][0],
                old_district_id=villages[pk][1],
                new_code=destinations[pk],
            )
            for pk in villages
            if pk not in chosen
        ],
        batch_size=1000,
    )
    # One statement for the whole province (one per new commune took 10 s on 4,308 villages).
    moves = VillageMove.objects.filter(village_id__in=villages, new_code__in=list(new_ids))
    moves.update(
        new_commune_id=models.Case(
            *(models.When(new_code=code, then=models.Value(pk)) for code, pk in new_ids.items()),
            output_field=models.BigIntegerField(),
        ),
        moved_on=MERGER_DAY,
    )


def _reparent_villages(province: AdminUnit) -> int:
    unit, move = _q(AdminUnit._meta.db_table), _q(VillageMove._meta.db_table)
    return _sql(
        f"UPDATE {unit} SET parent_id = m.new_commune_id, commune_id = m.new_commune_id,"
        f" district_id = NULL, structure = %s, path = c.path || {unit}.code || '/'"
        f" FROM {move} m, {unit} c WHERE m.village_id = {unit}.id AND c.id = m.new_commune_id"
        f" AND {unit}.province_id = %s AND {unit}.level = %s AND {unit}.structure = %s",
        [Structure.Y2025, province.pk, Level.VILLAGE, Structure.Y2024],
    )


def _unit_fk_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey)
        and f.related_model is AdminUnit
        and not f.auto_created
        and f.concrete
    ]


def _unique_with(model, name: str) -> bool:
    """Whether rows are unique per this unit column: such a row describes its unit."""
    sets = [c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    sets += list(model._meta.unique_together)
    return any(name in s for s in sets) or model._meta.get_field(name).unique


def _fact_models() -> list:
    own = {AdminUnit, VillageMove}
    return [m for m in apps.get_models() if m not in own and _unit_fk_fields(m)]


def _prefix_clashing_codes(model, province: AdminUnit) -> int:
    """Rows unique per (commune, code) from two old communes now in one: the code of the old
    commune is prefixed to theirs ('16279-0001'), so that no row is lost or refused."""
    keys = [
        c.fields
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and len(c.fields) == 2 and "commune" in c.fields
    ]
    changed = 0
    for key in keys:
        other = next(f for f in key if f != "commune")
        table, col = _q(model._meta.db_table), _q(model._meta.get_field(other).column)
        unit, move = _q(AdminUnit._meta.db_table), _q(VillageMove._meta.db_table)
        changed += _sql(
            f"UPDATE {table} SET {col} = (SELECT u.code FROM {unit} u"
            f" WHERE u.id = {table}.commune_id) || '-' || {col}"
            f" WHERE {table}.province_id = %s AND {table}.id IN (SELECT t.id FROM {table} t"
            f" JOIN {move} m ON m.village_id = t.village_id JOIN (SELECT m2.new_commune_id AS nc,"
            f" t2.{col} AS k FROM {table} t2 JOIN {move} m2 ON m2.village_id = t2.village_id"
            f" WHERE m2.moved_on = %s GROUP BY m2.new_commune_id, t2.{col}"
            f" HAVING COUNT(DISTINCT t2.commune_id) > 1) g ON g.nc = m.new_commune_id"
            f" AND g.k = t.{col} WHERE m.moved_on = %s)",
            [province.pk, MERGER_DAY, MERGER_DAY],
        )
    return changed


def _repoint_located(model, province: AdminUnit) -> int:
    """A table with a village column: its commune from the village's move, no district."""
    table, move = _q(model._meta.db_table), _q(VillageMove._meta.db_table)
    names = {f.name for f in _unit_fk_fields(model)}
    district = ", district_id = NULL" if "district" in names else ""
    return _sql(
        f"UPDATE {table} SET commune_id = m.new_commune_id{district} FROM {move} m"
        f" WHERE m.village_id = {table}.village_id AND {table}.commune_id = m.old_commune_id"
        f" AND m.moved_on = %s",
        [MERGER_DAY],
    )


def _case(column: str, mapping: dict[int, int]) -> tuple[str, list[int]]:
    whens = " ".join("WHEN %s THEN %s" for _ in mapping)
    params = [x for pair in mapping.items() for x in pair]
    return f"CASE {column} {whens} ELSE {column} END", params


def _repoint_references(model, mapping: dict[int, int]) -> int:
    """Other references to closed units follow them; rows unique per unit stay (history)."""
    table = _q(model._meta.db_table)
    names = {f.name: f for f in _unit_fk_fields(model)}
    changed = 0
    for name, f in names.items():
        if name in {"village", "province"} or _unique_with(model, name):
            continue
        if "village" in names and name in {"commune", "district"}:
            continue  # located: done by _repoint_located
        if "unit" in names and name in {"commune", "district"}:
            continue  # derived from the unit below
        col = _q(f.column)
        expr, params = _case(col, mapping)
        changed += _sql(
            f"UPDATE {table} SET {col} = {expr} WHERE {col} IN ({', '.join(['%s'] * len(mapping))})",
            [*params, *mapping],
        )
    if "unit" in names and "commune" in names:
        unit = _q(AdminUnit._meta.db_table)
        extra = ", district_id = NULL" if "district" in names else ""
        has_path = any(f.name == "path" for f in model._meta.concrete_fields)
        extra += ", path = u.path" if has_path else ""
        changed += _sql(
            f"UPDATE {table} SET commune_id = COALESCE(u.commune_id, u.id){extra} FROM {unit} u"
            f" WHERE u.id = {table}.unit_id AND u.structure = %s"
            f" AND ({table}.commune_id <> COALESCE(u.commune_id, u.id)"
            f" OR {table}.district_id IS NOT NULL)",
            [Structure.Y2025],
        )
    return changed


def _repoint_many(mapping: dict[int, int]) -> int:
    """Many-to-many links to closed units (a campaign's scope) follow them, without doubles."""
    changed = 0
    for model in apps.get_models():
        for m2m in model._meta.local_many_to_many:
            if m2m.related_model is not AdminUnit:
                continue
            through = m2m.remote_field.through
            src = m2m.m2m_field_name()
            dst = m2m.m2m_reverse_field_name()
            links = through.objects.filter(**{f"{dst}__in": list(mapping)})
            for link in list(links):
                owner = getattr(link, f"{src}_id")
                target = mapping[getattr(link, f"{dst}_id")]
                if not through.objects.filter(**{f"{src}_id": owner, f"{dst}_id": target}).exists():
                    through.objects.create(**{f"{src}_id": owner, f"{dst}_id": target})
                link.delete()
                changed += 1
    return changed


def _closed_mapping(province: AdminUnit, conversion: Conversion, new_ids: dict[str, int]):
    """Closed unit id -> where references to it go: a commune to its (default) new commune, a
    district to the province."""
    mapping = {}
    for pk, code in _old_communes(province).values_list("pk", "code"):
        default = conversion.default(code)
        if default:
            mapping[pk] = new_ids[default]
    for pk in AdminUnit.objects.filter(
        province=province, level=Level.DISTRICT, structure=Structure.Y2024
    ).values_list("pk", flat=True):
        mapping[pk] = province.pk
    return mapping


@dataclass
class RemapResult:
    done: bool
    plan: Plan
    rows: dict[str, int] = field(default_factory=dict)
    rollups: list[str] = field(default_factory=list)


def _check_can_run(plan: Plan, accept_defaults: bool) -> None:
    if plan.unassigned and not accept_defaults:
        raise RemapRefused(
            _(
                "Còn %(n)d thôn của xã bị chia tách chưa được chọn xã mới. Hãy chọn trên trang "
                "chuyển đổi (hoặc nhập tệp), hoặc chạy với --accept-defaults để dùng xã mặc định."
            )
            % {"n": plan.unassigned}
        )


def remap_run(
    *,
    actor,
    province: AdminUnit,
    accept_defaults: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RemapResult:
    """Move the province to the 2025 map in one transaction (see the module's docstring)."""
    say = progress or (lambda _step: None)
    with transaction.atomic():
        province = AdminUnit.objects.select_for_update().get(pk=province.pk)
        plan = remap_plan(province=province)
        if plan.done:
            if (
                not VillageMove.objects.filter(
                    village__province=province, moved_on__isnull=False
                ).exists()
                and not AdminUnit.objects.filter(
                    province=province, structure=Structure.Y2024
                ).exists()
            ):
                raise RemapRefused(
                    _("%(p)s đã dùng cấu trúc hành chính 2025 từ đầu: không có gì để chuyển.")
                    % {"p": province.full_name}
                )
            return RemapResult(done=False, plan=plan)  # moved before: nothing changes
        _check_can_run(plan, accept_defaults)
        conversion = plan.conversion
        rows: dict[str, int] = {}
        say(_("Tạo các xã mới"))
        new_ids = _create_new_communes(province, conversion)
        destinations = village_destinations(province, conversion)
        _write_moves(province, destinations, new_ids)
        mapping = _closed_mapping(province, conversion, new_ids)
        say(_("Chuyển thôn và số liệu"))
        rows["villages"] = _reparent_villages(province)
        facts = _fact_models()
        for model in facts:
            names = {f.name for f in _unit_fk_fields(model)}
            if "village" in names and "commune" in names:
                rows[f"{model._meta.label}.codes"] = _prefix_clashing_codes(model, province)
                rows[model._meta.label] = _repoint_located(model, province)
        for model in facts:
            rows[model._meta.label] = rows.get(model._meta.label, 0) + _repoint_references(
                model, mapping
            )
        rows["links"] = _repoint_many(mapping)
        closed = AdminUnit.objects.filter(province=province, structure=Structure.Y2024).exclude(
            level=Level.VILLAGE
        )
        rows["closed"] = closed.filter(valid_to__isnull=True).update(valid_to=LAST_DAY_2024)
        AdminUnit.objects.filter(pk=province.pk).update(structure=Structure.Y2025)
        say(_("Tính lại và kiểm tra số liệu tổng hợp"))
        rollups = _rollups_rebuild_and_check()
        summary = _("Chuyển %(p)s sang cấu trúc 2025: %(c)d xã mới, %(v)d thôn") % {
            "p": province.full_name,
            "c": len(new_ids),
            "v": rows["villages"],
        }
        audit_record(
            actor=actor,
            action="units.remap",
            obj=province,
            unit=province,
            summary=summary,
            changes={"rows": {k: v for k, v in rows.items() if v}, "plan": plan.as_json()},
        )
        province.refresh_from_db()
        return RemapResult(done=True, plan=plan, rows=rows, rollups=rollups)


def _rollups_rebuild_and_check() -> list[str]:
    lines = []
    for checker in checkers():
        lines.append(f"{checker.name}: {checker.rebuild()}")
        differences = list(checker.check())
        if differences:
            raise RemapRefused(
                _("Số liệu tổng hợp %(n)s lệch sau khi chuyển: %(d)s")
                % {"n": checker.name, "d": "; ".join(str(d) for d in differences[:5])}
            )
    return lines


def old_villages_of(units: Iterable[AdminUnit]) -> dict[int, list[int]]:
    """For closed 2024 communes and districts: the villages they held before the move."""
    communes = [u.pk for u in units if u.level == Level.COMMUNE]
    districts = [u.pk for u in units if u.level == Level.DISTRICT]
    out: dict[int, list[int]] = defaultdict(list)
    moves = VillageMove.objects.filter(moved_on__isnull=False)
    for village, commune, district in moves.filter(
        models.Q(old_commune_id__in=communes) | models.Q(old_district_id__in=districts)
    ).values_list("village_id", "old_commune_id", "old_district_id"):
        if commune in communes:
            out[commune].append(village)
        if district in districts:
            out[district].append(village)
    return out


def remapped_unit(unit: AdminUnit) -> bool:
    """Whether a unit is a 2024 commune or district closed by the move (its villages moved)."""
    return (
        unit.structure == Structure.Y2024
        and unit.level in (Level.COMMUNE, Level.DISTRICT)
        and unit.valid_to is not None
    )


def as_of_is_before_move(day: dt.date | None) -> bool:
    return day is not None and day < MERGER_DAY
