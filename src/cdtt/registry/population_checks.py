"""The per-row checks of the population file (DESIGN.md §6), column by column.

A batch of rows arrives as a polars DataFrame of text columns (``c0``… in the file's order,
cleaned, with ``row_no``); ``RowChecks.check`` returns the good rows in the staging table's
shape (but for the village, which the importer resolves) and every problem as (row, order,
column, reason). Birth dates written dd/mm/yyyy or as a bare year are checked as columns; values
that take Python to judge (other dates, genders, levels, unusual phone numbers) are judged once
per distinct value and joined back.
"""

import datetime as dt
import functools
from collections.abc import Callable

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.lib.frames import Judged
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.text import fold
from cdtt.registry.services import MIN_BIRTH_YEAR
from cdtt.skills.models import SKILL_CODES

# The file's skill columns (DESIGN.md §6), by skill code.
SKILL_HEADERS = {
    "public_services": "Dịch vụ công trực tuyến",
    "shopping": "Mua sắm trực tuyến",
    "payment": "Thanh toán trực tuyến",
    "safety": "An toàn trên không gian mạng",
    "local_platform": "Nền tảng số khác",
}
LEVELS = {"2": 2, "1": 1, "0": 0, "thanh thao": 2, "co ban": 1, "chua biet": 0}
GENDERS = {"nam": "M", "nu": "F", "khac": "O", "m": "M", "f": "F", "o": "O"}
MOBILE = r"^0[35789][0-9]{8}$"

# (order, column header) of each check: errors of one row are reported in this order.
COMMUNE, VILLAGE, CODE, NAME, BIRTH, ADDRESS, GENDER, RELATION, PHONE = range(9)


def parse_birth(text: str, today: dt.date) -> tuple[str | None, int, str] | str:
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


def _with_value(template: str, value: pl.Expr) -> pl.Expr:
    """A translated message with one ``%(v)s``-style placeholder filled from a column."""
    head, _sep, tail = template.partition("\x00")
    return pl.concat_str([pl.lit(head), value, pl.lit(tail)])


def name_key(full_name: pl.Expr) -> pl.Expr:
    """``cdtt.lib.text.fold`` as an expression, cut to the column's 120 characters."""
    return (
        full_name.str.to_lowercase()
        .str.normalize("NFD")
        .str.replace_all(r"\p{Mn}", "")
        .str.replace_all("đ", "d", literal=True)
        .str.slice(0, 120)
    )


@functools.cache
def _latin_folds() -> tuple[list[str], list[str]]:
    """The Latin letters of either case that ``fold`` changes (A, Ệ, ệ, Đ…) and what it makes
    of them."""
    points = [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    folds = [(c, fold(c)) for c in map(chr, points) if fold(c) != c]
    return [c for c, _f in folds], [f for _c, f in folds]


def name_keys(names: pl.Series) -> pl.Series:
    """``name_key`` of each name. Names in ASCII and Latin letters, Vietnamese ones among
    them, are folded letter by letter, in one pass that also lowers their case (a third of the
    time of ``name_key``); any other name by ``name_key``."""
    letters, folds = _latin_folds()
    keys = names.str.replace_many(letters, folds)
    other = keys.str.len_bytes() != keys.str.len_chars()  # a letter left that is not ASCII
    if other.any():
        slow = names.filter(other).to_frame("full_name").select(name_key(pl.col("full_name")))
        keys = keys.scatter(other.arg_true(), slow.to_series())
    return keys.str.slice(0, 120)


def _name_keys(names: pl.Series) -> pl.Series:
    """``name_keys`` of each distinct name, mapped back to every row (names repeat: a
    province's 3.7 M residents share a few hundred thousand)."""
    distinct = names.unique()
    keys = pl.DataFrame({"full_name": distinct, "name_key": name_keys(distinct)})
    return (
        names.to_frame("full_name")
        .join(keys, on="full_name", how="left", maintain_order="left")
        .get_column("name_key")
    )


class RowChecks:
    """The checks of one file: ``named`` maps the display headers present to their column
    index, ``skills`` skill codes to theirs; ``communes`` commune codes to ids; births are
    judged as of ``today`` (the local date by default)."""

    def __init__(
        self,
        named: dict[str, int],
        skills: dict[str, int],
        communes: dict[str, int],
        today: dt.date | None = None,
    ):
        self.named, self.skills, self.communes = named, skills, communes
        self.today = today = today or timezone.localdate()
        self.births = Judged(
            self._birth(today),
            {"b_date": pl.String, "b_year": pl.Int64, "b_key": pl.String, "b_error": pl.String},
        )
        self.genders = Judged(self._gender, {"g_value": pl.String, "g_error": pl.String})
        self.levels = Judged(self._level, {"l_value": pl.Int64, "l_error": pl.String})
        self.phones = Judged(self._phone, {"p_value": pl.String, "p_error": pl.String})

    @staticmethod
    def _birth(today: dt.date) -> Callable[[str], tuple]:
        def judge(raw: str) -> tuple:
            parsed = parse_birth(raw, today) if raw else _("Thiếu ngày sinh.")
            if isinstance(parsed, str):
                return None, None, None, parsed
            return (*parsed, None)

        return judge

    @staticmethod
    def _gender(raw: str) -> tuple:
        if not raw:
            return "", None
        value = GENDERS.get(fold(raw))
        if value is None:
            return None, _("Giới tính “%(v)s” phải là Nam, Nữ hoặc Khác.") % {"v": raw}
        return value, None

    @staticmethod
    def _level(raw: str) -> tuple:
        if not raw:
            return None, None
        level = LEVELS.get(fold(raw))
        if level is None:
            return None, (
                _("Mức “%(v)s” phải là Thành thạo, Cơ bản, Chưa biết (hoặc 2, 1, 0).") % {"v": raw}
            )
        return level, None

    @staticmethod
    def _phone(raw: str) -> tuple:
        try:
            return phone_normalize(raw), None
        except PhoneInvalid as exc:
            return None, str(exc)

    def _births(self, frame: pl.DataFrame) -> pl.DataFrame:
        """b_date, b_year, b_key and b_error of every row. Dates written dd/mm/yyyy and bare
        years are checked as columns; anything else (other layouts, impossible dates, years
        out of range) is judged by ``parse_birth``, once per distinct value."""
        raw = pl.col("birth_raw")
        frame = frame.with_columns(
            raw.str.contains(r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$").alias("b_day_first"),
            raw.str.contains(r"^[0-9]{4}$").alias("b_year_only"),
        )
        day_first, year_only = pl.col("b_day_first"), pl.col("b_year_only")
        iso = pl.concat_str(
            [
                raw.str.slice(6, 4),
                pl.lit("-"),
                raw.str.slice(3, 2),
                pl.lit("-"),
                raw.str.slice(0, 2),
            ]
        )
        frame = frame.with_columns(
            pl.when(day_first).then(raw.str.to_date("%d/%m/%Y", strict=False)).alias("b_day"),
            pl.when(day_first).then(iso).alias("b_date"),
            pl.when(day_first)
            .then(raw.str.slice(6, 4))
            .when(year_only)
            .then(raw)
            .cast(pl.Int64)
            .alias("b_year"),
            pl.lit(None, dtype=pl.String).alias("b_error"),
        ).with_columns(pl.coalesce("b_date", "birth_raw").alias("b_key"))
        today = self.today
        valid = (pl.col("b_year") >= MIN_BIRTH_YEAR) & (
            pl.when(day_first)
            .then(pl.col("b_day").is_not_null() & (pl.col("b_day") <= today))
            .otherwise(year_only & (pl.col("b_year") <= today.year))
        )
        judged = frame.select(valid.fill_null(False).not_()).to_series()
        frame = frame.drop("b_day", "b_day_first", "b_year_only")
        if not judged.any():
            return frame
        rows = judged.arg_true()
        values = self.births.join(frame.select("birth_raw").filter(judged), "birth_raw")
        return frame.with_columns(
            frame.get_column(c).scatter(rows, values.get_column(c))
            for c in ("b_date", "b_year", "b_key", "b_error")
        )

    def _text(self, header: str) -> pl.Expr:
        return pl.col(f"c{self.named[header]}")

    def check(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(good rows, problems) of a batch."""
        code = self._text("Mã xã")
        frame = frame.with_columns(
            pl.col("row_no").cast(pl.Int64),
            code.replace_strict(self.communes, default=None, return_dtype=pl.Int64).alias(
                "commune_id"
            ),
            self._text("Thôn").alias("village_raw"),
            self._text("Mã hộ").alias("hh_code"),
            self._text("Họ và tên").alias("full_name"),
            self._text("Ngày sinh").alias("birth_raw"),
        )
        frame = self._births(frame)
        problems: list[tuple[int, str, pl.Expr, pl.Expr]] = [
            (COMMUNE, "Mã xã", (code == ""), pl.lit(_("Thiếu mã xã."))),
            (
                COMMUNE,
                "Mã xã",
                (code != "") & pl.col("commune_id").is_null(),
                _with_value(_("Không tìm thấy xã mã “%(c)s”.") % {"c": "\x00"}, code),
            ),
            (VILLAGE, "Thôn", pl.col("village_raw") == "", pl.lit(_("Thiếu tên thôn."))),
            (CODE, "Mã hộ", pl.col("hh_code") == "", pl.lit(_("Thiếu mã hộ."))),
            (
                CODE,
                "Mã hộ",
                pl.col("hh_code").str.len_chars() > 40,
                pl.lit(_("Mã hộ dài quá 40 ký tự.")),
            ),
            (NAME, "Họ và tên", pl.col("full_name") == "", pl.lit(_("Thiếu họ và tên."))),
            (
                NAME,
                "Họ và tên",
                pl.col("full_name").str.len_chars() > 120,
                pl.lit(_("Họ và tên dài quá 120 ký tự.")),
            ),
            (BIRTH, "Ngày sinh", pl.col("b_error").is_not_null(), pl.col("b_error")),
        ]
        values: dict[str, pl.Expr] = {}
        if "Địa chỉ" in self.named:
            values["address"] = self._text("Địa chỉ")
            problems.append(
                (
                    ADDRESS,
                    "Địa chỉ",
                    values["address"].str.len_chars() > 250,
                    pl.lit(_("Địa chỉ dài quá 250 ký tự.")),
                )
            )
        if "Giới tính" in self.named:
            frame = self.genders.join(
                frame.with_columns(self._text("Giới tính").alias("g_raw")), "g_raw"
            )
            values["gender"] = pl.col("g_value")
            problems.append(
                (GENDER, "Giới tính", pl.col("g_error").is_not_null(), pl.col("g_error"))
            )
        if "Quan hệ với chủ hộ" in self.named:
            values["relation"] = self._text("Quan hệ với chủ hộ")
            problems.append(
                (
                    RELATION,
                    "Quan hệ với chủ hộ",
                    values["relation"].str.len_chars() > 40,
                    pl.lit(_("Quan hệ với chủ hộ dài quá 40 ký tự.")),
                )
            )
        if "Số điện thoại" in self.named:
            raw = self._text("Số điện thoại")
            usual = raw.str.contains(MOBILE)
            frame = frame.with_columns(
                pl.when(usual).then(pl.lit("")).otherwise(raw).alias("p_raw")
            )
            frame = self.phones.join(frame, "p_raw")
            values["phone"] = pl.when(usual).then(raw).otherwise(pl.col("p_value"))
            problems.append(
                (
                    PHONE,
                    "Số điện thoại",
                    ~usual & pl.col("p_error").is_not_null(),
                    pl.col("p_error"),
                )
            )
        for n, skill in enumerate(SKILL_CODES):
            if skill not in self.skills:
                values[f"s_{skill}"] = pl.lit(None, dtype=pl.Int64)
                continue
            frame = (
                self.levels.join(
                    frame.with_columns(pl.col(f"c{self.skills[skill]}").alias("l_raw")), "l_raw"
                )
                .rename({"l_value": f"s_{skill}", "l_error": f"e_{skill}"})
                .drop("l_raw")
            )
            values[f"s_{skill}"] = pl.col(f"s_{skill}")
            problems.append(
                (
                    PHONE + 1 + n,
                    SKILL_HEADERS[skill],
                    pl.col(f"e_{skill}").is_not_null(),
                    pl.col(f"e_{skill}"),
                )
            )
        frame = frame.with_columns(
            pl.any_horizontal([cond for _o, _c, cond, _r in problems]).alias("bad")
        )
        # Only the bad rows are searched for their problems (none, in most batches).
        bad = frame.filter(pl.col("bad"))
        errors = pl.concat(
            [
                bad.filter(cond).select(
                    pl.col("row_no"),
                    pl.lit(order).alias("order"),
                    pl.lit(column).alias("column"),
                    reason.alias("reason"),
                )
                for order, column, cond, reason in problems
            ]
        )
        good = frame.filter(~pl.col("bad")).select(
            "row_no",
            "commune_id",
            "village_raw",
            "hh_code",
            values.get("address", pl.lit(None, dtype=pl.String)).alias("address"),
            "full_name",
            pl.col("b_date").alias("birth_date"),
            pl.col("b_year").alias("birth_year"),
            pl.col("b_key").alias("birth_key"),
            values.get("gender", pl.lit(None, dtype=pl.String)).alias("gender"),
            values.get("relation", pl.lit(None, dtype=pl.String)).alias("relation"),
            values.get("phone", pl.lit(None, dtype=pl.String)).alias("phone"),
            *[values[f"s_{skill}"].alias(f"s_{skill}") for skill in SKILL_CODES],
        )
        return good.with_columns(_name_keys(good.get_column("full_name"))), errors
