"""Synthetic population files for demos and benchmarks, in the population-file format of
DESIGN.md §6 (one CSV row per resident).

Deterministic: the rows of a commune depend only on the seed, the commune's code and kind, the
households-per-commune figure and the reference date, so a district's file is exactly that
district's slice of the province's file. Written row by row to disk, so memory stays small
whatever the size (the province, ~3.7 M rows, is a few hundred MB of CSV).

The figures aim at Thanh Hóa in 2024: ~8 villages and ~1,830 households per commune (547
communes, ~4,350 villages, ~1.0 M households), ~3.7 residents per household, an age pyramid
shaped by household composition, and digital skills that fall with age, with overall household
coverage somewhere around half.
"""

import bisect
import csv
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cdtt.registry.imports import TEMPLATE_HEADERS

# The population file of DESIGN.md §6, exactly as the importer reads it.
HEADERS = TEMPLATE_HEADERS
SKILL_COLUMNS = 5
LEVEL_LABELS = ("Chưa biết", "Cơ bản", "Thành thạo")
NOT_ASSESSED = ("",) * SKILL_COLUMNS
ALL_PROFICIENT = (LEVEL_LABELS[2],) * SKILL_COLUMNS

HOUSEHOLDS_PER_COMMUNE = 1830
DEFAULT_AS_OF = dt.date(2024, 10, 1)

# Mountain districts of Thanh Hóa (2024 codes), where Thái and Mường villages are "bản".
HIGHLAND_DISTRICTS = frozenset(
    {"384", "385", "386", "387", "388", "389", "390", "391", "396", "402", "403"}
)

URBAN, RURAL, HIGHLAND = "urban", "rural", "highland"


@dataclass(frozen=True)
class CommuneSpec:
    code: str
    kind: str = RURAL  # urban (phường, thị trấn), rural, highland


@dataclass
class Summary:
    communes: int = 0
    villages: int = 0
    households: int = 0
    residents: int = 0
    covered_households: int = 0  # households with someone proficient in all five skills
    bytes: int = 0

    @property
    def coverage(self) -> float:
        return self.covered_households / self.households if self.households else 0.0


def commune_kind(unit_type: str, district_code: str | None) -> str:
    if unit_type in ("Phường", "Thị trấn"):
        return URBAN
    if district_code in HIGHLAND_DISTRICTS:
        return HIGHLAND
    return RURAL


def specs_from_units(communes: Iterable) -> list[CommuneSpec]:
    """CommuneSpecs for AdminUnit communes (their district is read through ``parent``)."""
    return [
        CommuneSpec(c.code, commune_kind(c.unit_type, c.parent.code if c.parent_id else None))
        for c in communes
    ]


# --- Names --------------------------------------------------------------------------------


class _Weighted:
    """Fast weighted choice: one random() and one bisect."""

    def __init__(self, pairs: list[tuple[object, float]]):
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# Shares of the most common Vietnamese surnames (rounded, national figures).
SURNAMES = _Weighted(
    [
        ("Nguyễn", 38),
        ("Lê", 10),
        ("Trần", 9),
        ("Phạm", 7),
        ("Hoàng", 4.5),
        ("Vũ", 3.5),
        ("Đỗ", 2.5),
        ("Bùi", 2.5),
        ("Đặng", 2),
        ("Ngô", 1.5),
        ("Trịnh", 2),
        ("Mai", 1.5),
        ("Đinh", 1.2),
        ("Hồ", 1),
        ("Dương", 1),
        ("Phan", 1.5),
        ("Lại", 0.6),
        ("Lương", 0.6),
        ("Hà", 0.8),
        ("Tống", 0.4),
        ("Cao", 0.6),
        ("Đào", 0.8),
        ("Văn", 0.3),
        ("Lưu", 0.5),
        ("Tạ", 0.4),
        ("Chu", 0.3),
        ("Quách", 0.3),
        ("Nghiêm", 0.2),
        ("Thiều", 0.2),
    ]
)
# Thái and Mường families of the mountain districts.
HIGHLAND_SURNAMES = _Weighted(
    [
        ("Hà", 12),
        ("Lò", 8),
        ("Cầm", 6),
        ("Lương", 8),
        ("Vi", 5),
        ("Lữ", 3),
        ("Bùi", 12),
        ("Phạm", 8),
        ("Quách", 4),
        ("Đinh", 6),
        ("Ngân", 3),
        ("Lang", 2),
        ("Mạc", 2),
        ("Nguyễn", 10),
        ("Lê", 5),
        ("Trương", 2),
        ("Lầu", 1),
        ("Thao", 1),
    ]
)
MALE_MIDDLE = _Weighted(
    [
        ("Văn", 45),
        ("Đức", 7),
        ("Minh", 7),
        ("Quang", 5),
        ("Hữu", 5),
        ("Ngọc", 3),
        ("Công", 4),
        ("Xuân", 3),
        ("Đình", 5),
        ("Thanh", 3),
        ("Anh", 2),
        ("Bá", 2),
        ("Trọng", 3),
        ("Tiến", 2),
        ("Gia", 2),
        ("Huy", 1),
    ]
)
FEMALE_MIDDLE_OLD = _Weighted(
    [
        ("Thị", 80),
        ("Ngọc", 4),
        ("Thu", 3),
        ("Thanh", 3),
        ("Kim", 2),
        ("Hồng", 3),
        ("Minh", 2),
        ("Xuân", 3),
    ]
)
FEMALE_MIDDLE_YOUNG = _Weighted(
    [
        ("Thị", 35),
        ("Ngọc", 10),
        ("Thu", 7),
        ("Thanh", 6),
        ("Minh", 7),
        ("Phương", 6),
        ("Hồng", 4),
        ("Khánh", 5),
        ("Bảo", 6),
        ("Hà", 4),
        ("Quỳnh", 4),
        ("Mai", 3),
        ("Diệu", 3),
    ]
)
MALE_GIVEN = _Weighted(
    [
        (n, 1)
        for n in (
            "Hùng Dũng Tuấn Minh Nam Long Hải Sơn Thắng Cường Quân Phong Huy Khánh Hoàng Đức Trung "
            "Hiếu Thành Tùng Bình Toàn Lâm Việt Bảo Khang Phúc An Kiên Hưng Đạt Lợi Tiến Vinh Quang "
            "Nghĩa Hòa Thịnh Tài Trí Tâm Hậu Chiến Lực Mạnh Thái Hiệp Hào Hải Duy Dương Khôi Kiệt "
            "Lộc Nguyên Phát Quý Sang Tú Vũ Thanh Công Định Giang Hạnh Hiển Hợp Luân Ninh Quyết"
        ).split()
    ]
)
FEMALE_GIVEN = _Weighted(
    [
        (n, 1)
        for n in (
            "Lan Hoa Hương Mai Linh Trang Thảo Hằng Nga Hà Huyền Phương Yến Ngọc Anh Thủy Loan Hạnh "
            "Dung Nhung Vân Oanh Thu Quỳnh Hiền Chi My Vy Nhi Trâm Giang Tâm Liên Xuân Diệp Hồng "
            "Lý Thúy Tuyết Hường Lụa Lệ Nhàn Thơm Hòa Lành Sen Cúc Đào Ngân Châu Uyên Thư Hân Ánh "
            "Nguyệt Duyên Hậu Thắm Gấm Nhài Tươi Bích Hải Khánh Minh Hạ Tú Loan Trinh"
        ).split()
    ]
)

# --- Villages -----------------------------------------------------------------------------

RURAL_VILLAGE_NAMES = [
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Thượng",
    "Hạ",
    "Đoài",
    "Tân Lập",
    "Đồng Tâm",
    "Quyết Thắng",
    "Yên Thịnh",
    "Tiến Thành",
    "Phú Thọ",
    "An Lạc",
    "Hòa Bình",
    "Xuân Phú",
    "Đại Đồng",
    "Kim Sơn",
    "Trung Thành",
    "Thành Công",
    "Liên Sơn",
    "Phúc Lộc",
    "Văn Miếu",
    "Cự Phú",
    "Đông Hòa",
    "Nam Sơn",
    "Bình Minh",
    "Tân Phong",
    "Hồng Kỳ",
]
HIGHLAND_VILLAGE_NAMES = [
    "Na Mèo",
    "Lát",
    "Khò",
    "Chiềng",
    "Pù Nhi",
    "Mường",
    "Sại",
    "Cạn",
    "Poọng",
    "Xia",
    "Tà Cóm",
    "Na Hồ",
    "Pọng",
    "Son",
    "Bá",
    "Ngàm",
    "Chiềng Lằn",
    "Cang",
    "Tung",
    "Mỏ",
    "Din",
    "Phe",
    "Hang",
    "Kham",
    "Nghịu",
    "Yên",
    "Bo",
    "Pha Đén",
    "Sa Ná",
    "Na Tao",
    "Xím",
    "Buốn",
    "Hạ Sơn",
    "Páng",
    "Lặn Ngoài",
    "Ché Lầu",
]


def _village_names(rng: random.Random, kind: str, count: int) -> list[str]:
    if kind == URBAN:
        prefix = "Tổ dân phố" if rng.random() < 0.7 else "Khu phố"
        return [f"{prefix} {i}" for i in range(1, count + 1)]
    if kind == HIGHLAND:
        return ["Bản " + n for n in rng.sample(HIGHLAND_VILLAGE_NAMES, count)]
    if rng.random() < 0.5:
        return [f"Thôn {i}" for i in range(1, count + 1)]
    names = rng.sample(RURAL_VILLAGE_NAMES, count)
    return [("Làng " if rng.random() < 0.1 else "Thôn ") + n for n in names]


# --- People -------------------------------------------------------------------------------

# Household sizes (mean ≈ 3.7).
SIZES = _Weighted([(1, 7), (2, 17), (3, 20), (4, 27), (5, 16), (6, 8), (7, 3.5), (8, 1.5)])
# Ages of heads of household by band (lower bound, upper bound exclusive, weight).
HEAD_AGES = _Weighted(
    [
        ((22, 30), 8),
        ((30, 40), 20),
        ((40, 50), 22),
        ((50, 60), 20),
        ((60, 70), 16),
        ((70, 80), 10),
        ((80, 95), 4),
    ]
)
# Chance of being proficient in all five skills, by age band (before local factors).
PROFICIENT_BY_AGE = [
    (10, 0.0),
    (15, 0.06),
    (25, 0.40),
    (35, 0.36),
    (45, 0.27),
    (55, 0.15),
    (65, 0.07),
    (75, 0.025),
    (200, 0.006),
]
_PROF_BOUNDS = [a for a, _ in PROFICIENT_BY_AGE]
_PROF_VALUES = [p for _, p in PROFICIENT_BY_AGE]
KIND_FACTOR = {URBAN: 1.35, RURAL: 1.0, HIGHLAND: 0.65}

PHONE_PREFIXES = [
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "070",
    "076",
    "077",
    "078",
    "079",
    "081",
    "082",
    "083",
    "084",
    "085",
    "086",
    "088",
    "089",
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "099",
]


class _Commune:
    """Generator state for one commune."""

    def __init__(self, spec: CommuneSpec, *, seed: int, households: int, as_of: dt.date):
        self.spec = spec
        self.rng = rng = random.Random(f"cdtt-population:{seed}:{spec.code}")
        self.households = max(1, round(households * rng.uniform(0.6, 1.4)))
        self.villages = _village_names(rng, spec.kind, rng.randint(5, 11))
        self.surnames = HIGHLAND_SURNAMES if spec.kind == HIGHLAND else SURNAMES
        self.skill_factor = KIND_FACTOR[spec.kind] * rng.uniform(0.7, 1.3)
        self.as_of_ordinal = as_of.toordinal()
        self.as_of_year = as_of.year

    def name(self, surname: str, male: bool, age: int) -> str:
        rng = self.rng
        if male:
            middle = MALE_MIDDLE.pick(rng)
            given = MALE_GIVEN.pick(rng)
        else:
            middle = (FEMALE_MIDDLE_YOUNG if age < 35 else FEMALE_MIDDLE_OLD).pick(rng)
            given = FEMALE_GIVEN.pick(rng)
        if middle == given:
            middle = "Văn" if male else "Thị"
        return f"{surname} {middle} {given}"

    def birth(self, age: int) -> str:
        rng = self.rng
        if age >= 75 and rng.random() < 0.3:
            return str(self.as_of_year - age - 1)  # old records often hold the year only
        d = dt.date.fromordinal(self.as_of_ordinal - age * 365 - rng.randrange(1, 365))
        return f"{d.day:02d}/{d.month:02d}/{d.year}"

    def phone(self, age: int) -> str:
        rng = self.rng
        if age < 16 or rng.random() > (0.9 if age < 60 else 0.6 if age < 75 else 0.25):
            return ""
        return f"{PHONE_PREFIXES[rng.randrange(len(PHONE_PREFIXES))]}{rng.randrange(10**7):07d}"

    def skills(self, age: int) -> tuple[tuple[str, ...], bool]:
        """The five skill cells and whether they make the resident proficient in all five."""
        rng = self.rng
        if age < 10 or rng.random() < 0.12:
            return NOT_ASSESSED, False
        p = _PROF_VALUES[bisect.bisect_right(_PROF_BOUNDS, age)] * self.skill_factor
        if rng.random() < p:
            return ALL_PROFICIENT, True
        # Not proficient in all five: the older, the fewer skills at any level.
        good = 0.55 if age < 45 else 0.3 if age < 65 else 0.1
        cells = []
        for _ in range(SKILL_COLUMNS):
            r = rng.random()
            cells.append(LEVEL_LABELS[2 if r < good * 0.6 else 1 if r < good else 0])
        if "Cơ bản" not in cells and "Chưa biết" not in cells:
            cells[rng.randrange(SKILL_COLUMNS)] = LEVEL_LABELS[1]
        return tuple(cells), False

    def household(self, code: str, village: str, number: int) -> tuple[list[tuple], bool]:
        """One household's file rows and whether someone in it is proficient in all five."""
        return self.household_rows(self.members(), code, village, number)

    def members(self) -> list[tuple[str, bool, int, str]]:
        """A household's members as (surname, male, age, relation to the head), head first."""
        rng = self.rng
        size = SIZES.pick(rng)
        lo, hi = HEAD_AGES.pick(rng)
        head_age = rng.randrange(lo, hi)
        head_male = rng.random() < (0.8 if size > 1 else 0.45)
        surname = self.surnames.pick(rng)
        people = [(surname, head_male, head_age, "Chủ hộ")]
        if size > 1 and rng.random() < (0.88 if head_age < 70 else 0.65):
            age = max(18, head_age + round(rng.gauss(-3 if head_male else 3, 3)))
            relation = "Vợ" if head_male else "Chồng"
            people.append((self.surnames.pick(rng), not head_male, age, relation))
        if not head_male:
            mother_age = head_age
        else:
            mother_age = people[1][2] if len(people) > 1 else head_age - 3
        if head_age < 45 and len(people) < size and rng.random() < 0.3:
            male = rng.random() < 0.4
            people.append(
                (
                    self.surnames.pick(rng) if not male else surname,
                    male,
                    min(99, head_age + rng.randrange(22, 34)),
                    "Bố" if male else "Mẹ",
                )
            )
        child_surname = surname if head_male else (people[1][0] if len(people) > 1 else surname)
        if head_age >= 58 and len(people) < size:
            # An adult child stays with the parents; the rest are grandchildren.
            adult_age = max(18, mother_age - rng.randrange(20, 36))
            people.append((child_surname, rng.random() < 0.6, adult_age, "Con"))
            while len(people) < size:
                people.append(
                    (
                        child_surname,
                        rng.random() < 0.51,
                        max(0, adult_age - rng.randrange(20, 34)),
                        "Cháu",
                    )
                )
        while len(people) < size:
            people.append(
                (
                    child_surname,
                    rng.random() < 0.51,
                    max(0, mother_age - rng.randrange(19, 40)),
                    "Con",
                )
            )
        return people

    def household_rows(
        self, people: list[tuple[str, bool, int, str]], code: str, village: str, number: int
    ) -> tuple[list[tuple], bool]:
        """The file rows of the members, with names, births, phones and skills drawn."""
        address = f"Số {number}, {village}" if self.spec.kind == URBAN else village
        rows, seen, covered = [], set(), False
        for sur, male, age, relation in people:
            full_name = self.name(sur, male, age)
            birth = self.birth(age)
            # Nobody shares a name with someone of their household (which also keeps the
            # natural key, household + name + birth, unique).
            while full_name in seen:
                full_name = self.name(sur, male, age)
            seen.add(full_name)
            cells, proficient = self.skills(age)
            covered = covered or proficient
            rows.append(
                (
                    self.spec.code,
                    village,
                    code,
                    address,
                    full_name,
                    birth,
                    "Nam" if male else "Nữ",
                    relation,
                    self.phone(age),
                    *cells,
                )
            )
        return rows, covered


def population_write(
    path: str | Path,
    communes: Iterable[CommuneSpec],
    *,
    seed: int = 0,
    households_per_commune: int = HOUSEHOLDS_PER_COMMUNE,
    as_of: dt.date = DEFAULT_AS_OF,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Write the population CSV of the given communes; return what it holds."""
    communes = list(communes)
    summary = Summary()
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADERS)
        for index, spec in enumerate(communes, start=1):
            commune = _Commune(spec, seed=seed, households=households_per_commune, as_of=as_of)
            villages = commune.villages
            # Households are spread unevenly over the villages, in contiguous blocks.
            weights = [commune.rng.uniform(0.5, 1.5) for _ in villages]
            cum = list(itertools.accumulate(weights))
            total = cum[-1]
            bounds = [round(commune.households * c / total) for c in cum]
            village_index = 0
            numbers = [0] * len(villages)
            for n in range(commune.households):
                while n >= bounds[village_index]:
                    village_index += 1
                numbers[village_index] += 1
                code = f"{spec.code}{n + 1:05d}"
                rows, covered = commune.household(
                    code, villages[village_index], numbers[village_index]
                )
                writer.writerows(rows)
                summary.households += 1
                summary.residents += len(rows)
                summary.covered_households += covered
            summary.communes += 1
            summary.villages += sum(1 for k in numbers if k)
            if progress:
                progress(index, len(communes))
    summary.bytes = path.stat().st_size
    return summary
