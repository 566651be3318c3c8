"""Roll-ups of coverage: kept exact by each write, checked and rebuilt from scratch here.

Layers, each derived from the one below:
  SkillAssessment -> Resident.level_<skill> (level of the latest assessment, ties broken by id,
                     unless the population file that last set the resident's levels is later:
                     then the file's level, which only the file itself records)
  Resident levels -> Resident.proficient (every active skill at level 2; no active skill: False)
  Resident        -> Household.covered (a current resident is proficient)
  Resident        -> VillageCoverage counters, counting only current residents:
      households  households with at least one current resident
      covered     households with at least one current proficient resident
      residents   current residents;  proficient  those proficient in every active skill
      p_<skill>   current residents whose level in that skill is 2

Writes change one household at a time: ``household_change`` locks the household, measures its
contribution to the counters before and after the block, and moves the village row by the
difference with F() updates, so that concurrent writes in one village add up exactly.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from cdtt.geo.models import AdminUnit
from cdtt.geo.models import Level as UnitLevel
from cdtt.lib.rows import pg_array, rows_insert
from cdtt.registry.models import (
    CoverageSnapshot,
    Household,
    Resident,
    ResidentStatus,
    VillageCoverage,
)
from cdtt.skills.models import SKILL_CODES, Level

COUNTERS = ["households", "covered", "residents", "proficient", *[f"p_{c}" for c in SKILL_CODES]]
CURRENT = ResidentStatus.CURRENT.value


def zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


# --- incremental: one household at a time -------------------------------------------------


# One row: how many of the five skills are active, and whether each is (a_<code> 1 or 0).
ACTIVE_SKILLS = (
    "(SELECT COUNT(*) AS n, "
    + ", ".join(f"MAX(CASE WHEN code = '{c}' THEN 1 ELSE 0 END) AS a_{c}" for c in SKILL_CODES)
    + f" FROM skills_skill WHERE active AND code IN ({', '.join(repr(c) for c in SKILL_CODES)}))"
)
PROFICIENT = int(Level.PROFICIENT)


def proficient_sql(resident: str = "r", active: str = "act") -> str:
    """Whether a resident is proficient in every active skill (none active: no), given the row
    of ACTIVE_SKILLS joined as ``active``."""
    every = " AND ".join(
        f"({active}.a_{c} = 0 OR {resident}.level_{c} = {PROFICIENT})" for c in SKILL_CODES
    )
    return f"({active}.n > 0 AND {every})"


def _mastered(code: str, resident: str = "r") -> str:
    return f"CASE WHEN {resident}.level_{code} = {PROFICIENT} THEN 1 ELSE 0 END"


# One statement: what the household's current residents add to the counters.
_COUNTERS_SQL = f"""
    SELECT COUNT(*), SUM(CASE WHEN r.proficient THEN 1 ELSE 0 END),
           {", ".join(f"SUM({_mastered(c)})" for c in SKILL_CODES)}
    FROM registry_resident r
    WHERE r.household_id = %s AND r.status = '{CURRENT}'
"""
# The household's village and covered flag, and each resident with whether they still live
# there, their stored flag, whether they are proficient and the skills they master: the state
# after a change, from the levels themselves (the flags are fixed from it, those of residents
# who left included: an assessment may reach them), in one statement.
_AFTER_SQL = f"""
    SELECT h.village_id, h.covered, r.id, r.status = '{CURRENT}', r.proficient,
           CASE WHEN {proficient_sql()} THEN 1 ELSE 0 END,
           {", ".join(_mastered(c) for c in SKILL_CODES)}
    FROM registry_household h
    CROSS JOIN {ACTIVE_SKILLS} act
    LEFT JOIN registry_resident r ON r.household_id = h.id
    WHERE h.id = %s
"""


def counters_from(row) -> dict[str, int]:
    counts = zero()
    residents, proficient, *per_skill = (int(v or 0) for v in row)
    if not residents:
        return counts
    counts["households"] = 1
    counts["residents"] = residents
    counts["proficient"] = proficient
    counts["covered"] = 1 if proficient else 0
    for code, n in zip(SKILL_CODES, per_skill, strict=True):
        counts[f"p_{code}"] = n
    return counts


def household_counters(household_id: int) -> dict[str, int]:
    """What one household adds to its village's counters (one query)."""
    with connection.cursor() as cur:
        cur.execute(*household_counters_query(household_id))
        return counters_from(cur.fetchone())


def household_counters_query(household_id: int) -> tuple[str, list]:
    """The query of ``household_counters`` (its row goes to ``counters_from``), for a caller
    that sends it along with its own writes."""
    return _COUNTERS_SQL, [household_id]


def _household_after(
    household_id: int,
) -> tuple[int, bool, dict[str, int], dict[int, bool], dict[bool, list[int]]]:
    """(village id, stored covered flag, counters, {resident id: proficient}, {flag: ids of
    the residents whose stored flag is wrong}) of a household from its residents' levels, in
    one query (those who left too have their flags fixed; only current residents count)."""
    with connection.cursor() as cur:
        cur.execute(_AFTER_SQL, [household_id])
        return _after_from(cur.fetchall())


def _after_from(
    rows: list[tuple],
) -> tuple[int, bool, dict[str, int], dict[int, bool], dict[bool, list[int]]]:
    """What ``_household_after`` returns, from the rows of ``_AFTER_SQL`` (or of
    ``household_after_query``, whose last columns it leaves)."""
    counts, flags = zero(), {}
    changed: dict[bool, list[int]] = {True: [], False: []}
    for _village, _covered, rid, current, stored, proficient, *skills in rows:
        if rid is None:  # no resident
            continue
        value = bool(proficient)
        flags[rid] = value
        if value != bool(stored):
            changed[value].append(rid)
        if not current:
            continue
        counts["residents"] += 1
        counts["proficient"] += value
        for code, n in zip(SKILL_CODES, skills, strict=False):
            counts[f"p_{code}"] += 1 if n else 0
    if counts["residents"]:
        counts["households"] = 1
        counts["covered"] = 1 if counts["proficient"] else 0
    return rows[0][0], bool(rows[0][1]), counts, flags, changed


def _before_from(rows: list[tuple]) -> dict[str, int]:
    """What the household added to its village's counters before the statement that read
    ``rows`` (``household_after_query``): as ``household_counters`` reads them."""
    counts = zero()
    n = len(SKILL_CODES)
    for _village, _covered, rid, current, stored, _proficient, *skills in rows:
        if rid is None or not current:
            continue
        counts["residents"] += 1
        counts["proficient"] += 1 if stored else 0
        for code, was in zip(SKILL_CODES, skills[n:], strict=True):
            counts[f"p_{code}"] += 1 if was else 0
    if counts["residents"]:
        counts["households"] = 1
        counts["covered"] = 1 if counts["proficient"] else 0
    return counts


def level_columns() -> str:
    """The residents' level columns, for a ``RETURNING`` that ``household_after_query`` reads."""
    return ", ".join(f"level_{c}" for c in SKILL_CODES)


def household_after_query(household_id: int, levels: str) -> tuple[str, list]:
    """PostgreSQL: ``_AFTER_SQL`` for a statement that also changes the household's residents'
    levels, by a clause named ``levels`` that returns ``id`` and ``level_columns()`` of the
    residents it changed (the statement's own reads see the rows as they were before it). Each
    row also tells the skills the resident mastered before, from which ``household_change``
    takes the counters before the change: the household's state before and after in the same
    round trip as the writes."""
    new = {c: f"COALESCE(n.level_{c}, r.level_{c})" for c in SKILL_CODES}
    every = " AND ".join(f"(act.a_{c} = 0 OR {new[c]} = {PROFICIENT})" for c in SKILL_CODES)
    after = ", ".join(f"CASE WHEN {new[c]} = {PROFICIENT} THEN 1 ELSE 0 END" for c in SKILL_CODES)
    sql = f"""
    SELECT h.village_id, h.covered, r.id, r.status = '{CURRENT}', r.proficient,
           CASE WHEN act.n > 0 AND {every} THEN 1 ELSE 0 END,
           {after},
           {", ".join(_mastered(c) for c in SKILL_CODES)}
    FROM registry_household h
    CROSS JOIN {ACTIVE_SKILLS} act
    LEFT JOIN registry_resident r ON r.household_id = h.id
    LEFT JOIN {levels} n ON n.id = r.id
    WHERE h.id = %s
"""
    return sql, [household_id]


# On PostgreSQL what a change leaves to write, in one statement of fixed shapes (prepared once
# a connection): the residents' flags, the household's covered flag, the village's counters
# (all of them, a zero moving nothing), the last telling whether the village had its row.
_FLAGS_SQL = (
    "UPDATE registry_resident SET proficient = (id = ANY(%s::bigint[])) "
    "WHERE id = ANY(%s::bigint[])"
)
_COVERED_SQL = "UPDATE registry_household SET covered = %s WHERE id = %s"
_VILLAGE_SQL = (
    "UPDATE registry_villagecoverage SET "
    + ", ".join(f"{c} = {c} + %s" for c in COUNTERS)
    + " WHERE village_id = %s RETURNING 1"
)


def _after_write(household_id, changed, covered, village_id, delta) -> None:
    """Write what a change of one household leaves: the flags ``changed`` ({flag: resident
    ids}), the covered flag (None: unchanged) and the village's ``delta``."""
    moves = any(delta.values())
    if connection.vendor != "postgresql":
        for value, pks in changed.items():
            if pks:
                Resident.objects.filter(pk__in=pks).update(proficient=value)
        if covered is not None:
            Household.objects.filter(pk=household_id).update(covered=covered)
        if moves:
            village_apply(village_id, delta)
        return
    then = []
    if changed[True] or changed[False]:
        flags = [pg_array(changed[True]), pg_array(changed[True] + changed[False])]
        then.append((_FLAGS_SQL, flags))
    if covered is not None:
        then.append((_COVERED_SQL, [covered, household_id]))
    if not then and not moves:
        return
    village = (_VILLAGE_SQL, [*(delta[k] for k in COUNTERS), village_id])
    found = rows_insert(then=tuple(then), query=village if moves else ("SELECT 1", []))
    if moves and found is None:  # the village has no row yet
        village_apply(village_id, delta)


def village_apply(village_id: int, delta: dict[str, int]) -> None:
    """Move a village's counters by ``delta`` (atomic increments; the row is created if new)."""
    delta = {k: v for k, v in delta.items() if v}
    if not delta:
        return
    unknown = set(delta) - set(COUNTERS)
    if unknown:
        raise ValueError(f"not a counter: {', '.join(sorted(unknown))}")
    table = VillageCoverage._meta.db_table
    moves = ", ".join(f"{k} = {k} + %s" for k in delta)  # names from COUNTERS only
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} SET {moves} WHERE village_id = %s", [*delta.values(), village_id]
        )
        if cur.rowcount:
            return
    village = AdminUnit.objects.get(pk=village_id)
    ids = village.ancestor_ids()
    VillageCoverage.objects.bulk_create(
        [
            VillageCoverage(
                village_id=village_id,
                commune_id=ids["commune_id"],
                district_id=ids["district_id"],
                province_id=ids["province_id"],
            )
        ],
        ignore_conflicts=True,  # another transaction created it first: just add to it
    )
    VillageCoverage.objects.filter(village_id=village_id).update(
        **{k: F(k) + v for k, v in delta.items()}
    )


@contextmanager
def household_change(
    household_id: int,
    *,
    locked_village_id: int | None = None,
    before: dict | None = None,
    rows_from_block: bool = False,
) -> Iterator[dict]:
    """Lock a household; after the block, fix its covered flag and move the village counters.

    Must run inside a transaction. A household moved to another village by the block leaves
    its old village's counters and enters the new one's. The proficient flags of its current
    residents are recomputed from their levels after the block (so a block that changes levels
    need not fix them). The dict yielded gets the household's ``covered`` flag and the residents'
    flags ({id: proficient}) once the block is done. A caller that locked the household's row
    already, in this transaction, passes its village as ``locked_village_id``, and may pass the
    household's counters read after that lock as ``before``. With ``rows_from_block`` the
    block's own statement reads the household before and after it (``household_after_query``)
    and leaves its rows in the dict as ``rows``: nothing else is read (the counters before are
    taken from them unless given).
    """
    assert connection.in_atomic_block, "household_change needs a transaction"
    before_village = locked_village_id
    if before_village is None:
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT village_id FROM registry_household WHERE id = %s{lock}", [household_id]
            )
            row = cur.fetchone()
        if row is None:
            raise Household.DoesNotExist(f"household {household_id}")
        before_village = row[0]
    if before is None and not rows_from_block:
        before = household_counters(household_id)
    state: dict = {}
    yield state
    if rows_from_block:
        rows = state.pop("rows")
        before = _before_from(rows) if before is None else before
        after_village, covered, after, flags, changed = _after_from(rows)
    else:
        after_village, covered, after, flags, changed = _household_after(household_id)
    now_covered = bool(after["covered"])
    state["covered"] = now_covered
    state["proficient"] = flags
    covered_change = now_covered if now_covered != covered else None
    if before_village == after_village:
        delta = {k: after[k] - before[k] for k in COUNTERS}
        _after_write(household_id, changed, covered_change, after_village, delta)
    else:
        _after_write(household_id, changed, covered_change, after_village, zero())
        village_apply(before_village, {k: -before[k] for k in COUNTERS})
        village_apply(after_village, after)


# --- from scratch: set-based SQL -----------------------------------------------------------

_LATEST_SQL = """
    SELECT resident_id, skill_id, level, assessed_at FROM (
        SELECT resident_id, skill_id, level, assessed_at,
               ROW_NUMBER() OVER (PARTITION BY resident_id, skill_id
                                  ORDER BY assessed_at DESC, id DESC) AS rn
        FROM skills_skillassessment
    ) latest WHERE rn = 1
"""


def _stored_level(code: str, resident: str = "r") -> str:
    """The stored level of ``resident`` in the skill whose code is the SQL expression ``code``."""
    cases = " ".join(f"WHEN '{c}' THEN {resident}.level_{c}" for c in SKILL_CODES)
    return f"CASE {code} {cases} END"


# (resident, skill code, expected level, stored level) wherever they differ. Where assessments
# speak last (no population file set the resident's levels, or the latest assessment is not
# older than that file) the level is the latest assessment's, or 0 with none; where the file is
# later, its level stands (the file itself is its only record).
_LEVEL_DIFFERENCES_SQL = f"""
    SELECT r.id, s.code, l.level, {_stored_level("s.code")}
    FROM ({_LATEST_SQL}) l
    JOIN skills_skill s ON s.id = l.skill_id
    JOIN registry_resident r ON r.id = l.resident_id
    LEFT JOIN registry_populationimport i ON i.id = r.levels_import_id
    WHERE (i.id IS NULL OR l.assessed_at >= i.created_at)
      AND l.level <> {_stored_level("s.code")}
    UNION ALL
    SELECT r.id, s.code, 0, {_stored_level("s.code")}
    FROM registry_resident r
    JOIN skills_skill s ON s.code IN ({", ".join(repr(c) for c in SKILL_CODES)})
    WHERE r.levels_import_id IS NULL AND {_stored_level("s.code")} <> 0
      AND NOT EXISTS (SELECT 1 FROM skills_skillassessment a
                      WHERE a.resident_id = r.id AND a.skill_id = s.id)
"""

_EXPECTED_PROFICIENT_SQL = f"""
    SELECT r.id AS resident_id,
           CASE WHEN {proficient_sql()} THEN 1 ELSE 0 END AS expected,
           CASE WHEN r.proficient THEN 1 ELSE 0 END AS stored
    FROM registry_resident r
    CROSS JOIN {ACTIVE_SKILLS} act
    {{where}}
"""

_EXPECTED_COVERED_SQL = """
    SELECT h.id,
           CASE WHEN EXISTS (SELECT 1 FROM registry_resident r WHERE r.household_id = h.id
                             AND r.status = 'current' AND r.proficient) THEN 1 ELSE 0 END AS expected,
           CASE WHEN h.covered THEN 1 ELSE 0 END AS stored
    FROM registry_household h
    {where}
"""


_EXPECTED_VILLAGE_SQL = f"""
    SELECT r.village_id,
           COUNT(DISTINCT r.household_id),
           COUNT(DISTINCT CASE WHEN r.proficient THEN r.household_id END),
           COUNT(*),
           SUM(CASE WHEN r.proficient THEN 1 ELSE 0 END),
           {", ".join(f"SUM({_mastered(c)})" for c in SKILL_CODES)}
    FROM registry_resident r
    WHERE r.status = '{CURRENT}' {{where}}
    GROUP BY r.village_id
"""


def expected_village_counters(village_ids: list[int] | None = None) -> dict[int, tuple[int, ...]]:
    """Counters of villages computed from residents (all villages, or the given ones)."""
    params: list = []
    where = ""
    if village_ids is not None:
        if not village_ids:
            return {}
        # Through the villages' households (residents have no index by village).
        where = (
            "AND r.household_id IN (SELECT id FROM registry_household WHERE village_id IN "
            f"({', '.join(['%s'] * len(village_ids))}))"
        )
        params = list(village_ids)
    with connection.cursor() as cur:
        cur.execute(_EXPECTED_VILLAGE_SQL.format(where=where), params)
        return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in cur.fetchall()}


def stored_village_counters(village_ids: list[int] | None = None) -> dict[int, tuple[int, ...]]:
    rows = VillageCoverage.objects.all()
    if village_ids is not None:
        rows = rows.filter(village_id__in=village_ids)
    return {row[0]: tuple(row[1:]) for row in rows.values_list("village_id", *COUNTERS)}


@dataclass(frozen=True)
class Difference:
    what: str  # resident.level, resident.proficient, household.covered, village
    key: str
    stored: object
    expected: object

    def __str__(self) -> str:
        return f"{self.what} {self.key}: stored {self.stored}, expected {self.expected}"


def _fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def rollups_check(limit: int = 1000) -> list[Difference]:
    """Compare every stored roll-up with a recomputation from the layer below; [] when exact."""
    diffs: list[Difference] = []
    for rid, code, expected, stored in _fetch(f"{_LEVEL_DIFFERENCES_SQL} LIMIT {limit}"):
        diffs.append(Difference("resident.level", f"resident {rid} skill {code}", stored, expected))
    for rid, expected, stored in _fetch(
        f"SELECT * FROM ({_EXPECTED_PROFICIENT_SQL.format(where='')}) e WHERE e.expected <> e.stored LIMIT {limit}"
    ):
        if expected != stored:
            diffs.append(
                Difference("resident.proficient", f"resident {rid}", bool(stored), bool(expected))
            )
            if len(diffs) >= limit:
                return diffs
    for hid, expected, stored in _fetch(
        f"SELECT * FROM ({_EXPECTED_COVERED_SQL.format(where='')}) e WHERE e.expected <> e.stored LIMIT {limit}"
    ):
        if expected != stored:
            diffs.append(
                Difference("household.covered", f"household {hid}", bool(stored), bool(expected))
            )
            if len(diffs) >= limit:
                return diffs
    expected = expected_village_counters()
    stored = stored_village_counters()
    empty = (0,) * len(COUNTERS)
    for village_id in sorted(set(expected) | set(stored)):
        e, s = expected.get(village_id, empty), stored.get(village_id, empty)
        if e != s:
            diffs.append(
                Difference(
                    "village",
                    f"village {village_id}",
                    {k: v for k, v in zip(COUNTERS, s, strict=True)},
                    {k: v for k, v in zip(COUNTERS, e, strict=True)},
                )
            )
    return diffs[:limit]


def _execute(sql: str, params=()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


@transaction.atomic
def rollups_rebuild() -> dict[str, int]:
    """Recompute every roll-up from the assessments and residents; returns rows changed."""
    changed: dict[str, int] = {}
    # Levels: set only those that differ.
    fixes: dict[str, list[tuple[int, int]]] = {}
    for rid, code, expected, _stored in _fetch(_LEVEL_DIFFERENCES_SQL):
        fixes.setdefault(code, []).append((expected, rid))
    with connection.cursor() as cur:
        for code, pairs in fixes.items():
            cur.executemany(f"UPDATE registry_resident SET level_{code} = %s WHERE id = %s", pairs)
    changed["resident.level"] = sum(len(p) for p in fixes.values())
    changed["resident.proficient"] = _execute(
        f"""UPDATE registry_resident SET proficient = NOT proficient WHERE id IN (
              SELECT resident_id FROM ({_EXPECTED_PROFICIENT_SQL.format(where="")}) e
              WHERE e.expected <> e.stored)"""
    )
    changed["household.covered"] = _execute(
        f"""UPDATE registry_household SET covered = NOT covered WHERE id IN (
              SELECT id FROM ({_EXPECTED_COVERED_SQL.format(where="")}) e WHERE e.expected <> e.stored)"""
    )
    changed["village"] = villages_recount(None)
    return changed


def flags_refresh(households_sql: str) -> None:
    """Recompute resident.proficient and household.covered for the households the SQL selects."""
    in_households = f"IN ({households_sql})"
    proficient = _EXPECTED_PROFICIENT_SQL.format(where=f"WHERE r.household_id {in_households}")
    _execute(f"""UPDATE registry_resident SET proficient = NOT proficient WHERE id IN (
                   SELECT resident_id FROM ({proficient}) e WHERE e.expected <> e.stored)""")
    covered = _EXPECTED_COVERED_SQL.format(where=f"WHERE h.id {in_households}")
    _execute(f"""UPDATE registry_household SET covered = NOT covered WHERE id IN (
                   SELECT id FROM ({covered}) e WHERE e.expected <> e.stored)""")


def villages_recount(village_ids: list[int] | None) -> int:
    """Set the counters of these villages (None: all) to a recomputation; returns rows changed."""
    if village_ids is not None and len(village_ids) > 5000:
        village_ids = None  # the whole province: one pass over everything is cheaper
    expected = expected_village_counters(village_ids)
    stored = stored_village_counters(village_ids)
    empty = (0,) * len(COUNTERS)
    to_update, to_create = [], []
    missing = [v for v in expected if v not in stored]
    units = {u.pk: u for u in AdminUnit.objects.filter(pk__in=missing)}
    for village_id in set(expected) | set(stored):
        e = expected.get(village_id, empty)
        if village_id in stored:
            if stored[village_id] != e:
                to_update.append(
                    VillageCoverage(village_id=village_id, **dict(zip(COUNTERS, e, strict=True)))
                )
        else:
            ids = units[village_id].ancestor_ids()
            to_create.append(
                VillageCoverage(
                    village_id=village_id,
                    commune_id=ids["commune_id"],
                    district_id=ids["district_id"],
                    province_id=ids["province_id"],
                    **dict(zip(COUNTERS, e, strict=True)),
                )
            )
    if to_update:
        VillageCoverage.objects.bulk_update(to_update, COUNTERS, batch_size=500)
    if to_create:
        VillageCoverage.objects.bulk_create(to_create, batch_size=500)
    return len(to_update) + len(to_create)


@transaction.atomic
def snapshot_take(day) -> int:
    """Copy every village's counters to CoverageSnapshot for ``day`` (replacing that day)."""
    CoverageSnapshot.objects.filter(day=day).delete()
    villages = AdminUnit.objects.filter(level=UnitLevel.VILLAGE).values_list(
        "id", "commune_id", "district_id", "province_id"
    )
    counts = {
        row[0]: row[1:] for row in VillageCoverage.objects.values_list("village_id", *COUNTERS)
    }
    zeros = (0,) * len(COUNTERS)
    rows = [
        CoverageSnapshot(
            village_id=v,
            commune_id=c,
            district_id=d,
            province_id=p,
            day=day,
            **dict(zip(COUNTERS, counts.get(v, zeros), strict=True)),
        )
        for v, c, d, p in villages
    ]
    CoverageSnapshot.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def village_deltas_apply(cur) -> None:
    """Add the temporary table imp_village_delta (village_id and each counter) to the villages'
    counters, creating the rows of villages that had none. The rows are locked already."""
    counters = ", ".join(COUNTERS)
    cur.execute(f"""
        UPDATE registry_villagecoverage
        SET {", ".join(f"{c} = registry_villagecoverage.{c} + d.{c}" for c in COUNTERS)}
        FROM imp_village_delta d WHERE registry_villagecoverage.village_id = d.village_id""")
    cur.execute(f"""
        INSERT INTO registry_villagecoverage (village_id, commune_id, district_id, province_id,
                                              {counters})
        SELECT d.village_id, v.commune_id, v.district_id, v.province_id,
               {", ".join(f"d.{c}" for c in COUNTERS)}
        FROM imp_village_delta d JOIN geo_adminunit v ON v.id = d.village_id
        WHERE NOT EXISTS (SELECT 1 FROM registry_villagecoverage vc
                          WHERE vc.village_id = d.village_id)""")
