"""Importing the population file (DESIGN.md §6): households, residents and their skill levels.

Set-based, in one transaction:
1. one streaming pass validates every row in Python and copies the good ones into a temporary
   staging table (COPY on PostgreSQL, executemany on SQLite), chunk by chunk;
2. checks that need the whole file (a household code used with two villages, a resident listed
   twice) run as SQL over the staging table;
3. with any error and no ``skip_invalid`` the transaction is rolled back: nothing is written;
4. otherwise each table is upserted with one INSERT ... SELECT ... ON CONFLICT statement
   (villages created when new, households, residents, an assessment only where the level
   changes, current levels), then the flags and the counters of the villages touched are
   recomputed set-based (cdtt.registry.rollups).
Re-importing the same file changes nothing. A dry run does all of it and rolls back.
"""

import datetime as dt
import logging
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.accounts.access import units_for
from cdtt.audit.services import audit_record
from cdtt.geo.models import AdminUnit, Level
from cdtt.geo.services import _next_village_code, village_build, village_type_guess
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.tabular import FileProblem, RowError, Table, count_lines, open_table, open_table_path
from cdtt.lib.text import fold, header_key
from cdtt.lib.xlsx import xlsx_bytes
from cdtt.registry import rollups
from cdtt.registry.models import VillageCoverage
from cdtt.skills.models import SKILL_CODES, Method, Skill

log = logging.getLogger(__name__)

MIN_BIRTH_YEAR = 1900
CHUNK = 20_000
MAX_ERRORS = 10_000  # reported in full; beyond that only counted

REQUIRED = ["Mã xã", "Thôn", "Mã hộ", "Họ và tên", "Ngày sinh"]
OPTIONAL = ["Địa chỉ", "Giới tính", "Quan hệ với chủ hộ", "Số điện thoại"]
SKILL_HEADERS = {
    "public_services": "Dịch vụ công trực tuyến",
    "shopping": "Mua sắm trực tuyến",
    "payment": "Thanh toán trực tuyến",
    "safety": "An toàn trên không gian mạng",
    "local_platform": "Nền tảng số khác",
}
TEMPLATE_HEADERS = [
    "Mã xã",
    "Thôn",
    "Mã hộ",
    "Địa chỉ",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Quan hệ với chủ hộ",
    "Số điện thoại",
    *SKILL_HEADERS.values(),
]

_LEVELS = {"2": 2, "1": 1, "0": 0, "thanh thao": 2, "co ban": 1, "chua biet": 0}
_GENDERS = {"nam": "M", "nu": "F", "khac": "O", "m": "M", "f": "F", "o": "O"}

Progress = Callable[[int, int], None]


@dataclass
class PopulationImportResult:
    rows: int = 0
    rows_imported: int = 0
    households_created: int = 0
    households_updated: int = 0
    residents_created: int = 0
    residents_updated: int = 0
    assessments: int = 0
    villages_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors_total

    @property
    def written(self) -> bool:
        """Whether the database changed (or, on a dry run, would have)."""
        return (self.ok or self.rows_imported > 0) and not self.dry_run

    def message(self) -> str:
        text = _(
            "Đã nhập %(h)d hộ (%(hc)d mới), %(r)d nhân khẩu (%(rc)d mới), %(a)d lượt đánh giá kỹ năng."
        ) % {
            "h": self.households_created + self.households_updated,
            "hc": self.households_created,
            "r": self.residents_created + self.residents_updated,
            "rc": self.residents_created,
            "a": self.assessments,
        }
        if self.dry_run:
            text = _("Kiểm tra thử, chưa ghi gì: ") + text
        if self.errors_total:
            text += " " + _("%(n)d dòng lỗi.") % {"n": self.errors_total}
        return text


class _Rollback(Exception):
    """Leave the transaction without writing (errors, or a dry run)."""


def _error(result: PopulationImportResult, row: int, column: str, reason: str) -> None:
    result.errors_total += 1
    if len(result.errors) < MAX_ERRORS:
        result.errors.append(RowError(row, column, reason))


def _parse_birth(text: str, today: dt.date) -> tuple[str | None, int, str] | str:
    """(iso date or None, year, birth key) or an error reason."""
    if text.isdigit() and len(text) == 4:
        year, date = int(text), None
    else:
        parts = text.replace("-", "/").replace(".", "/").split("/")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return _("Ngày sinh “%(v)s” không đúng dạng dd/mm/yyyy hoặc năm (yyyy).") % {"v": text}
        if len(parts[0]) == 4:  # yyyy-mm-dd, as some spreadsheets write it
            parts = [parts[2], parts[1], parts[0]]
        if len(parts[2]) != 4:
            return _("Ngày sinh “%(v)s” cần năm đủ 4 chữ số.") % {"v": text}
        try:
            date = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return _("Ngày sinh “%(v)s” không có thật.") % {"v": text}
        year = date.year
    if year < MIN_BIRTH_YEAR:
        return _("Năm sinh %(y)d quá xa (trước %(m)d).") % {"y": year, "m": MIN_BIRTH_YEAR}
    if year > today.year or (date and date > today):
        return _("Ngày sinh “%(v)s” ở tương lai.") % {"v": text}
    iso = date.isoformat() if date else None
    return iso, year, iso or str(year)


class _Villages:
    """Resolve 'Thôn' cells to village ids. A new name creates the village at once, inside the
    import's transaction: a failed or dry-run import rolls it back with everything else."""

    def __init__(self, commune_ids: list[int]):
        self.ids: dict[tuple[int, str], int] = {}
        self.names: dict[int, str] = {}
        for pk, commune_id, name, unit_type in AdminUnit.objects.filter(
            level=Level.VILLAGE, commune_id__in=commune_ids, valid_to__isnull=True
        ).values_list("pk", "commune_id", "name", "unit_type"):
            self.names[pk] = f"{unit_type} {name}".strip()
            self.ids.setdefault((commune_id, fold(name)), pk)
            self.ids.setdefault((commune_id, fold(f"{unit_type} {name}")), pk)
        self.created = 0
        self.communes: dict[int, AdminUnit] = {}

    def resolve(self, commune_id: int, raw: str) -> int:
        key = (commune_id, fold(raw))
        pk = self.ids.get(key)
        if pk is None:
            unit_type, name = village_type_guess(raw)
            pk = self.ids.get((commune_id, fold(name)))
            if pk is None:
                commune = self.communes.get(commune_id)
                if commune is None:
                    commune = self.communes[commune_id] = AdminUnit.objects.get(pk=commune_id)
                village = village_build(
                    commune=commune,
                    name=name,
                    unit_type=unit_type,
                    code=_next_village_code(commune),
                )
                village.save()
                self.created += 1
                pk = village.pk
                self.names[pk] = village.full_name
                self.ids[(commune_id, fold(name))] = pk
            self.ids[key] = pk
        return pk


_STAGING_COLUMNS = [
    ("row_no", "integer"),
    ("commune_id", "bigint"),
    ("village_id", "bigint"),
    ("hh_code", "varchar(40)"),
    ("address", "varchar(250)"),
    ("full_name", "varchar(120)"),
    ("name_key", "varchar(120)"),
    ("birth_date", "date"),
    ("birth_year", "integer"),
    ("birth_key", "varchar(10)"),
    ("gender", "varchar(1)"),
    ("relation", "varchar(40)"),
    ("phone", "varchar(15)"),
    *[(f"s_{code}", "smallint") for code in SKILL_CODES],
]
_NAMES = [c for c, _t in _STAGING_COLUMNS]


class _Staging:
    """The temporary table good rows are copied into."""

    def __init__(self, cursor):
        self.cur = cursor
        self.pg = connection.vendor == "postgresql"
        self.buffer: list[tuple] = []
        cols = ", ".join(f"{c} {t}" for c, t in _STAGING_COLUMNS)
        self.cur.execute("DROP TABLE IF EXISTS imp_rows")
        extra = " ON COMMIT DROP" if self.pg else ""
        self.cur.execute(f"CREATE TEMPORARY TABLE imp_rows ({cols}){extra}")

    def add(self, row: tuple) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        if self.pg:
            with self.cur.copy(f"COPY imp_rows ({', '.join(_NAMES)}) FROM STDIN") as copy:
                for row in self.buffer:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_NAMES))
            self.cur.executemany(
                f"INSERT INTO imp_rows ({', '.join(_NAMES)}) VALUES ({marks})", self.buffer
            )
        self.buffer = []


def _columns(table: Table) -> tuple[dict[str, int], dict[str, int]]:
    """Column index of each header we know (by display name); skill columns by skill code."""
    cols = table.require({header_key(h): h for h in REQUIRED})
    named = {h: cols[header_key(h)] for h in REQUIRED}
    for h in OPTIONAL:
        if header_key(h) in table.keys:
            named[h] = table.keys.index(header_key(h))
    skills = {
        code: table.keys.index(header_key(h))
        for code, h in SKILL_HEADERS.items()
        if header_key(h) in table.keys
    }
    return named, skills


def _validate(
    table: Table,
    staging: _Staging,
    result: PopulationImportResult,
    communes: dict[str, int],
    villages: _Villages,
    progress: Progress | None,
    total: int,
) -> None:
    """One pass over the rows: check each, copy the good ones into the staging table."""
    named, skills = _columns(table)
    today = timezone.localdate()
    i_commune, i_village, i_code = named["Mã xã"], named["Thôn"], named["Mã hộ"]
    i_name, i_birth = named["Họ và tên"], named["Ngày sinh"]
    i_address, i_gender = named.get("Địa chỉ"), named.get("Giới tính")
    i_relation, i_phone = named.get("Quan hệ với chủ hộ"), named.get("Số điện thoại")
    skill_cols = [(code, skills.get(code)) for code in SKILL_CODES]
    width = max([*named.values(), *skills.values()]) + 1
    births: dict[str, object] = {}
    levels_seen: dict[str, int | None] = {}
    genders_seen: dict[str, str | None] = {}
    name_keys: dict[str, str] = {}
    village_ids: dict[tuple[int, str], int] = {}
    seen = 0
    for number, cells in table.rows:
        seen += 1
        if seen % CHUNK == 0 and progress:
            progress(seen, max(total, seen))
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        bad = False
        code = cells[i_commune]
        commune_id = communes.get(code)
        if commune_id is None:
            bad = True
            if code:
                _error(result, number, "Mã xã", _("Không tìm thấy xã mã “%(c)s”.") % {"c": code})
            else:
                _error(result, number, "Mã xã", _("Thiếu mã xã."))
        village_raw = cells[i_village]
        if not village_raw:
            bad = True
            _error(result, number, "Thôn", _("Thiếu tên thôn."))
        hh_code = cells[i_code]
        if not hh_code:
            bad = True
            _error(result, number, "Mã hộ", _("Thiếu mã hộ."))
        elif len(hh_code) > 40:
            bad = True
            _error(result, number, "Mã hộ", _("Mã hộ dài quá 40 ký tự."))
        full_name = cells[i_name]
        if not full_name:
            bad = True
            _error(result, number, "Họ và tên", _("Thiếu họ và tên."))
        elif len(full_name) > 120:
            bad = True
            _error(result, number, "Họ và tên", _("Họ và tên dài quá 120 ký tự."))
        birth_raw = cells[i_birth]
        birth = births.get(birth_raw)
        if birth is None:
            birth = _parse_birth(birth_raw, today) if birth_raw else _("Thiếu ngày sinh.")
            births[birth_raw] = birth
        if isinstance(birth, str):
            bad = True
            _error(result, number, "Ngày sinh", birth)
        address = None
        if i_address is not None:
            address = cells[i_address]
            if len(address) > 250:
                bad = True
                _error(result, number, "Địa chỉ", _("Địa chỉ dài quá 250 ký tự."))
        gender = None
        if i_gender is not None:
            raw = cells[i_gender]
            gender = genders_seen.get(raw, "?")
            if gender == "?":
                gender = genders_seen[raw] = _GENDERS.get(fold(raw)) if raw else ""
            if gender is None:
                bad = True
                _error(
                    result,
                    number,
                    "Giới tính",
                    _("Giới tính “%(v)s” phải là Nam, Nữ hoặc Khác.") % {"v": raw},
                )
        relation = None
        if i_relation is not None:
            relation = cells[i_relation]
            if len(relation) > 40:
                bad = True
                _error(
                    result, number, "Quan hệ với chủ hộ", _("Quan hệ với chủ hộ dài quá 40 ký tự.")
                )
        phone = None
        if i_phone is not None:
            raw = cells[i_phone]
            if len(raw) == 10 and raw[0] == "0" and raw[1] in "35789" and raw.isdigit():
                phone = raw
            else:
                try:
                    phone = phone_normalize(raw)
                except PhoneInvalid as exc:
                    bad = True
                    _error(result, number, "Số điện thoại", str(exc))
        levels = []
        for skill_code, index in skill_cols:
            if index is None or not cells[index]:
                levels.append(None)
                continue
            raw = cells[index]
            level = levels_seen.get(raw, -1)
            if level == -1:
                level = levels_seen[raw] = _LEVELS.get(fold(raw))
            if level is None:
                bad = True
                _error(
                    result,
                    number,
                    SKILL_HEADERS[skill_code],
                    _("Mức “%(v)s” phải là Thành thạo, Cơ bản, Chưa biết (hoặc 2, 1, 0).")
                    % {"v": raw},
                )
            levels.append(level)
        if bad:
            continue
        vkey = (commune_id, village_raw)
        village_id = village_ids.get(vkey)
        if village_id is None:
            village_id = village_ids[vkey] = villages.resolve(commune_id, village_raw)
        name_key = name_keys.get(full_name)
        if name_key is None:
            name_key = _fold_fast(full_name)[:120]
            if len(name_keys) < 500_000:
                name_keys[full_name] = name_key
        iso, year, bkey = birth
        staging.add(
            (
                number,
                commune_id,
                village_id,
                hh_code,
                address,
                full_name,
                name_key,
                iso,
                year,
                bkey,
                gender,
                relation,
                phone,
                *levels,
            )
        )
        result.rows_imported += 1
    result.rows = seen
    staging.flush()


def _fold_table() -> dict[int, str]:
    """Each precomposed Latin letter with diacritics (all of Vietnamese) -> its base letter."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0x00C0, 0x2000):
        base = unicodedata.normalize("NFD", chr(code))
        if (
            len(base) > 1
            and base[0].isascii()
            and base[0].isalpha()
            and all(unicodedata.category(ch) == "Mn" for ch in base[1:])
        ):
            table[code] = base[0].lower()
    return table


_FOLD = _fold_table()


def _fold_fast(text: str) -> str:
    """``fold`` for an already clean NFC cell, by table (the same result, a lot faster)."""
    key = text.lower().translate(_FOLD)
    return key if key.isascii() else fold(text)


def _fetch(cur, sql: str, params=()) -> list[tuple]:
    cur.execute(sql, params)
    return cur.fetchall()


def _file_checks(cur, result: PopulationImportResult, villages: _Villages) -> list[int]:
    """Checks over the whole file; returns the bad rows' numbers."""
    bad: list[int] = []
    # A resident listed twice (same household, name and birth).
    for row_no, first in _fetch(
        cur,
        """
        SELECT s.row_no, d.first FROM imp_rows s JOIN (
            SELECT commune_id, hh_code, name_key, birth_key, MIN(row_no) AS first FROM imp_rows
            GROUP BY commune_id, hh_code, name_key, birth_key HAVING COUNT(*) > 1
        ) d ON d.commune_id = s.commune_id AND d.hh_code = s.hh_code AND d.name_key = s.name_key
               AND d.birth_key = s.birth_key
        WHERE s.row_no <> d.first ORDER BY s.row_no""",
    ):
        bad.append(row_no)
        _error(
            result,
            row_no,
            "Họ và tên",
            _("Nhân khẩu trùng họ tên và ngày sinh với dòng %(r)d cùng hộ.") % {"r": first},
        )
    # A household code with two villages: in the database, or else at its first row in the file.
    rows = _fetch(
        cur,
        """
        SELECT s.row_no, s.hh_code, COALESCE(h.village_id, f.village_id), h.id IS NOT NULL, f.row_no
        FROM imp_rows s
        JOIN (SELECT commune_id, hh_code, MIN(row_no) AS first FROM imp_rows GROUP BY commune_id, hh_code) m
          ON m.commune_id = s.commune_id AND m.hh_code = s.hh_code
        JOIN imp_rows f ON f.row_no = m.first
        LEFT JOIN registry_household h ON h.commune_id = s.commune_id AND h.code = s.hh_code
        WHERE s.village_id <> COALESCE(h.village_id, f.village_id)
        ORDER BY s.row_no""",
    )
    db_names = {
        pk: f"{unit_type} {name}".strip()
        for pk, unit_type, name in AdminUnit.objects.filter(
            pk__in={r[2] for r in rows}
        ).values_list("pk", "unit_type", "name")
    }
    for row_no, hh_code, village_id, in_db, first in rows:
        bad.append(row_no)
        name = villages.names.get(village_id) or db_names.get(village_id, "")
        if in_db:
            reason = _(
                "Mã hộ “%(c)s” đã có trong dữ liệu, thuộc %(v)s, không phải thôn ở dòng này."
            )
        else:
            reason = _("Mã hộ “%(c)s” đã dùng ở dòng %(r)d cho %(v)s, không phải thôn ở dòng này.")
        _error(result, row_no, "Mã hộ", reason % {"c": hh_code, "v": name, "r": first})
    return sorted(set(bad))


def _apply(
    cur, result: PopulationImportResult, actor, has: set[str], skill_ids: dict[str, int]
) -> None:
    pg = connection.vendor == "postgresql"
    now = timezone.now()
    # Households: the first row of each carries its address.
    cur.execute("DROP TABLE IF EXISTS imp_households")
    cur.execute(f"""
        CREATE TEMPORARY TABLE imp_households {"ON COMMIT DROP" if pg else ""} AS
        SELECT s.commune_id, s.hh_code, s.village_id, s.address, h.id AS household_id, h.address AS old_address
        FROM imp_rows s
        JOIN (SELECT commune_id, hh_code, MIN(row_no) AS first FROM imp_rows GROUP BY commune_id, hh_code) m
          ON m.first = s.row_no
        LEFT JOIN registry_household h ON h.commune_id = s.commune_id AND h.code = s.hh_code""")
    _analyze(cur, "imp_households")
    address_changed = (
        "h.address IS NOT NULL AND h.address <> h.old_address" if "address" in has else "1 = 0"
    )
    ((created, updated),) = _fetch(
        cur,
        f"""
        SELECT COALESCE(SUM(CASE WHEN h.household_id IS NULL THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN h.household_id IS NOT NULL AND {address_changed} THEN 1 ELSE 0 END), 0)
        FROM imp_households h""",
    )
    result.households_created, result.households_updated = int(created), int(updated)
    on_conflict = (
        (
            "DO UPDATE SET address = excluded.address, updated_at = excluded.updated_at "
            "WHERE registry_household.address <> excluded.address"
        )
        if "address" in has
        else "DO NOTHING"
    )
    cur.execute(
        f"""
        INSERT INTO registry_household (code, address, covered, created_at, updated_at,
                                        village_id, commune_id, district_id, province_id)
        SELECT h.hh_code, COALESCE(h.address, ''), FALSE, %s, %s, h.village_id, h.commune_id,
               c.district_id, c.province_id
        FROM imp_households h JOIN geo_adminunit c ON c.id = h.commune_id
        WHERE 1 = 1
        ON CONFLICT (commune_id, code) {on_conflict}""",
        [now, now],
    )

    # Residents, keyed by (household, name key, birth key).
    cur.execute("DROP TABLE IF EXISTS imp_residents")
    cur.execute(f"""
        CREATE TEMPORARY TABLE imp_residents {"ON COMMIT DROP" if pg else ""} AS
        SELECT s.*, h.id AS household_id, h.village_id AS h_village_id, h.district_id, h.province_id,
               r.id AS resident_id, r.full_name AS old_full_name, r.birth_date AS old_birth_date,
               r.gender AS old_gender, r.relation AS old_relation, r.phone AS old_phone
        FROM imp_rows s
        JOIN registry_household h ON h.commune_id = s.commune_id AND h.code = s.hh_code
        LEFT JOIN registry_resident r ON r.household_id = h.id AND r.name_key = s.name_key
                                     AND r.birth_key = s.birth_key""")
    _analyze(cur, "imp_residents")
    fields = ["full_name", "birth_date"] + [f for f in ("gender", "relation", "phone") if f in has]
    differs = " OR ".join(
        f"(r.{f} IS NULL AND r.old_{f} IS NOT NULL) OR (r.{f} IS NOT NULL AND r.old_{f} IS NULL) "
        f"OR r.{f} <> r.old_{f}"
        for f in fields
    )
    ((created, updated),) = _fetch(
        cur,
        f"""
        SELECT COALESCE(SUM(CASE WHEN r.resident_id IS NULL THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN r.resident_id IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), 0)
        FROM imp_residents r""",
    )
    result.residents_created, result.residents_updated = int(created), int(updated)
    set_changed = ", ".join(f"{f} = excluded.{f}" for f in fields)
    changed_where = " OR ".join(
        f"registry_resident.{f} IS DISTINCT FROM excluded.{f}"
        if pg
        else f"registry_resident.{f} IS NOT excluded.{f}"
        for f in fields
    )
    cur.execute(
        f"""
        INSERT INTO registry_resident (household_id, village_id, commune_id, district_id, province_id,
            full_name, name_key, birth_date, birth_year, birth_key, gender, relation, phone, status,
            proficient, created_at, updated_at)
        SELECT r.household_id, r.h_village_id, r.commune_id, r.district_id, r.province_id, r.full_name,
               r.name_key, r.birth_date, r.birth_year, r.birth_key, COALESCE(r.gender, ''),
               COALESCE(r.relation, ''), COALESCE(r.phone, ''), 'current', FALSE, %s, %s
        FROM imp_residents r WHERE 1 = 1
        ON CONFLICT (household_id, name_key, birth_key)
        DO UPDATE SET {set_changed}, updated_at = excluded.updated_at WHERE {changed_where}""",
        [now, now],
    )

    # Skill levels: an assessment only where the level differs from the current one.
    assessor_id = actor.pk if getattr(actor, "pk", None) else None
    assessor_name = (str(actor) if assessor_id else _("Nhập từ tệp"))[:120]
    checklist = "CAST('[]' AS jsonb)" if pg else "'[]'"
    for code in SKILL_CODES:
        if code not in has or code not in skill_ids:
            continue
        changes = f"""
            FROM imp_residents i
            JOIN registry_resident r ON r.household_id = i.household_id AND r.name_key = i.name_key
                                    AND r.birth_key = i.birth_key
            LEFT JOIN skills_residentskill rs ON rs.resident_id = r.id AND rs.skill_id = %s
            WHERE i.s_{code} IS NOT NULL AND COALESCE(rs.level, 0) <> i.s_{code}"""
        cur.execute(
            f"""
            INSERT INTO skills_skillassessment (resident_id, skill_id, level, method, assessor_id, assessor_name,
                                                assessed_at, checklist, visit_id, created_at)
            SELECT r.id, %s, i.s_{code}, %s, %s, %s, %s, {checklist}, NULL, %s {changes}""",
            [
                skill_ids[code],
                Method.IMPORT.value,
                assessor_id,
                assessor_name,
                now,
                now,
                skill_ids[code],
            ],
        )
        result.assessments += max(cur.rowcount, 0)
        cur.execute(
            f"""
            INSERT INTO skills_residentskill (resident_id, skill_id, level, assessed_at)
            SELECT r.id, %s, i.s_{code}, %s {changes}
            ON CONFLICT (resident_id, skill_id) DO UPDATE SET level = excluded.level,
                                                              assessed_at = excluded.assessed_at""",
            [skill_ids[code], now, skill_ids[code]],
        )


def _analyze(cur, table: str) -> None:
    """Temporary tables have no statistics until analysed: without them PostgreSQL plans for a
    handful of rows (nested loops over millions)."""
    if connection.vendor == "postgresql":
        cur.execute(f"ANALYZE {table}")


class _Timer:
    """Phase durations, logged for benchmarks."""

    def __init__(self):
        self.start = self.last = time.monotonic()

    def __call__(self, phase: str) -> None:
        now = time.monotonic()
        log.info(
            "population import: %s %.2fs (total %.2fs)", phase, now - self.last, now - self.start
        )
        self.last = now


def _refresh_touched(cur) -> list[int]:
    """Flags and village counters of what the import touched, recomputed set-based."""
    cur.execute("DROP TABLE IF EXISTS imp_touched")
    pg = connection.vendor == "postgresql"
    cur.execute(f"""CREATE TEMPORARY TABLE imp_touched {"ON COMMIT DROP" if pg else ""} AS
                    SELECT DISTINCT household_id FROM imp_residents""")
    _analyze(cur, "imp_touched")
    rollups.flags_refresh("SELECT household_id FROM imp_touched")
    village_ids = [v for (v,) in _fetch(cur, "SELECT DISTINCT h_village_id FROM imp_residents")]
    # Lock the rows first: a concurrent write's increment then lands after our recount, not under it.
    list(
        VillageCoverage.objects.select_for_update()
        .filter(village_id__in=village_ids)
        .values_list("pk")
    )
    rollups.villages_recount(village_ids)
    return village_ids


def population_import(
    *,
    actor,
    data: bytes | None = None,
    path: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> PopulationImportResult:
    """Import the population file (bytes or a path). Any bad row and no ``skip_invalid``: nothing
    is written and every bad row is reported. ``actor`` None (the command line) sees every commune."""
    result = PopulationImportResult(dry_run=dry_run)
    timer = _Timer()
    try:
        if path is not None:
            table = open_table_path(path)
            total = count_lines(path) if not table_is_xlsx(path) else 0
        else:
            table = open_table(data or b"")
            total = (data or b"").count(b"\n")
        missing = [h for h in REQUIRED if header_key(h) not in table.keys]
        if missing:
            for h in missing:
                _error(result, 1, h, _("Thiếu cột bắt buộc “%(c)s”.") % {"c": h})
            return result
        communes_qs = AdminUnit.objects.filter(level=Level.COMMUNE)
        if actor is not None:
            communes_qs = units_for(actor).filter(level=Level.COMMUNE)
        communes = dict(communes_qs.values_list("code", "pk"))
        villages = _Villages(list(communes.values()))
        skill_ids = dict(Skill.objects.values_list("code", "pk"))
        with transaction.atomic():
            with connection.cursor() as cur:
                staging = _Staging(cur)
                try:
                    _validate(table, staging, result, communes, villages, progress, total)
                    timer("read, validate and stage")
                except FileProblem:
                    raise
                except Exception as exc:  # openpyxl failing on a damaged sheet half-way
                    if type(exc).__module__.startswith(
                        ("openpyxl", "zipfile", "xml")
                    ) or isinstance(exc, (KeyError, ValueError, OSError)):
                        raise FileProblem(
                            _("Tệp Excel bị hỏng hoặc không đúng định dạng XLSX.")
                        ) from exc
                    raise
                if progress:
                    progress(result.rows, result.rows)
                _analyze(cur, "imp_rows")
                bad = _file_checks(cur, result, villages)
                timer("whole-file checks")
                if result.errors_total and not skip_invalid:
                    raise _Rollback
                if bad:
                    for i in range(0, len(bad), 1000):
                        part = bad[i : i + 1000]
                        cur.execute(
                            f"DELETE FROM imp_rows WHERE row_no IN ({', '.join(['%s'] * len(part))})",
                            part,
                        )
                    result.rows_imported -= len(bad)
                named, skills = _columns_present(table)
                result.villages_created = villages.created
                _apply(cur, result, actor, named | set(skills), skill_ids)
                timer("upserts")
                _refresh_touched(cur)
                timer("flags and counters")
                if result.rows_imported:
                    audit_record(
                        actor=actor,
                        action="population.import",
                        object_type="registry.Household",
                        unit=getattr(actor, "scope_unit", None),
                        summary=result.message(),
                        changes={"rows": result.rows, "errors": result.errors_total},
                    )
                if dry_run:
                    raise _Rollback
    except _Rollback:
        pass
    except FileProblem as exc:
        _error(result, 0, "", str(exc))
    if not result.ok and not skip_invalid:
        result.rows_imported = 0
    return result


def _columns_present(table: Table) -> tuple[set[str], set[str]]:
    keys = set(table.keys)
    named = {
        name
        for name, h in (
            ("address", "Địa chỉ"),
            ("gender", "Giới tính"),
            ("relation", "Quan hệ với chủ hộ"),
            ("phone", "Số điện thoại"),
        )
        if header_key(h) in keys
    }
    skills = {code for code, h in SKILL_HEADERS.items() if header_key(h) in keys}
    return named, skills


def table_is_xlsx(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"PK\x03\x04"


def population_template_xlsx() -> bytes:
    """The population file's exact headers and one example row, for download."""
    example = [
        "16000",
        "Thôn 1",
        "HK0001",
        "Số 12, Thôn 1",
        "Nguyễn Văn An",
        "05/03/1985",
        "Nam",
        "Chủ hộ",
        "0912345678",
        "Thành thạo",
        "Cơ bản",
        "Thành thạo",
        "Chưa biết",
        "Cơ bản",
    ]
    return xlsx_bytes(_("Nhân khẩu"), TEMPLATE_HEADERS, [example])
