"""The worklist's households written as JSON text by PostgreSQL, in one statement.

The document is the one ``selectors.worklist_json`` writes in Python (same keys, same order,
same compact separators, same escaping): the households of a village, uncovered first and
fewest skills lacking first, each with its current residents (head first, then the eldest),
their levels and what they lack, and the household's visits. Written by the server, a village
of 250 households and 900 residents costs one round trip and one value instead of three
queries, a thousand rows turned into Python objects and a thousand strings formatted.

The statement depends only on the active skills: it is built once per list of codes, and its
text stays the same for every village, so psycopg prepares it once a connection.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from django.db import connection

from cdtt.campaigns.models import Visit
from cdtt.registry.models import LEVEL_FIELDS, Household, Resident, ResidentStatus

_CODE = re.compile(r"^[a-z_][a-z0-9_]*$")


def _json(value) -> str:
    """A JSON literal quoted as an SQL string constant."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "'" + text.replace("'", "''") + "'"


def _level_parts(codes: tuple[str, ...]) -> tuple[str, str, str]:
    """SQL expressions over a resident ``r``: its levels object, its lacks (the codes, quoted,
    joined by commas) and the number of skills it lacks."""
    if not codes:
        return "'{}'", "''", "0"
    columns = [Resident._meta.get_field(LEVEL_FIELDS[c]).column for c in codes]
    levels = " || ',' || ".join(
        f"{_json(c)[:-1]}:' || r.{col}" for c, col in zip(codes, columns, strict=True)
    )
    # '"code":' || r.level_x || ',' || '"code2":' || ... : each key's literal ends with ':'.
    levels = "'{' || " + levels + " || '}'"
    lacks = ", ".join(
        f"CASE WHEN r.{col} < 2 THEN {_json(c)} END" for c, col in zip(codes, columns, strict=True)
    )
    count = " + ".join(f"(r.{col} < 2)::int" for col in columns)
    return levels, f"concat_ws(',', {lacks})", f"({count})"


def _visited_at() -> str:
    """``v.last`` as Python's ``datetime.isoformat()`` writes an aware UTC time."""
    utc = "(v.last AT TIME ZONE 'UTC')"
    return (
        f"""'"' || to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') """
        f"|| CASE WHEN mod(date_part('microseconds', v.last)::bigint, 1000000) <> 0 "
        f"""THEN to_char({utc}, '.US') ELSE '' END || '+00:00"'"""
    )


@lru_cache(maxsize=8)
def worklist_statement(codes: tuple[str, ...]) -> str:
    """The statement for these active skill codes; parameters: the village's id (twice), the
    commune's code, the resident status, the head's relation, a limit (NULL: none)."""
    if not all(_CODE.match(c) for c in codes):
        raise ValueError(f"unexpected skill codes {codes!r}")
    levels, lacks, lacking = _level_parts(codes)
    every = _json(list(codes))[2:-2]  # "a","b" (no brackets), quoted as SQL
    every = f"'{every}'" if codes else "''"
    households, residents = Household._meta.db_table, Resident._meta.db_table
    return f"""
WITH h AS (
    SELECT id, code, address, covered FROM {households} WHERE village_id = %s
), r AS (
    SELECT r.household_id, r.id, r.birth_year,
           CASE WHEN r.relation = %s THEN 0 ELSE 1 END AS head,
           {lacking} AS n, {lacks} AS lacks,
           '{{"id":' || r.id || ',"full_name":' || to_json(r.full_name)::text
           || ',"birth_year":' || coalesce(r.birth_year::text, 'null')
           || ',"relation":' || to_json(r.relation)::text
           || ',"levels":' || {levels} || ',"lacks":[' || {lacks} || ']}}' AS doc
    FROM h JOIN {residents} r ON r.household_id = h.id
    WHERE r.status = %s
), p AS (
    SELECT household_id, min(n) AS n,
           string_agg(doc, ',' ORDER BY head, birth_year, id) AS people,
           (array_agg(lacks ORDER BY n, head, birth_year, id))[1] AS lacks
    FROM r GROUP BY household_id
), v AS (
    SELECT household_id, max(visited_at) AS last, count(*) AS n
    FROM {Visit._meta.db_table} WHERE village_id = %s GROUP BY household_id
), rows AS (
    SELECT h.covered, h.code,
           CASE WHEN h.covered THEN 0 WHEN p.household_id IS NULL THEN {len(codes)}
                ELSE p.n END AS n,
           '{{"id":' || h.id || ',"commune_code":' || to_json(%s::text)::text
           || ',"code":' || to_json(h.code)::text || ',"address":' || to_json(h.address)::text
           || ',"covered":' || h.covered::text || ',"lacks":['
           || CASE WHEN h.covered THEN '' WHEN p.household_id IS NULL THEN {every}
                   ELSE p.lacks END
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
    with connection.cursor() as cur:
        cur.execute(
            worklist_statement(tuple(codes)),
            [village_id, head, ResidentStatus.CURRENT.value, village_id, commune_code, limit],
        )
        value = cur.fetchone()[0]
    return bytes(value)
