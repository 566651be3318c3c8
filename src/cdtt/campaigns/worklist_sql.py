"""The worklist's households written as JSON text by PostgreSQL, in one statement.

The document is the one ``selectors.worklist_json`` writes in Python (same keys, same order,
same compact separators, same escaping): the households of a village, uncovered first and
fewest skills lacking first, each with its current residents (head first, then the eldest),
their levels and what they lack, and the household's visits. Written by the server, a village
of 250 households and 900 residents costs one round trip and one value instead of three
queries, a thousand rows turned into Python objects and a thousand strings formatted.

A resident's levels and lacks are not written resident by resident: every combination of
levels 0, 1 and 2 (3⁵ = 243 for five skills) is written once, here, in Python, as a constant
table the statement joins each resident to by the combination's key (a hash join: constant
arrays indexed by the key cost more, as an array of text is walked to its element). A level
outside 0–2 (none is stored today) falls back to the same text built from the columns.

The statement depends only on the active skills: it is built once per list of codes, and its
text stays the same for every village, so psycopg prepares it once a connection.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache
from json.encoder import encode_basestring

from django.db import connection
from psycopg.pq import Format

from cdtt.campaigns.models import Visit
from cdtt.registry.models import LEVEL_FIELDS, Household, Resident, ResidentStatus
from cdtt.skills.models import Level as SkillLevel

_CODE = re.compile(r"^[a-z_][a-z0-9_]*$")
LEVELS = tuple(range(max(SkillLevel.values) + 1))  # each combination's levels: 0, 1, 2
PROFICIENT = int(SkillLevel.PROFICIENT)  # a level below it is lacking


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _literal(text: str) -> str:
    """Text quoted as an SQL string constant."""
    return "'" + text.replace("'", "''") + "'"


def _columns(codes: tuple[str, ...]) -> list[str]:
    return [Resident._meta.get_field(LEVEL_FIELDS[c]).column for c in codes]


def _combinations(codes: tuple[str, ...]) -> str:
    """A constant table ``c(k, n, lacks, tail)``: for each combination of levels, in
    ``itertools.product`` order (``k`` from 1), the number of skills lacking, the lacks (the
    codes quoted, joined by commas) and the end of a resident's text (its levels, its lacks,
    the closing brace)."""
    rows = []
    for k, levels in enumerate(itertools.product(LEVELS, repeat=len(codes)), start=1):
        missing = [c for c, level in zip(codes, levels, strict=True) if level < PROFICIENT]
        tail = ',"levels":' + _dumps(dict(zip(codes, levels, strict=True)))
        tail += ',"lacks":' + _dumps(missing) + "}"
        lacks = _literal(_dumps(missing)[1:-1])
        rows.append(f"({k},{len(missing)},{lacks},{_literal(tail)})")
    return f"(VALUES {','.join(rows)}) AS c(k, n, lacks, tail)"


def _combination_index(codes: tuple[str, ...]) -> str:
    """SQL over a resident ``r``: the key ``k`` of its combination of levels in
    ``_combinations``; NULL when a level is outside 0–2 (the columns are unsigned)."""
    if not codes:
        return "1"
    columns = [f"r.{c}" for c in _columns(codes)]
    base = len(LEVELS)
    weights = [base ** (len(columns) - 1 - i) for i in range(len(columns))]
    index = " + ".join(f"{c} * {w}" for c, w in zip(columns, weights, strict=True))
    return f"CASE WHEN greatest({', '.join(columns)}) < {base} THEN {index} + 1 END"


def _built(codes: tuple[str, ...]) -> tuple[str, str, str]:
    """The same three values built from a resident ``r``'s columns, whatever its levels."""
    if not codes:
        return "0", "''", """',"levels":{},"lacks":[]}'"""
    pairs = list(zip(codes, _columns(codes), strict=True))
    # ',"levels":{"a":' || r.level_a || ',"b":' || r.level_b ... || '},"lacks":[' ...
    starts = [',"levels":{'] + [","] * (len(pairs) - 1)
    levels = " || ".join(
        f"{_literal(start + _dumps(c) + ':')} || r.{col}"
        for start, (c, col) in zip(starts, pairs, strict=True)
    )
    lacks = ", ".join(
        f"CASE WHEN r.{col} < {PROFICIENT} THEN {_literal(_dumps(c))} END" for c, col in pairs
    )
    lacks = f"concat_ws(',', {lacks})"
    count = " + ".join(f"(r.{col} < {PROFICIENT})::int" for _c, col in pairs)
    return f"({count})", lacks, f"""{levels} || '}},"lacks":[' || {lacks} || ']}}'"""


def _visited_at() -> str:
    """``v.last`` as Python's ``datetime.isoformat()`` writes an aware UTC time."""
    utc = "(v.last AT TIME ZONE 'UTC')"
    return (
        f"""'"' || to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') """
        f"|| CASE WHEN mod(date_part('microseconds', v.last)::bigint, 1000000) <> 0 "
        f"""THEN to_char({utc}, '.US') ELSE '' END || '+00:00"'"""
    )


def _residents(codes: tuple[str, ...]) -> str:
    """The part of the statement that writes each current resident's text (``d``)."""
    count_built, lacks_built, tail_built = _built(codes)
    levels = "".join(f", r.{c}" for c in _columns(codes))
    return f"""r AS (
    SELECT r.household_id, r.id, r.birth_year, r.full_name, r.relation{levels},
           CASE WHEN r.relation = %s THEN 0 ELSE 1 END AS head,
           {_combination_index(codes)} AS k
    FROM h JOIN {Resident._meta.db_table} r ON r.household_id = h.id
    WHERE r.status = %s
), d AS (
    SELECT r.household_id, r.id, r.birth_year, r.head,
           coalesce(c.n, {count_built}) AS n,
           coalesce(c.lacks, {lacks_built}) AS lacks,
           '{{"id":' || r.id || ',"full_name":' || to_json(r.full_name)::text
           || ',"birth_year":' || coalesce(r.birth_year::text, 'null')
           || ',"relation":' || to_json(r.relation)::text
           || coalesce(c.tail, {tail_built}) AS doc
    FROM r LEFT JOIN {_combinations(codes)} ON c.k = r.k
)"""


@lru_cache(maxsize=8)
def worklist_statement(codes: tuple[str, ...]) -> str:
    """The statement for these active skill codes; parameters: the village's id, the head's
    relation, the resident status, the village's id, the text between a household's id and its
    code (the commune's code), a limit (NULL: none)."""
    if not all(_CODE.match(c) for c in codes):
        raise ValueError(f"unexpected skill codes {codes!r}")
    every = _literal(_dumps(list(codes))[1:-1])  # "a","b" (no brackets), quoted as SQL
    households = Household._meta.db_table
    return f"""
WITH h AS (
    SELECT id, code, address, covered FROM {households} WHERE village_id = %s
), {_residents(codes)}, p AS (
    SELECT household_id, min(n) AS n,
           string_agg(doc, ',' ORDER BY head, birth_year, id) AS people,
           (array_agg(lacks ORDER BY n, head, birth_year, id))[1] AS lacks
    FROM d GROUP BY household_id
), v AS (
    SELECT household_id, max(visited_at) AS last, count(*) AS n
    FROM {Visit._meta.db_table} WHERE village_id = %s GROUP BY household_id
), rows AS (
    SELECT h.covered, h.code,
           CASE WHEN h.covered THEN 0 WHEN p.household_id IS NULL THEN {len(codes)}
                ELSE p.n END AS n,
           '{{"id":' || h.id || %s::text || to_json(h.code)::text
           || ',"address":' || to_json(h.address)::text
           || CASE WHEN h.covered THEN ',"covered":true,"lacks":['
                   WHEN p.household_id IS NULL THEN ',"covered":false,"lacks":[' || {every}
                   ELSE ',"covered":false,"lacks":[' || p.lacks END
           || '],"visits":' || coalesce(v.n, 0)
           || ',"last_visit":' || CASE WHEN v.last IS NULL THEN 'null' ELSE {_visited_at()} END
           || ',"residents":[' || coalesce(p.people, '') || ']}}' AS doc
    FROM h LEFT JOIN p ON p.household_id = h.id LEFT JOIN v ON v.household_id = h.id
    ORDER BY h.covered, 3, h.code COLLATE "C"
    LIMIT %s
)
SELECT convert_to(coalesce(string_agg(doc, ',' ORDER BY covered, n, code COLLATE "C"), ''),
                  'UTF8')
FROM rows"""


def worklist_households_json(
    village_id: int, commune_code: str, codes: list[str], head: str, limit: int | None
) -> bytes:
    """The households array's items of the village's worklist (the text between ``[`` and
    ``]``), UTF-8, as PostgreSQL writes them."""
    commune = ',"commune_code":' + encode_basestring(commune_code) + ',"code":'
    with connection.cursor() as cur:
        # The value read as it is sent (binary): not as hexadecimal text to decode.
        cur.cursor.format = Format.BINARY
        cur.execute(
            worklist_statement(tuple(codes)),
            [village_id, head, ResidentStatus.CURRENT.value, village_id, commune, limit],
        )
        value = cur.fetchone()[0]
    return bytes(value)
