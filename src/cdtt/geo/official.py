"""Official provinces, districts and communes, read from the vietnamadminunits package.

The package ships both structures: the 63-province, three-tier map in force until 30/6/2025
(``admin_units_legacy``) and the 34-province, two-tier map since 01/7/2025 (``admin_units``).
"""

from dataclasses import dataclass
from functools import lru_cache

from vietnamadminunits.database import query

from cdtt.geo.models import Level, Structure

_PROVINCE_TYPES = ("Thành phố", "Tỉnh")


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    name: str
    unit_type: str
    level: str
    parent_code: str | None
    lat: float | None
    lon: float | None


def _split_type(full_name: str, short_name: str) -> str:
    """'Tỉnh Thanh Hóa', 'Thanh Hóa' -> 'Tỉnh'."""
    if full_name.endswith(short_name):
        return full_name[: len(full_name) - len(short_name)].strip()
    return next((t for t in _PROVINCE_TYPES if full_name.startswith(t)), "")


def _province_code(province_code: str, table: str) -> str:
    rows = query(
        f"SELECT DISTINCT provinceCode FROM [{table}] WHERE provinceCode = '{int(province_code):02d}'"
    )
    if not rows:
        raise LookupError(province_code)
    return rows[0]["provinceCode"]


def official_units(province_code: str, structure: str) -> list[OfficialUnit]:
    """All official units of one province, parents before children."""
    if structure == Structure.Y2024:
        return _units_2024(_province_code(province_code, "admin_units_legacy"))
    if structure == Structure.Y2025:
        return _units_2025(_province_code(province_code, "admin_units"))
    raise ValueError(structure)


def _units_2024(code: str) -> list[OfficialUnit]:
    rows = query(
        "SELECT DISTINCT province, provinceShort, provinceLat, provinceLon, district, districtShort,"
        " districtType, districtCode, districtLat, districtLon, ward, wardShort, wardType, wardCode,"
        f" wardLat, wardLon FROM admin_units_legacy WHERE provinceCode = '{code}'"
        " ORDER BY districtCode, wardCode"
    )
    first = rows[0]
    units = [
        OfficialUnit(
            code,
            first["provinceShort"],
            _split_type(first["province"], first["provinceShort"]),
            Level.PROVINCE,
            None,
            first["provinceLat"],
            first["provinceLon"],
        )
    ]
    seen: set[str] = set()
    for row in rows:
        if row["districtCode"] not in seen:
            seen.add(row["districtCode"])
            units.append(
                OfficialUnit(
                    row["districtCode"],
                    row["districtShort"],
                    row["districtType"] or "",
                    Level.DISTRICT,
                    code,
                    row["districtLat"],
                    row["districtLon"],
                )
            )
        if row["wardCode"] and row["wardCode"] not in seen:
            seen.add(row["wardCode"])
            units.append(
                OfficialUnit(
                    row["wardCode"],
                    row["wardShort"],
                    row["wardType"] or "",
                    Level.COMMUNE,
                    row["districtCode"],
                    row["wardLat"],
                    row["wardLon"],
                )
            )
    return units


def _units_2025(code: str) -> list[OfficialUnit]:
    rows = query(
        "SELECT DISTINCT province, provinceShort, provinceLat, provinceLon, ward, wardShort,"
        f" wardType, wardCode, wardLat, wardLon FROM admin_units WHERE provinceCode = '{code}'"
        " ORDER BY wardCode"
    )
    first = rows[0]
    units = [
        OfficialUnit(
            code,
            first["provinceShort"],
            _split_type(first["province"], first["provinceShort"]),
            Level.PROVINCE,
            None,
            first["provinceLat"],
            first["provinceLon"],
        )
    ]
    seen: set[str] = set()
    for row in rows:
        if row["wardCode"] not in seen:
            seen.add(row["wardCode"])
            units.append(
                OfficialUnit(
                    row["wardCode"],
                    row["wardShort"],
                    row["wardType"] or "",
                    Level.COMMUNE,
                    code,
                    row["wardLat"],
                    row["wardLon"],
                )
            )
    return units


@dataclass(frozen=True)
class Conversion:
    """The official conversion of one province's 2024 communes to its 2025 communes.

    ``merged``: old commune code -> the one new commune it went into, whole.
    ``divided``: old commune code -> the new communes that took a part of it, the package's
    default first.
    """

    province_code: str
    new_communes: list[OfficialUnit]
    merged: dict[str, str]
    divided: dict[str, list[str]]

    def targets(self, old_code: str) -> list[str]:
        """The new communes that took any part of the old one (the default first)."""
        if old_code in self.divided:
            return self.divided[old_code]
        return [self.merged[old_code]] if old_code in self.merged else []

    def default(self, old_code: str) -> str | None:
        return next(iter(self.targets(old_code)), None)


@lru_cache(maxsize=8)
def official_conversion(province_code: str) -> Conversion:
    """Read the conversion by the package's keys and turn every key into an official code (no
    address parsing: ``convert_address`` would geocode a street over the network). The package
    does not change while the server runs: the answer is kept (read it, don't change it)."""
    from vietnamadminunits.converter import converter_2025 as converter

    code = _province_code(province_code, "admin_units_legacy")
    old = query(
        "SELECT DISTINCT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy"
        f" WHERE provinceCode = '{code}'"
    )
    old_codes = {
        f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}": r["wardCode"] for r in old
    }
    old_province_key = old[0]["provinceKey"]
    new_province_key = next(
        k for k, keys in converter.DICT_PROVINCE.items() if old_province_key in keys
    )
    new_province_code = query(
        f"SELECT DISTINCT provinceCode FROM admin_units WHERE provinceKey = '{new_province_key}'"
    )[0]["provinceCode"]
    new = query(
        "SELECT DISTINCT wardKey, wardCode FROM admin_units"
        f" WHERE provinceCode = '{new_province_code}'"
    )
    new_codes = {r["wardKey"]: r["wardCode"] for r in new}
    merged: dict[str, str] = {}
    for new_key, old_keys in converter.DICT_PROVINCE_WARD_NO_DIVIDED[new_province_key].items():
        for old_key in old_keys:
            if old_key in old_codes:
                merged[old_codes[old_key]] = new_codes[new_key]
    divided: dict[str, list[str]] = {}
    for old_key, parts in converter.DICT_PROVINCE_WARD_DIVIDED.get(new_province_key, {}).items():
        if old_key in old_codes:
            ordered = sorted(parts, key=lambda p: not p["isDefaultNewWard"])
            divided[old_codes[old_key]] = [new_codes[p["newWardKey"]] for p in ordered]
    return Conversion(
        province_code=code,
        new_communes=_units_2025(new_province_code)[1:],
        merged=merged,
        divided=divided,
    )
