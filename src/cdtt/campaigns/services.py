"""Writes of the campaigns app: campaigns, their targets, and the visits the field app submits.

``visit_submit`` is the heart of the field app's sync and is idempotent by the client's UUID:
the same UUID with the same payload returns the stored visit, with another payload it is a
conflict, and concurrent retries of one UUID store it once (the primary key decides; the loser
of the race reads the winner's row). Everything a visit changes (the visit, the assessments,
the residents' levels, the coverage counters, the campaign's daily counters, the audit entry)
is written in one transaction: a refusal writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cdtt.audit.services import audit_entry, audit_record
from cdtt.campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Outcome,
    Service,
    Visit,
)
from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.documents.models import Letterhead
from cdtt.documents.selectors import letterheads_for
from cdtt.geo.models import AdminUnit
from cdtt.lib.rows import rows_insert
from cdtt.registry import rollups
from cdtt.registry.models import Household

# Limits of what a phone may send (bytes are checked by the API before parsing).
MAX_PAYLOAD_BYTES = 32 * 1024
CLOCK_SKEW = timedelta(minutes=10)
MAX_AGE = timedelta(days=366)
MAX_ASSESSMENTS = 60
MAX_MEMBERS = 20

VISIT_ROLES = roles.FIELD | roles.REGISTRY_WRITE


class Refused(Exception):
    """A request the service refuses; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- campaigns ------------------------------------------------------------------------------


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise Refused(422, "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu.")


def _check_letterhead(actor, letterhead: Letterhead | None) -> None:
    """A campaign's report may only take a letterhead its editor can see."""
    if letterhead is not None and not letterheads_for(actor).filter(pk=letterhead.pk).exists():
        raise Refused(422, "Không tìm thấy mẫu phần đầu văn bản đã chọn.")


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    starts_on: date,
    ends_on: date,
    scope_units: list[AdminUnit],
    services: list[Service] | None = None,
    description: str = "",
    status: str = CampaignStatus.ACTIVE,
    letterhead: Letterhead | None = None,
) -> Campaign:
    """``letterhead``: the daily report's issuer, symbol, signer and recipients; none, the
    Department of Science and Technology's."""
    if not roles.has_role(actor, roles.MANAGE_CATALOG):
        raise PermissionDenied
    _check_dates(starts_on, ends_on)
    _check_letterhead(actor, letterhead)
    if not scope_units:
        raise Refused(422, "Cần chọn ít nhất một địa bàn triển khai.")
    campaign = Campaign(
        name=name.strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        created_by=actor,
        letterhead=letterhead,
    )
    campaign.save()
    campaign.scope_units.set(scope_units)
    campaign.services.set(services or [])
    audit_record(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        changes={
            "starts_on": str(starts_on),
            "ends_on": str(ends_on),
            "scope": [u.code for u in scope_units],
        },
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    if not roles.has_role(actor, roles.MANAGE_CATALOG):
        raise PermissionDenied
    scope_units = fields.pop("scope_units", None)
    services = fields.pop("services", None)
    changes = {}
    for key, value in fields.items():
        if key not in {"name", "description", "starts_on", "ends_on", "status", "letterhead"}:
            raise TypeError(key)
        if getattr(campaign, key) != value:
            changes[key] = str(value)
            setattr(campaign, key, value)
    _check_dates(campaign.starts_on, campaign.ends_on)
    if "letterhead" in changes:
        _check_letterhead(actor, campaign.letterhead)
    if fields.get("starts_on") or fields.get("ends_on"):
        outside = Visit.objects.filter(campaign=campaign).exclude(
            visited_at__date__gte=campaign.starts_on, visited_at__date__lte=campaign.ends_on
        )
        if outside.exists():
            raise Refused(422, "Đã có lượt đến hộ nằm ngoài khoảng thời gian mới của chiến dịch.")
    campaign.save()
    if scope_units is not None:
        if not scope_units:
            raise Refused(422, "Cần chọn ít nhất một địa bàn triển khai.")
        campaign.scope_units.set(scope_units)
        changes["scope"] = [u.code for u in scope_units]
    if services is not None:
        campaign.services.set(services)
        changes["services"] = [s.code for s in services]
    audit_record(actor=actor, action="campaign.update", obj=campaign, changes=changes)
    return campaign


def in_campaign_scope(campaign: Campaign, unit: AdminUnit) -> bool:
    return any(unit.path.startswith(s.path) for s in campaign.scope_units.all())


def can_set_target(user, campaign: Campaign, unit: AdminUnit) -> bool:
    """Province admins set the targets of any unit in the campaign's scope; district and commune
    officers split their own unit's target down to the units below it."""
    if not in_campaign_scope(campaign, unit):
        return False
    if roles.has_role(user, roles.MANAGE_CATALOG):
        path = scope_path(user)
        return path is not None and unit.path.startswith(path)
    if roles.has_role(user, {"district_officer", "commune_officer"}):
        path = scope_path(user)
        return path is not None and unit.path.startswith(path) and unit.path != path
    return False


@dataclass
class TargetValue:
    households_to_visit: int
    residents_to_guide: int


def _children_sum(
    campaign: Campaign, unit: AdminUnit, exclude: set[int] = frozenset()
) -> TargetValue:
    totals = (
        CampaignTarget.objects.filter(campaign=campaign, unit__parent=unit)
        .exclude(unit_id__in=exclude)
        .aggregate(h=Sum("households_to_visit"), r=Sum("residents_to_guide"))
    )
    return TargetValue(totals["h"] or 0, totals["r"] or 0)


def _check_against_children(campaign: Campaign, unit: AdminUnit, value: TargetValue) -> None:
    below = _children_sum(campaign, unit)
    if value.households_to_visit < below.households_to_visit or (
        value.residents_to_guide < below.residents_to_guide
    ):
        raise Refused(
            422,
            f"Chỉ tiêu của {unit.full_name} không được nhỏ hơn tổng chỉ tiêu đã giao cho các "
            f"đơn vị trực thuộc ({below.households_to_visit} hộ, "
            f"{below.residents_to_guide} người).",
        )


@transaction.atomic
def target_set(
    *, actor, campaign: Campaign, unit: AdminUnit, households_to_visit: int, residents_to_guide: int
) -> CampaignTarget:
    """Set one unit's target; the sum of a parent's children never exceeds the parent's."""
    return target_split(
        actor=actor,
        campaign=campaign,
        parent=unit.parent,
        values={unit: TargetValue(households_to_visit, residents_to_guide)},
    )[0]


@transaction.atomic
def target_split(
    *, actor, campaign: Campaign, parent: AdminUnit | None, values: dict[AdminUnit, TargetValue]
) -> list[CampaignTarget]:
    """Set the targets of several children of ``parent`` at once (all or nothing)."""
    for unit, value in values.items():
        if not can_set_target(actor, campaign, unit):
            raise PermissionDenied
        if value.households_to_visit < 0 or value.residents_to_guide < 0:
            raise Refused(422, "Chỉ tiêu phải là số không âm.")
        if unit.parent_id != getattr(parent, "pk", None):
            raise Refused(422, f"{unit.full_name} không trực thuộc đơn vị đang chia chỉ tiêu.")
        _check_against_children(campaign, unit, value)
    if parent is not None:
        cap = (
            CampaignTarget.objects.select_for_update()
            .filter(campaign=campaign, unit=parent)
            .first()
        )
        if cap is not None:
            others = _children_sum(campaign, parent, exclude={u.pk for u in values})
            h = others.households_to_visit + sum(v.households_to_visit for v in values.values())
            r = others.residents_to_guide + sum(v.residents_to_guide for v in values.values())
            if h > cap.households_to_visit or r > cap.residents_to_guide:
                raise Refused(
                    422,
                    f"Tổng chỉ tiêu các đơn vị trực thuộc ({h} hộ, {r} người) vượt chỉ tiêu của "
                    f"{parent.full_name} ({cap.households_to_visit} hộ, {cap.residents_to_guide} "
                    "người).",
                )
    saved = []
    for unit, value in values.items():
        target, _ = CampaignTarget.objects.update_or_create(
            campaign=campaign,
            unit=unit,
            defaults={
                "households_to_visit": value.households_to_visit,
                "residents_to_guide": value.residents_to_guide,
                "set_by": actor,
            },
        )
        saved.append(target)
        audit_record(
            actor=actor,
            action="campaign.target",
            obj=target,
            unit=unit,
            summary=f"{campaign} · {unit.full_name}",
            changes={
                "households": value.households_to_visit,
                "residents": value.residents_to_guide,
            },
        )
    return saved


# --- visits ---------------------------------------------------------------------------------


def _as_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise Refused(422, f"{what} phải là số nguyên.")
    return value


def _text(value, what: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused(422, f"{what} phải là chuỗi ký tự.")
    value = " ".join(value.split())
    if len(value) > limit:
        raise Refused(422, f"{what} dài quá {limit} ký tự.")
    return value


def normalize_visit(payload, *, now: datetime | None = None) -> dict:
    """Check the shape of a submitted visit and return its canonical form (the form that is
    hashed: key order, list order and the time zone of ``visited_at`` do not matter)."""
    if not isinstance(payload, dict):
        raise Refused(400, "Dữ liệu phải là một đối tượng JSON.")
    try:
        visit_id = uuid.UUID(str(payload.get("id", "")))
    except ValueError:
        raise Refused(422, "Mã lượt đến hộ (id) phải là một UUID.") from None
    household = payload.get("household")
    if (
        not isinstance(household, dict)
        or not household.get("code")
        or not household.get("commune_code")
    ):
        raise Refused(422, "Thiếu thông tin hộ: household phải có commune_code và code.")
    raw_at = payload.get("visited_at")
    at = parse_datetime(raw_at) if isinstance(raw_at, str) else None
    if at is None:
        raise Refused(422, "Thời điểm đến hộ (visited_at) không hợp lệ; dùng định dạng ISO 8601.")
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    now = now or timezone.now()
    if at > now + CLOCK_SKEW:
        raise Refused(
            422,
            f"Thời điểm đến hộ ({timezone.localtime(at):%d/%m/%Y %H:%M}) ở tương lai; "
            "hãy kiểm tra ngày giờ của điện thoại.",
        )
    if at < now - MAX_AGE:
        raise Refused(
            422,
            f"Thời điểm đến hộ ({timezone.localtime(at):%d/%m/%Y}) đã quá một năm; không ghi nhận.",
        )
    outcome = payload.get("outcome")
    if outcome not in Outcome.values:
        raise Refused(422, f"Kết quả không hợp lệ; dùng một trong: {', '.join(Outcome.values)}.")
    campaign = payload.get("campaign")
    campaign = None if campaign in (None, "") else _as_int(campaign, "Mã chiến dịch")
    services = payload.get("services") or []
    if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
        raise Refused(422, "Danh sách dịch vụ (services) phải là các mã dịch vụ.")
    members = payload.get("members") or []
    if not isinstance(members, list) or len(members) > MAX_MEMBERS:
        raise Refused(422, f"Danh sách thành viên (members) tối đa {MAX_MEMBERS} người.")
    members = [_text(m, "Tên thành viên", 120) for m in members]
    present = payload.get("present") or []
    if not isinstance(present, list):
        raise Refused(422, "Danh sách người có mặt (present) phải là các mã nhân khẩu.")
    present = sorted({_as_int(p, "Mã nhân khẩu") for p in present})
    assessments_in = payload.get("assessments") or []
    if not isinstance(assessments_in, list) or len(assessments_in) > MAX_ASSESSMENTS:
        raise Refused(422, f"Danh sách đánh giá (assessments) tối đa {MAX_ASSESSMENTS} mục.")
    assessments, seen = [], set()
    for item in assessments_in:
        if not isinstance(item, dict):
            raise Refused(422, "Mỗi đánh giá phải có resident_id, skill và level.")
        resident_id = _as_int(item.get("resident_id"), "Mã nhân khẩu (resident_id)")
        skill = item.get("skill")
        if not isinstance(skill, str) or not skill:
            raise Refused(422, "Mỗi đánh giá phải ghi mã kỹ năng (skill).")
        level = item.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or level not in (0, 1, 2):
            raise Refused(
                422,
                f"Mức đánh giá phải là 0 (chưa biết), 1 (cơ bản) hoặc 2 (thành thạo); "
                f"nhận được: {json.dumps(level, ensure_ascii=False)[:20]}.",
            )
        checklist = item.get("checklist") or []
        if not isinstance(checklist, list):
            raise Refused(422, "Danh sách việc làm được (checklist) phải là các mã mục.")
        if (resident_id, skill) in seen:
            raise Refused(
                422, "Một nhân khẩu được đánh giá hai lần cùng một kỹ năng trong lượt này."
            )
        seen.add((resident_id, skill))
        assessments.append(
            {
                "resident_id": resident_id,
                "skill": skill,
                "level": level,
                "checklist": sorted({_as_int(c, "Mục việc làm được") for c in checklist}),
            }
        )
    if assessments and outcome == Outcome.NOBODY_HOME:
        raise Refused(422, "Không có ai ở nhà thì không thể ghi đánh giá kỹ năng.")
    assessments.sort(key=lambda a: (a["resident_id"], a["skill"]))
    return {
        "id": str(visit_id),
        "household": {
            "commune_code": str(household["commune_code"]).strip(),
            "code": str(household["code"]).strip(),
        },
        "visited_at": at.astimezone(UTC).isoformat(),
        "outcome": outcome,
        "campaign": campaign,
        "services": sorted(set(services)),
        "members": members,
        "present": present,
        "note": _text(payload.get("note"), "Ghi chú", 500),
        "assessments": assessments,
    }


def payload_hash(canonical: dict) -> str:
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _fields(model, names: set[str]) -> list[str]:
    """Column names in the model's order (the order ``Model.from_db`` reads values in)."""
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


_HOUSEHOLD_FIELDS = _fields(
    Household, {"id", "village_id", "commune_id", "district_id", "province_id", "code", "covered"}
)
_VILLAGE_FIELDS = _fields(
    AdminUnit, {"id", "path", "level", "valid_to", "commune_id", "district_id", "province_id"}
)
# The household with its village, the user's team serving that village (the team of the
# first of the user's memberships in Membership's order) and whether the user has a Person;
# then, as JSON arrays, what the checks that follow need: the household's current residents
# and the active catalog entries the visit names. One round trip for all of it.
_HOUSEHOLD_SQL = """
    SELECT {household},
           {village},
           (SELECT m.team_id FROM teams_membership m
              JOIN teams_person p ON p.id = m.person_id
              JOIN teams_team t ON t.id = m.team_id
              JOIN teams_team_villages tv ON tv.team_id = m.team_id
             WHERE p.user_id = %s AND m.left_on IS NULL AND t.dissolved_on IS NULL
               AND tv.adminunit_id = h.village_id
             ORDER BY t.path, t.name_key, m.role, p.name_key, m.id
             LIMIT 1),
           EXISTS (SELECT 1 FROM teams_person p WHERE p.user_id = %s),
           {residents},
           {catalog},
           {campaign}
    FROM registry_household h
    JOIN geo_adminunit c ON c.id = h.commune_id
    JOIN geo_adminunit v ON v.id = h.village_id
    WHERE c.code = %s AND h.code = %s
"""
# JSON aggregates of each backend: (aggregate of rows, array of values).
_JSON = {
    "postgresql": ("json_agg", "json_build_array"),
    "sqlite": ("json_group_array", "json_array"),
}
_RESIDENTS_SQL = """(SELECT {agg}({arr}(r.id, r.village_id, r.full_name, r.proficient))
     FROM registry_resident r WHERE r.household_id = h.id AND r.status = %s)"""
_CATALOG_SQL = "(SELECT {agg}({arr}(k.kind, k.code, k.id, k.name)) FROM ({parts}) k)"
# The campaign the visit names, and whether the household's village lies in its area (a scope
# unit is the village or one of its ancestors: its path is a prefix of the village's).
_CAMPAIGN_SQL = """(SELECT {arr}(c.id, c.name, c.status, c.starts_on, c.ends_on,
        EXISTS (SELECT 1 FROM campaigns_campaign_scope_units su
                JOIN geo_adminunit s ON s.id = su.adminunit_id
                WHERE su.campaign_id = c.id AND substr(v.path, 1, length(s.path)) = s.path))
     FROM campaigns_campaign c WHERE c.id = %s)"""


def _household_sql(data: dict) -> tuple[str, list]:
    """The statement of ``_household_for`` and the parameters that come before the
    household's own (commune code, code)."""
    from cdtt.registry.models import ResidentStatus

    agg, arr = _JSON[connection.vendor]
    params: list = []
    residents = catalog = "NULL"
    if data["assessments"]:
        residents = _RESIDENTS_SQL.format(agg=agg, arr=arr)
        params.append(ResidentStatus.CURRENT.value)
    services, skills = data["services"], sorted({a["skill"] for a in data["assessments"]})
    parts = []
    for kind, table, columns, codes in (
        ("service", "campaigns_service", "NULL AS id, NULL AS name", services),
        ("skill", "skills_skill", "id, name", skills),
    ):
        if not codes:
            continue
        if connection.vendor == "postgresql":  # one statement shape, prepared once
            match, values = "code = ANY(%s)", [list(codes)]
        else:
            match, values = f"code IN ({', '.join(['%s'] * len(codes))})", list(codes)
        parts.append(
            f"SELECT '{kind}' AS kind, code, {columns} FROM {table} WHERE active AND {match}"
        )
        params += values
    if parts:
        catalog = _CATALOG_SQL.format(agg=agg, arr=arr, parts=" UNION ALL ".join(parts))
    campaign = "NULL"
    if data["campaign"] is not None:
        campaign = _CAMPAIGN_SQL.format(arr=arr)
        params.append(data["campaign"])
    sql = _HOUSEHOLD_SQL.format(
        household=", ".join(f"h.{f}" for f in _HOUSEHOLD_FIELDS),
        village=", ".join(f"v.{f}" for f in _VILLAGE_FIELDS),
        residents=residents,
        catalog=catalog,
        campaign=campaign,
    )
    return sql, params


def _json_rows(value) -> list:
    """A JSON aggregate as read back: parsed already (PostgreSQL), text (SQLite), or NULL."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def _household_for(user, data: dict, *, lock: bool = False) -> Household:
    """The household of the visit, if it lies in one of the user's field villages, with
    ``team_id`` set to the user's team serving its village (or None), and the rows the checks
    of the visit need (``resident_rows``, ``catalog_rows``). One query; the village check is the
    one of ``cdtt.teams.selectors.field_villages``: a user with a Person works in the villages
    of their active teams (exactly those where such a team exists), a user without one in the
    villages under their scope unit. ``lock``: the household's row is locked (inside the
    caller's transaction) by this very read."""
    from cdtt.geo.models import Level

    missing = Refused(404, "Không tìm thấy hộ gia đình trong địa bàn của bạn.")
    if not (user and user.is_authenticated and user.is_active):
        raise missing
    sql, params = _household_sql(data)
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF h"
    ref = data["household"]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, *params, ref["commune_code"], ref["code"]])
        row = cursor.fetchone()
    if row is None:
        raise missing
    n, m = len(_HOUSEHOLD_FIELDS), len(_HOUSEHOLD_FIELDS) + len(_VILLAGE_FIELDS)
    household = Household.from_db(connection.alias, _HOUSEHOLD_FIELDS, row[:n])
    village = AdminUnit.from_db(connection.alias, _VILLAGE_FIELDS, row[n:m])
    team_id, has_person = row[m], bool(row[m + 1])
    if village.level != Level.VILLAGE:
        raise missing
    if has_person:
        allowed = team_id is not None
    else:
        path = scope_path(user)
        allowed = path is not None and village.path.startswith(path) and village.valid_to is None
    if not allowed:
        # Outside the member's villages is answered exactly as unknown.
        raise missing
    household.village = village
    household.team_id = team_id
    household.resident_rows = _json_rows(row[m + 2])
    household.catalog_rows = _json_rows(row[m + 3])
    household.campaign_row = _json_rows(row[m + 4])
    return household


def _replay(visit: Visit, digest: str) -> tuple[Visit, bool]:
    if visit.payload_hash != digest:
        raise Refused(
            409,
            "Lượt đến hộ này đã được gửi trước đó với nội dung khác; không ghi đè. "
            "Hãy kiểm tra lại và ghi thành một lượt mới nếu cần.",
        )
    return visit, False


_CAMPAIGN_FIELDS = _fields(Campaign, {"id", "name", "status", "starts_on", "ends_on"})


def _campaign_for(data: dict, household: Household, local_day: date) -> Campaign | None:
    """The campaign the visit names (read with the household), if it takes the visit."""
    if data["campaign"] is None:
        return None
    if not household.campaign_row:
        raise Refused(422, f"Không tìm thấy chiến dịch đang triển khai số {data['campaign']}.")
    pk, name, status, starts_on, ends_on, in_scope = household.campaign_row
    values = {
        "id": pk,
        "name": name,
        "status": status,
        "starts_on": date.fromisoformat(str(starts_on)),
        "ends_on": date.fromisoformat(str(ends_on)),
    }
    campaign = Campaign.from_db(
        connection.alias, _CAMPAIGN_FIELDS, [values[f] for f in _CAMPAIGN_FIELDS]
    )
    if campaign.status == CampaignStatus.DRAFT:
        raise Refused(422, f"Không tìm thấy chiến dịch đang triển khai số {data['campaign']}.")
    if not (campaign.starts_on <= local_day <= campaign.ends_on):
        raise Refused(
            422,
            f"Ngày đến hộ {_d(local_day)} nằm ngoài thời gian của chiến dịch «{campaign.name}» "
            f"({_d(campaign.starts_on)} – {_d(campaign.ends_on)}); "
            "không thể ghi vào chiến dịch này.",
        )
    if not in_scope:
        raise Refused(422, f"Hộ không thuộc địa bàn triển khai của chiến dịch «{campaign.name}».")
    return campaign


def _check_catalogs(data: dict, household: Household) -> dict:
    """Unknown or inactive services and skills (read with the household); returns the skills
    named by the assessments (code -> Skill with its id, code and name)."""
    from cdtt.skills.models import Skill

    rows = household.catalog_rows
    known = {code for kind, code, _id, _name in rows if kind == "service"}
    unknown = [c for c in data["services"] if c not in known]
    if unknown:
        raise Refused(422, f"Dịch vụ không có trong danh mục: {', '.join(unknown)[:200]}.")
    names = _fields(Skill, {"id", "code", "name"})
    skills = {}
    for kind, code, pk, name in rows:
        if kind == "skill":
            values = {"id": pk, "code": code, "name": name}
            skills[code] = Skill.from_db(connection.alias, names, [values[n] for n in names])
    unknown = sorted({a["skill"] for a in data["assessments"]} - set(skills))
    if unknown:
        raise Refused(
            422, f"Kỹ năng không tồn tại hoặc không còn áp dụng: {', '.join(unknown)[:200]}."
        )
    return skills


_RESIDENT_FIELDS: list[str] = []


def _check_assessments(data: dict, household: Household, skills: dict) -> dict:
    """Residents of another household, checklist items of another skill. Returns the
    household's current residents (id -> Resident, read with the household), which the write
    then uses."""
    if not data["assessments"]:
        return {}
    from cdtt.registry.models import Resident
    from cdtt.skills.models import ChecklistItem

    if not _RESIDENT_FIELDS:
        _RESIDENT_FIELDS.extend(
            _fields(Resident, {"id", "household_id", "village_id", "full_name", "proficient"})
        )
    residents = {}
    for pk, village_id, full_name, proficient in household.resident_rows:
        values = {
            "id": pk,
            "household_id": household.pk,
            "village_id": village_id,
            "full_name": full_name,
            "proficient": bool(proficient),
        }
        residents[pk] = Resident.from_db(
            connection.alias, _RESIDENT_FIELDS, [values[f] for f in _RESIDENT_FIELDS]
        )
    for a in data["assessments"]:
        if a["resident_id"] not in residents:
            raise Refused(422, f"Nhân khẩu số {a['resident_id']} không thuộc hộ {household.code}.")
    wanted = {(skills[a["skill"]].pk, item) for a in data["assessments"] for item in a["checklist"]}
    if wanted:
        items = set(
            ChecklistItem.objects.filter(skill_id__in={s.pk for s in skills.values()}).values_list(
                "skill_id", "pk"
            )
        )
        for a in data["assessments"]:
            for item in a["checklist"]:
                if (skills[a["skill"]].pk, item) not in items:
                    raise Refused(
                        422, f"Mục việc làm được số {item} không thuộc kỹ năng {a['skill']}."
                    )
    return residents


_ON_CONFLICT = """
ON CONFLICT (campaign_id, village_id, day) DO UPDATE SET
    visits = campaigns_campaignday.visits + excluded.visits,
    guided = campaigns_campaignday.guided + excluded.guided,
    households = campaigns_campaignday.households + excluded.households,
    new_households = campaigns_campaignday.new_households + excluded.new_households,
    assessments = campaigns_campaignday.assessments + excluded.assessments
"""
_COLUMNS = """campaigns_campaignday
    (campaign_id, village_id, commune_id, district_id, province_id, day,
     visits, guided, households, new_households, assessments)"""
_UPSERT = (
    f"INSERT INTO {_COLUMNS} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) {_ON_CONFLICT}"
)
# The visit's day row in one statement: the household's other visits in the campaign say
# whether this is its first visit that day and whether it was reached earlier (the time of its
# first visit comes back, for a visit synced late).
_DAY_SQL = f"""
WITH seen AS (
    SELECT MIN(visited_at) AS first,
           COUNT(CASE WHEN visited_at >= %s AND visited_at < %s THEN 1 END) AS same_day
    FROM campaigns_visit WHERE campaign_id = %s AND household_id = %s AND id <> %s
)
INSERT INTO {_COLUMNS}
SELECT %s, %s, %s, %s, %s, %s, 1, %s,
       CASE WHEN seen.same_day = 0 THEN 1 ELSE 0 END,
       CASE WHEN seen.first IS NULL OR seen.first >= %s THEN 1 ELSE 0 END,
       %s
FROM seen WHERE 1 = 1
{_ON_CONFLICT}
RETURNING (SELECT first FROM seen)
"""


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def _count_campaign_day(visit: Visit, household: Household) -> None:
    """Move the campaign's daily counters of the visit's village. The household row is locked
    by the caller, so visits to one household are counted one after another."""
    day = timezone.localdate(visit.visited_at)
    start, end = (connection.ops.adapt_datetimefield_value(t) for t in _day_bounds(day))
    units = [visit.village_id, visit.commune_id, visit.district_id, visit.province_id]
    with connection.cursor() as cursor:
        cursor.execute(
            _DAY_SQL,
            [
                start,
                end,
                visit.campaign_id,
                household.pk,
                Visit._meta.pk.get_db_prep_value(visit.pk, connection),
                visit.campaign_id,
                *units,
                day,
                int(visit.outcome == Outcome.GUIDED),
                end,
                visit.assessments,
            ],
        )
        (first,) = cursor.fetchone()
        if isinstance(first, str):  # SQLite returns the stored text (UTC)
            first = timezone.make_aware(parse_datetime(first), UTC)
        if first is not None and timezone.localdate(first) > day:
            # A visit synced late that predates the household's first counted one: the
            # household was first reached on this earlier day, not on that later one. (Rows
            # are locked in the order of their days: no deadlock between two writers.)
            cursor.execute(
                _UPSERT,
                [visit.campaign_id, *units, timezone.localdate(first), 0, 0, 0, -1, 0],
            )


def _stored(visit_id: str, digest: str) -> tuple[Visit, bool] | None:
    existing = Visit.objects.filter(pk=visit_id).first()
    return None if existing is None else _replay(existing, digest)


class _CheckRefused(Exception):
    """A check after the household's lookup refused the visit (carries the ``Refused``)."""

    def __init__(self, refused: Refused):
        super().__init__(refused.detail)
        self.refused = refused


def visit_submit(*, actor, payload) -> tuple[Visit, bool]:
    """Record a visit the field app sends; returns (visit, created). Raises ``Refused``.

    A new visit is not looked up first: the primary key of the insert tells a resend apart
    (IntegrityError), and a resend refused by a later check is looked up then, so that a stored
    visit is still answered as stored. The first statement of the transaction reads and locks
    the household: visits to one household are written one after another (exact coverage and
    daily counters)."""
    if not roles.has_role(actor, VISIT_ROLES):
        raise Refused(403, "Vai trò của bạn không được ghi nhận lượt đến hộ.")
    data = normalize_visit(payload)
    digest = payload_hash(data)
    try:
        with transaction.atomic():
            visit, household, covered = _visit_write(actor, data, digest)
    except _CheckRefused as exc:
        stored = _stored(data["id"], digest)
        if stored is None:
            raise exc.refused from None
        return stored
    except IntegrityError:
        # Nothing got stored: another request with the same UUID got there first.
        stored = _stored(data["id"], digest)
        if stored is None:
            raise
        return stored
    visit.answer = {
        "household": {
            "commune_code": data["household"]["commune_code"],
            "code": household.code,
            "covered": covered,
        },
        "assessments": [
            {
                "resident_id": a["resident_id"],
                "skill": a["skill"],
                "level": a["level"],
                "checklist": a["checklist"],
            }
            for a in data["assessments"]
        ],
    }
    return visit, True


def _visit_write(actor, data: dict, digest: str) -> tuple[Visit, Household, bool]:
    """The checks and the writes of ``visit_submit``, in its transaction; returns the visit, its
    household and the household's covered flag after it."""
    household = _household_for(actor, data, lock=True)
    visited_at = parse_datetime(data["visited_at"])
    try:
        campaign = _campaign_for(data, household, timezone.localdate(visited_at))
        skills = _check_catalogs(data, household)
        residents = _check_assessments(data, household, skills)
    except Refused as exc:
        raise _CheckRefused(exc) from None
    visit = Visit(
        id=data["id"],
        household=household,
        village_id=household.village_id,
        commune_id=household.commune_id,
        district_id=household.district_id,
        province_id=household.province_id,
        campaign=campaign,
        team_id=household.team_id,
        recorded_by=actor,
        members=data["members"],
        residents_present=data["present"],
        visited_at=visited_at,
        outcome=data["outcome"],
        services=data["services"],
        assessments=len(data["assessments"]),
        note=data["note"],
        payload_hash=digest,
    )
    entry = audit_entry(
        actor=actor,
        action="visit.create",
        obj=visit,
        unit=household.village,
        summary=f"{household.code} · {visit.outcome}",
        # The assessments are found by their visit.
        changes={"assessments": len(data["assessments"])} if data["assessments"] else {},
    )
    # A resend of a stored UUID fails here (IntegrityError). With assessments to write, the
    # household's counters before them are read by the same statement (after the lock).
    counters = rollups.household_counters_query(household.pk) if data["assessments"] else None
    row = rows_insert([visit], [entry], query=counters)
    covered = household.covered
    if data["assessments"]:
        from cdtt.registry.assessments import Observation, observations_write

        after: dict = {}
        observations_write(
            actor=actor,
            observations=[
                Observation(
                    residents[a["resident_id"]], a["skill"], a["level"], tuple(a["checklist"])
                )
                for a in data["assessments"]
            ],
            method="home_visit",
            assessed_at=visited_at,
            assessor_name=str(actor)[:120],
            visit_id=visit.pk,
            skills=skills,
            audit=False,
            household=after,
            locked_village_id=household.village_id,
            before=rollups.counters_from(row),
        )
        covered = after["covered"]
    if campaign is not None:
        _count_campaign_day(visit, household)
    return visit, household, covered
