"""The indexes of the province-wide search of households (PostgreSQL): the words of the
residents' folded names (a text search index), and trigrams (pg_trgm) of the households' codes
and addresses, which answer ``LIKE '%…%'`` without reading every row. SQLite has none and searches by a scan (slower, same answers).

A large population load drops them with the table's other indexes (population_sql.bulk_load) and
does not build them again inside its transaction: on a province it would cost the load more than
its budget. They are built after the commit, concurrently (reads and writes go on meanwhile), by a
background job; until then the search works, by a scan.
"""

import re

from django.db import connection

# name -> definition: residents by folded name; households by code and address, as Django's
# case-insensitive lookups write them (``UPPER(col::text)``).
INDEXES = {
    # The words of the folded name: a name searched word by word reads the posting lists of
    # its few words, the rarest first (a trigram index reads some fifteen lists per name, most
    # of them shared by half the province: "ngu", "thi"...).
    "resident_name_words": ("ON registry_resident USING gin (to_tsvector('simple', name_key))"),
    "household_code_address_trgm": (
        "ON registry_household USING gin "
        "((UPPER(code::text)) gin_trgm_ops, (UPPER(address::text)) gin_trgm_ops)"
    ),
}


def deferred(definition: str) -> bool:
    """Whether an index definition (``pg_get_indexdef``) is one built after a load."""
    return "USING gin" in definition


# The settings of a search's transaction (SET LOCAL). Room for the bitmaps: in the server's
# default 4 MB the bitmap of "nguyen & van & quy:*" turned lossy at province scale, and the
# server rechecked 64,578 rows to keep 5,000 (735 ms; 91 ms in 32 MB). And the cost of a read
# by index as on an SSD: with the default (4), the few thousand households of a search were
# read by a parallel scan of the whole table (200 ms) instead of by their ids.
SEARCH_SETTINGS = ("work_mem = '32MB'", "random_page_cost = 1.1")

NAME_MATCH = "to_tsvector('simple', name_key) @@ to_tsquery('simple', %s)"


def name_query(folded: str, *, prefix: bool = True) -> str:
    """The text search query of a folded name: every word, the last one as a prefix (a name
    typed in part): 'nguyen thi h' -> 'nguyen & thi & h:*'; with ``prefix`` False, whole
    words only ('nguyen & thi & h'). Empty when it has no word."""
    words = re.findall(r"[a-z0-9]+", folded)
    if not words:
        return ""
    return " & ".join([*words[:-1], f"{words[-1]}:*" if prefix else words[-1]])


def search_index_ensure(*, concurrently: bool = True) -> list[str]:
    """Build the search indexes that are missing or left invalid by a failed concurrent build;
    returns the names of those it built. PostgreSQL only (elsewhere: none). ``concurrently``
    needs a connection outside any transaction."""
    if connection.vendor != "postgresql":
        return []
    how = "CONCURRENTLY " if concurrently and not connection.in_atomic_block else ""
    built = []
    with connection.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, definition in INDEXES.items():
            cur.execute(
                "SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                "WHERE c.relname = %s",
                [name],
            )
            row = cur.fetchone()
            if row is not None and row[0]:
                continue
            if row is not None:  # a concurrent build that failed leaves an invalid index
                cur.execute(f'DROP INDEX {how}IF EXISTS "{name}"')
            cur.execute(f'CREATE INDEX {how}IF NOT EXISTS "{name}" {definition}')
            built.append(name)
    return built
