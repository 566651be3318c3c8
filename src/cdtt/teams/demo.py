"""Synthetic teams for the demo: one team per village and one commune-level team per commune,
each with 3–9 members drawn from the village head, the Youth Union (core force), police,
teachers, health workers and postal / telecom staff.

Set-based (bulk_create), so the ~4,350 villages of a province take seconds. Deterministic for a
given seed. Communes that already have an active team are left alone (re-running adds nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.db import connection, transaction

from cdtt.audit.services import audit_record
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import fold
from cdtt.organizations.models import Organization, OrganizationKind
from cdtt.skills.models import SKILL_CODES
from cdtt.teams.models import MemberRole, Membership, Person, Team, TeamLevel

SURNAMES = [
    "Nguyễn",
    "Lê",
    "Trần",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đỗ",
    "Bùi",
    "Đặng",
    "Ngô",
    "Hà",
    "Trịnh",
    "Mai",
    "Lại",
    "Cao",
    "Lương",
    "Hồ",
    "Tống",
]
MIDDLE_M = ["Văn", "Đình", "Hữu", "Xuân", "Minh", "Quang", "Đức", "Ngọc", "Thanh"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Thùy", "Minh"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Nam",
    "Hải",
    "Long",
    "Thắng",
    "Sơn",
    "Bình",
    "Cường",
    "Phong",
    "Khánh",
    "Trung",
    "Quân",
    "Hiếu",
    "Đạt",
    "Thành",
    "Tú",
]
GIVEN_F = [
    "Lan",
    "Hương",
    "Mai",
    "Hoa",
    "Trang",
    "Linh",
    "Hà",
    "Thảo",
    "Nga",
    "Yến",
    "Hằng",
    "Nhung",
    "Phương",
    "Vân",
    "Oanh",
    "Huyền",
]
MOBILE_PREFIXES = [
    "091",
    "094",
    "088",
    "098",
    "097",
    "086",
    "096",
    "032",
    "033",
    "035",
    "038",
    "081",
    "083",
    "070",
    "076",
]

# (position, organisation key, core force, typical skills); the first is the village head.
VILLAGE_ROLES = [
    ("Trưởng thôn", "ubnd", False, ["public_services"]),
    ("Bí thư chi đoàn", "youth", True, ["public_services", "payment", "safety"]),
    ("Đoàn viên thanh niên", "youth", True, ["shopping", "payment", "local_platform"]),
    ("Công an viên", "police", False, ["safety", "public_services"]),
    ("Giáo viên", "school", False, ["safety", "local_platform"]),
    ("Nhân viên y tế thôn", "health", False, ["local_platform"]),
    ("Nhân viên VNPT", "vnpt", False, ["payment", "local_platform"]),
    ("Nhân viên Viettel", "viettel", False, ["payment", "shopping"]),
    ("Nhân viên bưu điện văn hóa xã", "post", False, ["shopping", "public_services"]),
    ("Chi hội trưởng Hội Phụ nữ", "women", False, ["shopping"]),
]
COMMUNE_ROLES = [
    ("Phó Chủ tịch UBND xã", "ubnd", False, ["public_services"]),
    ("Công chức Văn phòng - Thống kê", "ubnd", False, ["public_services", "local_platform"]),
    ("Bí thư Đoàn xã", "youth", True, ["payment", "safety"]),
    ("Công an xã", "police", False, ["safety"]),
    ("Hiệu trưởng trường THCS", "school", False, ["safety", "local_platform"]),
    ("Trưởng trạm y tế", "health", False, ["local_platform"]),
    ("Nhân viên VNPT", "vnpt", False, ["payment"]),
    ("Nhân viên Viettel", "viettel", False, ["payment", "shopping"]),
    ("Nhân viên bưu điện", "post", False, ["shopping"]),
]
PROVINCE_ORGS = {
    "youth_p": ("Tỉnh Đoàn %(p)s", "Tỉnh Đoàn", OrganizationKind.YOUTH_UNION),
    "vnpt": ("VNPT %(p)s", "VNPT", OrganizationKind.ENTERPRISE),
    "viettel": ("Viettel %(p)s", "Viettel", OrganizationKind.ENTERPRISE),
    "post": ("Bưu điện tỉnh %(p)s", "VNPost", OrganizationKind.ENTERPRISE),
    "women_p": ("Hội Liên hiệp Phụ nữ tỉnh %(p)s", "Hội LHPN tỉnh", OrganizationKind.SOCIAL),
}
COMMUNE_ORGS = {
    "ubnd": ("Ủy ban nhân dân %(c)s", OrganizationKind.PEOPLES_COMMITTEE, None),
    "youth": ("Đoàn Thanh niên %(c)s", OrganizationKind.YOUTH_UNION, "youth_p"),
    "police": ("Công an %(c)s", OrganizationKind.POLICE, None),
    "school": ("Trường THCS %(n)s", OrganizationKind.SCHOOL, None),
    "health": ("Trạm Y tế %(c)s", OrganizationKind.HEALTH, None),
    "women": ("Hội Phụ nữ %(c)s", OrganizationKind.SOCIAL, "women_p"),
}


def _name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.55:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}", "M"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}", "F"


def _ensure(wanted: list[Organization]) -> dict[tuple[int, str], Organization]:
    unit_ids = {o.unit_id for o in wanted}
    existing = {
        (o.unit_id, o.name_key): o for o in Organization.objects.filter(unit_id__in=unit_ids)
    }
    missing = [o for o in wanted if (o.unit_id, o.name_key) not in existing]
    Organization.objects.bulk_create(missing, batch_size=2000)
    return {(o.unit_id, o.name_key): o for o in Organization.objects.filter(unit_id__in=unit_ids)}


def _org_rows(
    province: AdminUnit, communes: list[AdminUnit]
) -> dict[tuple[int, str], Organization]:
    """Get or create the organisations the members come from, in a few statements."""
    by_key: dict[tuple[int, str], Organization] = {}
    wanted = []
    for pattern, short, kind in PROVINCE_ORGS.values():
        name = pattern % {"p": province.name}
        wanted.append(
            Organization(name=name, short_name=short, kind=kind, unit=province, name_key=fold(name))
        )
    existing = _ensure(wanted)
    for key, (pattern, _short, _kind) in PROVINCE_ORGS.items():
        by_key[(province.pk, key)] = existing[(province.pk, fold(pattern % {"p": province.name}))]
    wanted = []
    for c in communes:
        for pattern, kind, parent_key in COMMUNE_ORGS.values():
            name = pattern % {"c": c.full_name, "n": c.name}
            parent = by_key[(province.pk, parent_key)] if parent_key else None
            wanted.append(
                Organization(name=name, kind=kind, unit=c, name_key=fold(name), parent=parent)
            )
    existing = _ensure(wanted)
    for c in communes:
        for key, (pattern, _kind, _parent) in COMMUNE_ORGS.items():
            by_key[(c.pk, key)] = existing[(c.pk, fold(pattern % {"c": c.full_name, "n": c.name}))]
        for key in ("vnpt", "viettel", "post"):
            by_key[(c.pk, key)] = by_key[(province.pk, key)]
    return by_key


def _open_communes(communes: Iterable[AdminUnit]) -> list[AdminUnit]:
    """The communes of the list that have no team yet."""
    communes = [c for c in communes if c.level == Level.COMMUNE]
    taken = set(
        Team.objects.filter(commune__in=communes, dissolved_on__isnull=True).values_list(
            "commune_id", flat=True
        )
    )
    return [c for c in communes if c.pk not in taken]


def _villages_by_commune(communes: list[AdminUnit]) -> dict[int, list[AdminUnit]]:
    """The current villages of each commune, in path order."""
    villages_of: dict[int, list[AdminUnit]] = {c.pk: [] for c in communes}
    for v in AdminUnit.objects.filter(
        parent__in=communes, level=Level.VILLAGE, valid_to__isnull=True
    ).order_by("path"):
        villages_of[v.parent_id].append(v)
    return villages_of


def _demo_organizations(communes: list[AdminUnit]) -> dict[tuple[int, str], Organization]:
    """The organizations members come from, keyed by (commune id, organization key)."""
    by_province: dict[int, list[AdminUnit]] = {}
    for c in communes:
        by_province.setdefault(c.province_id, []).append(c)
    orgs: dict[tuple[int, str], Organization] = {}
    for province_id, group in by_province.items():
        orgs.update(_org_rows(AdminUnit.objects.get(pk=province_id), group))
    return orgs


def _demo_team(
    *, unit: AdminUnit, level: str, commune: AdminUnit, number: int, decision_date: dt.date
) -> Team:
    """An unsaved team for a commune or village, founded by the commune's decision."""
    name = f"Tổ CNSCĐ {unit.full_name}"
    return Team(
        name=name,
        name_key=fold(name),
        level=level,
        unit=unit,
        commune=commune,
        district_id=commune.district_id,
        province_id=commune.province_id,
        path=unit.path,
        decision_number=f"{number}/QĐ-UBND",
        decision_date=decision_date,
        contact_phone="",
        publish_contact=False,
    )


def _staff_demo_team(
    rng: random.Random,
    team: Team,
    *,
    role_pool: list,
    orgs: dict[tuple[int, str], Organization],
    persons: list[Person],
    rows: list[tuple[Team, Person, str, bool, list[str]]],
) -> None:
    """Draw a team's 3–9 members, appending their persons and membership rows."""
    c, level = team.commune, team.level
    size = rng.choices(range(3, 10), weights=[40, 30, 12, 8, 5, 3, 2])[0]
    roster = [role_pool[0], role_pool[1] if level == TeamLevel.VILLAGE else role_pool[2]]
    roster += rng.sample([r for r in role_pool if r not in roster], min(size, len(role_pool)) - 2)
    for i, (position, org_key, core, skills) in enumerate(roster):
        full_name, gender = _name(rng)
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
        person = Person(
            full_name=full_name,
            name_key=fold(full_name),
            gender=gender,
            birth_year=rng.randint(1995, 2004) if core else rng.randint(1965, 1995),
            phone=phone,
            organization=orgs[(c.pk, org_key)],
            position=position,
        )
        persons.append(person)
        role = MemberRole.LEADER if i == 0 else MemberRole.DEPUTY if i == 1 else MemberRole.MEMBER
        rows.append((team, person, role, core, [s for s in skills if s in SKILL_CODES]))
        if i == 0 and rng.random() < 0.5:  # half the teams publish their leader's number
            team.contact_phone, team.publish_contact = phone, True


def _save_demo_teams(
    teams: list[Team],
    plans: list[tuple[Team, list[AdminUnit]]],
    persons: list[Person],
    rows: list[tuple[Team, Person, str, bool, list[str]]],
) -> None:
    """Bulk-insert the teams, the villages they serve, their persons and memberships."""
    Team.objects.bulk_create(teams, batch_size=1000)
    through = Team.villages.through
    links = [through(team_id=t.pk, adminunit_id=v.pk) for t, served in plans for v in served]
    through.objects.bulk_create(links, batch_size=5000)
    Person.objects.bulk_create(persons, batch_size=2000)
    Membership.objects.bulk_create(
        [
            Membership(
                team=t,
                person=p,
                role=role,
                core_force=core,
                skills=skills,
                joined_on=t.decision_date,
            )
            for t, p, role, core, skills in rows
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # Fresh statistics, so that the first figures page after a demo load plans well.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE teams_team, teams_team_villages, teams_person, teams_membership"
            )


@transaction.atomic
def build_demo_teams(
    *, communes: Iterable[AdminUnit], seed: int = 0, founded_on: dt.date = dt.date(2024, 3, 15)
) -> dict[str, int]:
    """Found a team per village and per commune with 3–9 members each. Returns counts."""
    rng = random.Random(seed)
    communes = _open_communes(communes)
    if not communes:
        return {"teams": 0, "members": 0, "persons": 0}
    villages_of = _villages_by_commune(communes)
    orgs = _demo_organizations(communes)

    teams: list[Team] = []
    plans: list[tuple[Team, list[AdminUnit]]] = []  # team, the villages it serves
    persons: list[Person] = []
    rows: list[tuple[Team, Person, str, bool, list[str]]] = []
    for c in communes:
        number = rng.randint(5, 120)
        decision_date = founded_on + dt.timedelta(days=rng.randint(0, 60))
        units = [(c, TeamLevel.COMMUNE, villages_of[c.pk], COMMUNE_ROLES)]
        units += [(v, TeamLevel.VILLAGE, [v], VILLAGE_ROLES) for v in villages_of[c.pk]]
        for unit, level, served, role_pool in units:
            team = _demo_team(
                unit=unit, level=level, commune=c, number=number, decision_date=decision_date
            )
            _staff_demo_team(rng, team, role_pool=role_pool, orgs=orgs, persons=persons, rows=rows)
            teams.append(team)
            plans.append((team, served))
    _save_demo_teams(teams, plans, persons, rows)
    audit_record(
        actor=None,
        action="team.demo",
        object_type="teams.Team",
        summary=f"Demo: {len(teams)} tổ, {len(rows)} thành viên",
    )
    return {"teams": len(teams), "members": len(rows), "persons": len(persons)}
