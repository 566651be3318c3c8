"""The household of a submitted visit, and the village of a worklist, each read in one
statement with everything that follows needs.

``household_for_visit`` reads the household, its village, the member's team serving that
village, and (as JSON arrays) the household's current residents, the catalog entries the visit
names and the campaign it names, and whether a visit is stored under the payload's UUID; with
``lock`` it also locks the household's row. A household
outside the actor's field villages is answered exactly like an unknown one (``NotFound``).
``worklist_village`` reads a village by its code with its commune, whether it is one of the
user's field villages, and the active skills the worklist lists.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.db import connection
from django.utils.translation import gettext as _

from cdtt.campaigns.models import Visit
from cdtt.core.access import scope_path
from cdtt.core.errors import NotFound
from cdtt.geo.models import AdminUnit
from cdtt.lib.rows import pg_array
from cdtt.registry.models import Household


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
           {campaign},
           {stored}{plans}
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
# The content's hash of a visit already stored under the submitted UUID (a resend).
_STORED_SQL = "(SELECT sv.payload_hash FROM campaigns_visit sv WHERE sv.id = %s)"


# PostgreSQL: the statements that follow in the visit's transaction are planned once a
# connection (a generic plan), not at every run. The server keeps planning a prepared statement
# anew whenever its plan for the values at hand looks cheaper than one for any values: for the
# assessments' statement, whose arrays it then counts, that is always, and the planning cost it
# more than the run (about 1 ms of the server's CPU an assessed visit). Their plans are index
# lookups by key whatever the values. Set for the transaction only (``is_local``; for the outer
# one, when a caller runs the visit inside its own).
_GENERIC_PLANS = ",\n           set_config('plan_cache_mode', 'force_generic_plan', true)"


def _household_sql(data: dict) -> tuple[str, list]:
    """The statement of ``household_for_visit`` and the parameters that come before the
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
            match, values = "code = ANY(%s::text[])", [pg_array(list(codes))]
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
    stored = "NULL"
    if data.get("id"):
        stored = _STORED_SQL
        params.append(Visit._meta.pk.get_db_prep_value(data["id"], connection))
    sql = _HOUSEHOLD_SQL.format(
        household=", ".join(f"h.{f}" for f in _HOUSEHOLD_FIELDS),
        village=", ".join(f"v.{f}" for f in _VILLAGE_FIELDS),
        residents=residents,
        catalog=catalog,
        campaign=campaign,
        stored=stored,
        plans=_GENERIC_PLANS if connection.vendor == "postgresql" else "",
    )
    return sql, params


def _json_rows(value) -> list:
    """A JSON aggregate as read back: parsed already (PostgreSQL), text (SQLite), or NULL."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


# The household's row locked, nothing else read: to wait for another writer's transaction.
_LOCK_SQL = """SELECT 1 FROM registry_household h JOIN geo_adminunit c ON c.id = h.commune_id
    WHERE c.code = %s AND h.code = %s FOR UPDATE OF h"""


def _household_row(sql: str, params: list, ref: dict, lock: bool) -> tuple | None:
    """The row of the household's statement; with ``lock``, the household's row locked by it.

    On PostgreSQL the statement skips a household another transaction holds (another visit to
    it, the same visit sent twice at once): its values, read before the wait, would not show
    what that transaction wrote. Then the lock is awaited alone and the household read again by
    a statement begun after it, which sees it all (a resend of this very visit among it)."""
    features = connection.features
    params = [*params, ref["commune_code"], ref["code"]]
    wait_apart = (
        lock and features.has_select_for_update_of and features.has_select_for_update_skip_locked
    )
    if lock and features.has_select_for_update_of:
        sql += " FOR UPDATE OF h"
    with connection.cursor() as cursor:
        cursor.execute(sql + (" SKIP LOCKED" if wait_apart else ""), params)
        row = cursor.fetchone()
        if row is None and wait_apart:
            cursor.execute(_LOCK_SQL, params[-2:])
            if cursor.fetchone() is not None:
                cursor.execute(sql, params)
                row = cursor.fetchone()
    return row


def household_for_visit(user, data: dict, *, lock: bool = False) -> Household:
    """The household of the visit, if it lies in one of the user's field villages, with
    ``team_id`` set to the user's team serving its village (or None), and the rows the checks
    of the visit need (``resident_rows``, ``catalog_rows``, ``campaign_row``), and the content
    hash of a visit stored already under the payload's ``id`` (``stored_hash``, or None: a
    resend is known before anything is written). One query; the village check is the
    one of ``cdtt.teams.selectors.field_villages``: a user with a Person works in the villages
    of their active teams (exactly those where such a team exists), a user without one in the
    villages under their scope unit. ``lock``: the household's row is locked (inside the
    caller's transaction) by this very read."""
    from cdtt.geo.models import Level

    missing = NotFound(_("Không tìm thấy hộ gia đình trong địa bàn của bạn."))
    if not (user and user.is_authenticated and user.is_active):
        raise missing
    sql, params = _household_sql(data)
    ref = data["household"]
    row = _household_row(sql, [user.pk, user.pk, *params], ref, lock)
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
    household.stored_hash = row[m + 5]
    return household


_UNIT_FIELDS = [f.attname for f in AdminUnit._meta.concrete_fields]
# The villages of the code (a code names a unit only with its structure) with their communes,
# whether the user has a Person, whether one of the user's active teams serves the village,
# and the active skills (position, id, code), in the order of ``field_villages``.
_VILLAGE_SQL = """
    SELECT {village}, {commune},
           EXISTS (SELECT 1 FROM teams_person p WHERE p.user_id = %s),
           EXISTS (SELECT 1 FROM teams_membership m
                     JOIN teams_person p ON p.id = m.person_id
                     JOIN teams_team t ON t.id = m.team_id
                     JOIN teams_team_villages tv ON tv.team_id = m.team_id
                    WHERE p.user_id = %s AND m.left_on IS NULL AND t.dissolved_on IS NULL
                      AND tv.adminunit_id = v.id),
           (SELECT {agg}({arr}(s.position, s.id, s.code)) FROM skills_skill s WHERE s.active)
    FROM geo_adminunit v
    LEFT JOIN geo_adminunit c ON c.id = v.commune_id
    WHERE v.code = %s AND v.level = %s
    ORDER BY v.path
"""


@lru_cache(maxsize=2)
def _village_sql(vendor: str) -> str:
    agg, arr = _JSON[vendor]
    return _VILLAGE_SQL.format(
        village=", ".join(f"v.{f}" for f in _UNIT_FIELDS),
        commune=", ".join(f"c.{f}" for f in _UNIT_FIELDS),
        agg=agg,
        arr=arr,
    )


def worklist_village(user, code: str) -> tuple[AdminUnit | None, list[str]]:
    """The village of this code among ``field_villages(user)`` with its commune (or None), and
    the codes of the active skills in their order; one statement. The rule is the selector's:
    a user with a Person works in the villages of their active teams, a user without one in
    the current villages under their scope unit."""
    from cdtt.geo.models import Level

    if not (user and user.is_authenticated and user.is_active):
        return None, []
    with connection.cursor() as cursor:
        cursor.execute(
            _village_sql(connection.vendor), [user.pk, user.pk, code, Level.VILLAGE.value]
        )
        rows = cursor.fetchall()
    path, n = scope_path(user), len(_UNIT_FIELDS)
    for row in rows:
        village = AdminUnit.from_db(connection.alias, _UNIT_FIELDS, row[:n])
        has_person, served = bool(row[2 * n]), bool(row[2 * n + 1])
        if has_person:
            allowed = served
        else:
            allowed = path is not None and village.path.startswith(path) and village.is_active
        if allowed:
            if village.commune_id is not None:
                village.commune = AdminUnit.from_db(connection.alias, _UNIT_FIELDS, row[n : 2 * n])
            skills = sorted(_json_rows(row[2 * n + 2]))
            return village, [skill_code for _position, _id, skill_code in skills]
    return None, []
