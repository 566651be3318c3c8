"""Skill assessments: what a resident was observed to know, written with the roll-ups it moves.

An assessment moves, in one transaction: the resident's current level in the skill (if it is
the latest), the resident's proficient flag, the household's covered flag and the village's
counters (see cdtt.registry.rollups). The catalog it refers to belongs to cdtt.skills.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.lib.rows import pg_array, rows_insert
from cdtt.lib.text import clean
from cdtt.registry.rollups import household_after_query, household_change, level_columns
from cdtt.skills.models import SKILL_CODES, ChecklistItem, Level, Method, Skill, SkillAssessment


@dataclass(frozen=True)
class Observation:
    """One skill observed in one resident, for ``assessments_record``."""

    resident: Any
    skill_code: str
    level: int
    checklist: tuple[int, ...] = ()


@transaction.atomic
def assessment_record(
    *,
    actor,
    resident,
    skill_code: str,
    level: int,
    method: str,
    assessed_at: dt.datetime | None = None,
    checklist: list[int] | None = None,
    assessor_name: str = "",
    visit_id: uuid.UUID | None = None,
) -> SkillAssessment:
    """Record one observation of a resident's level in a skill."""
    (assessment,) = assessments_record(
        actor=actor,
        observations=[Observation(resident, skill_code, level, tuple(checklist or ()))],
        method=method,
        assessed_at=assessed_at,
        assessor_name=assessor_name,
        visit_id=visit_id,
    )
    return assessment


def _observed_at(assessed_at: dt.datetime | None) -> dt.datetime:
    assessed_at = assessed_at or timezone.now()
    if timezone.is_naive(assessed_at):
        assessed_at = timezone.make_aware(assessed_at)
    if assessed_at > timezone.now() + dt.timedelta(minutes=10):
        raise ValidationError(_("Thời điểm đánh giá ở tương lai."))
    return assessed_at


def _check_observations(observations: list[Observation], method: str) -> dict[str, Skill]:
    codes = {o.skill_code for o in observations}
    skills = {s.code: s for s in Skill.objects.filter(code__in=codes)}
    for code in sorted(codes - set(skills)):
        raise ValidationError(_("Không có kỹ năng mã “%(c)s”.") % {"c": code})
    if any(o.level not in Level.values for o in observations):
        raise ValidationError(_("Mức kỹ năng phải là 0, 1 hoặc 2."))
    if method not in Method.values:
        raise ValidationError(_("Hình thức đánh giá không hợp lệ."))
    wanted = {(skills[o.skill_code].pk, int(i)) for o in observations for i in o.checklist}
    if wanted:
        known = set(
            ChecklistItem.objects.filter(
                skill_id__in={sid for sid, _i in wanted}, pk__in={i for _s, i in wanted}
            ).values_list("skill_id", "pk")
        )
        if wanted - known:
            raise ValidationError(_("Có việc quan sát không thuộc kỹ năng này."))
    return skills


@transaction.atomic
def assessments_record(
    *,
    actor,
    observations: list[Observation],
    method: str,
    assessed_at: dt.datetime | None = None,
    assessor_name: str = "",
    visit_id: uuid.UUID | None = None,
) -> list[SkillAssessment]:
    """Record what was observed in the residents of one household at one time (a visit, a
    lesson): the assessments, the residents' current levels where these are the latest, their
    proficient flags, the household's covered flag and the village's counters, all at once."""
    return observations_write(
        actor=actor,
        observations=observations,
        method=method,
        assessed_at=assessed_at,
        assessor_name=assessor_name,
        visit_id=visit_id,
    )


def observations_write(
    *,
    actor,
    observations: list[Observation],
    method: str,
    assessed_at: dt.datetime | None = None,
    assessor_name: str = "",
    visit_id: uuid.UUID | None = None,
    skills: dict[str, Skill] | None = None,
    audit: bool = True,
    household: dict | None = None,
    locked_village_id: int | None = None,
    before: dict | None = None,
) -> list[SkillAssessment]:
    """The body of ``assessments_record``, for callers already inside a transaction: ``skills``
    (code -> Skill, checked by the caller, checklists included) spares the catalog checks, and
    ``audit=False`` leaves the audit entry to the caller (a visit names its assessments in its
    own entry); ``household``, a dict, gets the household's ``covered`` flag after the write;
    ``locked_village_id`` and ``before``: the caller locked the household already, and may have
    read its counters since (see household_change). On PostgreSQL two statements (see
    ``_assessments_insert``)."""
    assert transaction.get_connection().in_atomic_block, "observations_write needs a transaction"
    if not observations:
        return []
    households = {o.resident.household_id for o in observations}
    if len(households) != 1:
        raise ValueError("observations of one household at a time")
    if skills is None:
        skills = _check_observations(observations, method)
    assessed_at = _observed_at(assessed_at)
    assessor = actor if getattr(actor, "pk", None) else None
    name = clean(assessor_name)[:120] or (str(actor) if assessor else "")
    household_id = households.pop()
    together = connection.vendor == "postgresql"
    with household_change(
        household_id, locked_village_id=locked_village_id, before=before, rows_from_block=together
    ) as state:
        assessments = [
            SkillAssessment(
                resident_id=o.resident.pk,
                skill=skills[o.skill_code],
                level=o.level,
                method=method,
                assessor=assessor,
                assessor_name=name,
                assessed_at=assessed_at,
                checklist=sorted({int(i) for i in o.checklist}),
                visit_id=visit_id,
            )
            for o in observations
        ]
        _assessments_insert(assessments, observations, skills, household_id, state, together)
    for o in observations:  # flags recomputed by household_change
        o.resident.proficient = state["proficient"].get(o.resident.pk, o.resident.proficient)
    if household is not None:
        household.update(state)
    if audit:
        _observations_audit(actor, observations, assessments, skills)
    return assessments


def _assessments_insert(
    assessments: list[SkillAssessment],
    observations: list[Observation],
    skills: dict[str, Skill],
    household_id: int,
    state: dict,
    together: bool,
) -> None:
    """Insert the assessments and move the residents' levels; ``together`` (PostgreSQL): in one
    statement that also reads the household before and after them, its rows left in ``state``
    for ``household_change``, which then writes the flags and counters by a second one."""
    if not together:
        levels, params = _levels_update(observations, skills, assessments[0].assessed_at)
        rows_insert(assessments, then=((levels, params),))
        return
    levels, params = _levels_arrays(observations, skills, assessments[0].assessed_at)
    state["rows"] = rows_insert(
        assessments,
        then=((f"{levels} RETURNING id, {level_columns()}", params, "new_levels"),),
        query=household_after_query(household_id, "new_levels"),
        many=True,
    )


def _observations_audit(
    actor,
    observations: list[Observation],
    assessments: list[SkillAssessment],
    skills: dict[str, Skill],
) -> None:
    """The audit entry of one household's assessments: who was assessed in what, at what level."""
    first = observations[0]
    audit_record(
        actor=actor,
        action="assessment.record",
        obj=assessments[0],
        unit=first.resident.village,
        summary="; ".join(
            f"{o.resident.full_name}: {skills[o.skill_code].name} — {Level(o.level).label}"
            for o in observations
        )[:300],
        changes={"assessments": [a.pk for a in assessments]} if len(assessments) > 1 else {},
    )


def _latest(observations: list[Observation]) -> dict[int, dict[str, int]]:
    """resident id -> {skill code: level}: the last observation of each skill of each resident."""
    latest: dict[int, dict[str, int]] = {}
    for o in observations:
        latest.setdefault(o.resident.pk, {})[o.skill_code] = o.level
    return latest


# Not observed, in ``_levels_arrays``' arrays (a level is 0, 1 or 2): the arrays keep one type.
_UNSEEN = -1


def _levels_arrays(
    observations: list[Observation], skills: dict[str, Skill], assessed_at: dt.datetime
) -> tuple[str, list]:
    """PostgreSQL: ``_levels_update`` as a statement of one shape whatever the observations:
    the residents and the level observed in each skill (``_UNSEEN`` where none was) as arrays,
    every level column set (to itself where nothing was observed, or where a later assessment
    of the skill is stored: all of a resident's later ones read by one index scan). Prepared
    once a connection and planned once, where the statement of ``_levels_update`` has a shape
    for each set of skills and residents, parsed and planned anew each time (the costliest part
    of an assessed visit for the server). The later assessments are an aggregate of a lateral
    subquery, not ``EXISTS``: a plan made for any values would scan the whole table to hash
    the ``EXISTS``."""
    latest = _latest(observations)
    ids = sorted(latest)
    at = transaction.get_connection().ops.adapt_datetimefield_value(assessed_at)
    sets = [
        f"level_{c} = CASE WHEN o.l_{c} = {_UNSEEN} OR later.s_{c} THEN r.level_{c} "
        f"ELSE o.l_{c} END"
        for c in SKILL_CODES
    ]
    # A skill not observed matches no assessment (ids start at 1).
    skill_ids = [skills[c].pk if c in skills else 0 for c in SKILL_CODES]
    later = ", ".join(f"COALESCE(bool_or(a.skill_id = %s), FALSE) AS s_{c}" for c in SKILL_CODES)
    arrays = [[latest[i].get(c, _UNSEEN) for i in ids] for c in SKILL_CODES]
    sql = (
        f"UPDATE registry_resident r SET {', '.join(sets)} FROM unnest(%s::bigint[], "
        + ", ".join(["%s::smallint[]"] * len(SKILL_CODES))
        + f") AS o(rid, {', '.join(f'l_{c}' for c in SKILL_CODES)}) "
        f"CROSS JOIN LATERAL (SELECT {later} FROM skills_skillassessment a "
        "WHERE a.resident_id = o.rid AND a.assessed_at > %s) later "
        "WHERE r.id = o.rid AND NOT EXISTS (SELECT 1 FROM registry_populationimport i "
        "WHERE i.id = r.levels_import_id AND i.created_at > %s)"
    )
    return sql, [pg_array(ids), *map(pg_array, arrays), *skill_ids, at, at]


def _levels_update(
    observations: list[Observation], skills: dict[str, Skill], assessed_at: dt.datetime
) -> tuple[str, list]:
    """The statement by which each observed resident takes the levels observed, skill by skill,
    unless a later statement about that level is stored: a later assessment of the skill, or a
    later population file that set the resident's levels (ties: the later record wins, as in
    rollups_rebuild). An offline visit synced late thus never overrides what came after it."""
    latest = _latest(observations)
    connection = transaction.get_connection()
    at = connection.ops.adapt_datetimefield_value(assessed_at)
    sets, params = [], []
    for code in sorted({code for levels in latest.values() for code in levels}):
        whens, values = [], []
        for resident_id, levels in sorted(latest.items()):
            if code in levels:
                whens.append("WHEN %s THEN %s")
                values += [resident_id, levels[code]]
        column = f"level_{code}"
        sets.append(
            f"{column} = CASE WHEN EXISTS (SELECT 1 FROM skills_skillassessment a "
            "WHERE a.resident_id = registry_resident.id AND a.skill_id = %s "
            f"AND a.assessed_at > %s) THEN {column} ELSE CASE id {' '.join(whens)} "
            f"ELSE {column} END END"
        )
        params += [skills[code].pk, at, *values]
    ids = sorted(latest)
    sql = (
        f"UPDATE registry_resident SET {', '.join(sets)} "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))}) AND NOT EXISTS (SELECT 1 FROM "
        "registry_populationimport i WHERE i.id = levels_import_id AND i.created_at > %s)"
    )
    return sql, [*params, *ids, at]
