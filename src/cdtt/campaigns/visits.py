"""Visits the field app submits: ``visit_submit`` checks and writes one visit.

It is the heart of the field app's sync and is idempotent by the client's UUID: the same UUID
with the same payload returns the stored visit, with another payload it is a ``Conflict``, and
concurrent retries of one UUID store it once (the primary key decides; the loser of the race
reads the winner's row). Everything a visit changes (the visit, the assessments, the residents'
levels, the coverage counters, the campaign's daily counters, the audit entry) is written in
one transaction: a refusal writes nothing. The payload is ``visit_payload.VisitIn``; the
household and what the checks need are read in one statement (``visit_lookup``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_entry
from cdtt.campaigns.models import Campaign, CampaignStatus, Outcome, Visit
from cdtt.campaigns.visit_lookup import _fields, household_for_visit
from cdtt.campaigns.visit_payload import VisitIn, payload_hash
from cdtt.core import roles
from cdtt.core.errors import Conflict, DomainError, Refused
from cdtt.lib.rows import rows_insert
from cdtt.registry import rollups
from cdtt.registry.models import Household

VISIT_ROLES = roles.FIELD | roles.REGISTRY_WRITE


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _replay(visit: Visit, digest: str) -> tuple[Visit, bool]:
    if visit.payload_hash != digest:
        raise Conflict(
            _(
                "Lượt đến hộ này đã được gửi trước đó với nội dung khác; không ghi đè. "
                "Hãy kiểm tra lại và ghi thành một lượt mới nếu cần."
            )
        )
    return visit, False


_CAMPAIGN_FIELDS = _fields(Campaign, {"id", "name", "status", "starts_on", "ends_on"})


def _not_running(number) -> str:
    return _("Không tìm thấy chiến dịch đang triển khai số %(n)s.") % {"n": number}


def _campaign_for(data: dict, household: Household, local_day: date) -> Campaign | None:
    """The campaign the visit names (read with the household), if it takes the visit."""
    if data["campaign"] is None:
        return None
    if not household.campaign_row:
        raise ValidationError(_not_running(data["campaign"]))
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
    if campaign.status != CampaignStatus.ACTIVE:  # a draft, or closed before its end date
        raise ValidationError(_not_running(data["campaign"]))
    if not (campaign.starts_on <= local_day <= campaign.ends_on):
        raise ValidationError(
            _(
                "Ngày đến hộ %(day)s nằm ngoài thời gian của chiến dịch «%(name)s» "
                "(%(start)s – %(end)s); không thể ghi vào chiến dịch này."
            )
            % {
                "day": _d(local_day),
                "name": campaign.name,
                "start": _d(campaign.starts_on),
                "end": _d(campaign.ends_on),
            }
        )
    if not in_scope:
        raise ValidationError(
            _("Hộ không thuộc địa bàn triển khai của chiến dịch «%(name)s».")
            % {"name": campaign.name}
        )
    return campaign


def _check_catalogs(data: dict, household: Household) -> dict:
    """Unknown or inactive services and skills (read with the household); returns the skills
    named by the assessments (code -> Skill with its id, code and name)."""
    from cdtt.skills.models import Skill

    rows = household.catalog_rows
    known = {code for kind, code, _id, _name in rows if kind == "service"}
    unknown = [c for c in data["services"] if c not in known]
    if unknown:
        raise ValidationError(
            _("Dịch vụ không có trong danh mục: %(codes)s.") % {"codes": ", ".join(unknown)[:200]}
        )
    names = _fields(Skill, {"id", "code", "name"})
    skills = {}
    for kind, code, pk, name in rows:
        if kind == "skill":
            values = {"id": pk, "code": code, "name": name}
            skills[code] = Skill.from_db(connection.alias, names, [values[n] for n in names])
    unknown = sorted({a["skill"] for a in data["assessments"]} - set(skills))
    if unknown:
        raise ValidationError(
            _("Kỹ năng không tồn tại hoặc không còn áp dụng: %(codes)s.")
            % {"codes": ", ".join(unknown)[:200]}
        )
    return skills


_RESIDENT_FIELDS: list[str] = []


def _check_assessments(data: dict, household: Household, skills: dict) -> dict:
    """Residents of another household, checklist items of another skill. Returns the
    household's current residents the visit assesses (id -> Resident, read with the
    household), which the write then uses."""
    if not data["assessments"]:
        return {}
    from cdtt.registry.models import Resident
    from cdtt.skills.models import ChecklistItem

    if not _RESIDENT_FIELDS:
        _RESIDENT_FIELDS.extend(
            _fields(Resident, {"id", "household_id", "village_id", "full_name", "proficient"})
        )
    residents = {}
    assessed = {a["resident_id"] for a in data["assessments"]}
    for pk, village_id, full_name, proficient in household.resident_rows:
        if pk not in assessed:  # only the residents assessed are written
            continue
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
            raise ValidationError(
                _("Nhân khẩu số %(id)s không thuộc hộ %(code)s.")
                % {"id": a["resident_id"], "code": household.code}
            )
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
                    raise ValidationError(
                        _("Mục việc làm được số %(item)s không thuộc kỹ năng %(skill)s.")
                        % {"item": item, "skill": a["skill"]}
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

# PostgreSQL: the same day row, and the fix of a visit synced late (below), as one more clause
# of the statement that inserts the visit (``rows_insert``'s ``then``): it reads the
# household's other visits as they were before it (the visit's own row is not visible to it)
# and writes the visit's day row, then, when the household's first visit was on a later day,
# makes that day's household not new: the rows are locked in the order of their days, before
# any coverage counter. (Few parameters: psycopg caches the parsing of a statement of 50 at
# most.)
_DAY_ROWS_SQL = f"""INSERT INTO {_COLUMNS}
SELECT %s, %s, %s, %s, %s, d.day, d.visits, d.guided, d.households, d.new_households,
       d.assessments
FROM (SELECT MIN(visited_at) AS first,
             COUNT(CASE WHEN visited_at >= %s AND visited_at < %s THEN 1 END) AS same_day
      FROM campaigns_visit WHERE campaign_id = %s AND household_id = %s) seen
CROSS JOIN LATERAL (VALUES
    (%s::date, 1, %s::integer, CASE WHEN seen.same_day = 0 THEN 1 ELSE 0 END,
     CASE WHEN seen.first IS NULL OR seen.first >= %s THEN 1 ELSE 0 END, %s::integer),
    ((seen.first AT TIME ZONE %s)::date, 0, 0, 0, -1, 0)
) AS d (day, visits, guided, households, new_households, assessments)
WHERE d.visits = 1 OR d.day > %s::date
{_ON_CONFLICT}"""


def _day_statements(visit: Visit, household: Household) -> tuple[tuple[str, list], ...]:
    """PostgreSQL: what ``_count_campaign_day`` does, as a statement sent with the visit's
    insert."""
    day = timezone.localdate(visit.visited_at)
    start, end = _day_bounds(day)
    units = [visit.village_id, visit.commune_id, visit.district_id, visit.province_id]
    params = [
        visit.campaign_id,
        *units,
        start,
        end,
        visit.campaign_id,
        household.pk,
        day,
        int(visit.outcome == Outcome.GUIDED),
        end,
        visit.assessments,
        timezone.get_current_timezone_name(),
        day,
    ]
    return ((_DAY_ROWS_SQL, params),)


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
    """A check after the household's lookup refused the visit (carries the refusal)."""

    def __init__(self, refused: DomainError | ValidationError):
        super().__init__(str(refused))
        self.refused = refused


def visit_submit(*, actor, payload: VisitIn | dict) -> tuple[Visit, bool]:
    """Record a visit the field app sends (validated, or as sent: it is validated here after
    the role check); returns (visit, created). Raises ``Refused`` (403), ``NotFound`` (404),
    ``Conflict`` (409), ``BadRequest`` (400) or ``ValidationError`` (422).

    The first statement of the transaction reads and locks the household, and tells whether
    the UUID is stored already: a resend then ends the transaction with nothing written (a
    rollback would cost the connection its prepared statements: psycopg drops them all) and is
    answered from the stored visit. Two sends of one UUID at once: the second waits for the
    household and reads it again (``visit_lookup``), and should it still miss the first, the
    primary key of its insert tells it apart (IntegrityError). A resend refused by a check is
    answered as stored too. Visits to one household are written one after another (exact coverage and
    daily counters)."""
    if not roles.has_role(actor, VISIT_ROLES):
        raise Refused(_("Vai trò của bạn không được ghi nhận lượt đến hộ."))
    if not isinstance(payload, VisitIn):
        payload = VisitIn.from_payload(payload)
    data = payload.canonical()
    digest = payload_hash(data)
    try:
        with transaction.atomic():
            written = _visit_write(actor, data, digest)
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
    if written is None:  # a resend: nothing was written, and nothing rolled back
        # (Stored when the household was read; gone since, it is stored as new.)
        return _stored(data["id"], digest) or visit_submit(actor=actor, payload=payload)
    visit, household, covered = written
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


def _visit_write(actor, data: dict, digest: str) -> tuple[Visit, Household, bool] | None:
    """The checks and the writes of ``visit_submit``, in its transaction; returns the visit, its
    household and the household's covered flag after it, or None when the visit's UUID is
    stored already (a resend: the transaction then ends with nothing written, not with a
    rollback, which would also cost the connection its prepared statements)."""
    household = household_for_visit(actor, data, lock=True)
    if household.stored_hash is not None:
        return None
    visited_at = parse_datetime(data["visited_at"])
    try:
        campaign = _campaign_for(data, household, timezone.localdate(visited_at))
        skills = _check_catalogs(data, household)
        residents = _check_assessments(data, household, skills)
    except (DomainError, ValidationError) as exc:
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
    days = ()
    if campaign is not None and connection.vendor == "postgresql":
        days = _day_statements(visit, household)  # the campaign's day rows, same statement
    row = rows_insert([visit], [entry], then=days, query=counters)
    covered = household.covered
    if data["assessments"]:
        covered = _assessments_write(actor, data, visit, household, residents, skills, row)
    if campaign is not None and not days:
        _count_campaign_day(visit, household)
    return visit, household, covered


def _assessments_write(actor, data, visit, household, residents, skills, row) -> bool:
    """The visit's assessments, moving the residents' levels and the counters (``row``: the
    household's counters before them); returns whether the household is covered after."""
    from cdtt.registry.assessments import Observation, observations_write

    after: dict = {}
    observations_write(
        actor=actor,
        observations=[
            Observation(residents[a["resident_id"]], a["skill"], a["level"], tuple(a["checklist"]))
            for a in data["assessments"]
        ],
        method="home_visit",
        assessed_at=visit.visited_at,
        assessor_name=str(actor)[:120],
        visit_id=visit.pk,
        skills=skills,
        audit=False,
        household=after,
        locked_village_id=household.village_id,
        before=rollups.counters_from(row),
    )
    return after["covered"]
