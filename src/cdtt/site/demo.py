"""The demo: Thanh Hóa's real units, a synthetic population, snapshots, teams, a campaign and
a login for each role, built by ``cdtt demo``.

Every step is idempotent: a step looks at what the database already holds and does only what
is missing, so running the demo again on a loaded database duplicates nothing.
"""

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from cdtt.accounts.models import User
from cdtt.core.roles import Role
from cdtt.geo.models import AdminUnit, Level, Structure

PROVINCE_CODE = "38"  # Thanh Hóa
STRUCTURE = "2024"  # 26 districts, 547 communes
DEMO_PASSWORD = "thanhhoa-2024"
# District of the small scale, and of the district officer at any scale: Bỉm Sơn (7 communes,
# ~13,000 households), small enough for SQLite to build in well under a minute.
DEMO_DISTRICT = "381"
SCALES: dict[str, list[str] | None] = {"small": [DEMO_DISTRICT], "province": None}
SNAPSHOT_DAYS = 30
CAMPAIGN_NAME = "Chiến dịch “đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân”"
RUNNING_NAME = "Bình dân học vụ số: hướng dẫn kỹ năng số tại hộ"

Out = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str
    team: str = ""


@dataclass
class DemoReport:
    scale: str
    communes: int = 0
    imported_communes: int = 0
    households: int = 0
    residents: int = 0
    snapshots: int = 0
    teams: str = ""
    campaign: str = ""
    logins: list[DemoLogin] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


# --- steps ---------------------------------------------------------------------------------


def units_ensure(out: Out) -> AdminUnit:
    from cdtt.geo.services import units_load

    result = units_load(actor=None, province_code=PROVINCE_CODE, structure=STRUCTURE)
    out(
        f"Units of Thanh Hóa ({STRUCTURE} structure): {result.created} new, "
        f"{result.updated} updated, {result.unchanged} unchanged."
    )
    return AdminUnit.objects.get(code=PROVINCE_CODE, level=Level.PROVINCE)


def communes_for(scale: str, limit: int | None = None) -> list[AdminUnit]:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    communes = AdminUnit.objects.filter(
        level=Level.COMMUNE, province__code=PROVINCE_CODE, valid_to__isnull=True
    ).select_related("parent")
    districts = SCALES[scale]
    if districts is not None:
        communes = communes.filter(district__code__in=districts)
    communes = list(communes.order_by("code"))
    if not communes:
        raise LookupError(f"no communes for scale {scale!r}: are the units of Thanh Hóa loaded?")
    return communes[:limit] if limit else communes


def _user(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first()


def officers_ensure(
    *, province: AdminUnit, district: AdminUnit, commune: AdminUnit
) -> list[DemoLogin]:
    """The officers' logins (created once; an existing login is left as it is)."""
    from cdtt.accounts.services import user_create

    wanted = [
        ("sotttt", Role.PROVINCE_ADMIN, province, "Nguyễn Văn Sở"),
        ("lanhdao", Role.PROVINCE_LEADER, province, "Lê Thị Lãnh Đạo"),
        ("huyen", Role.DISTRICT_OFFICER, district, "Trần Văn Huyện"),
        ("xa", Role.COMMUNE_OFFICER, commune, "Phạm Thị Xã"),
    ]
    logins = []
    for username, role, unit, full_name in wanted:
        if _user(username) is None:
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                scope_unit=unit,
                full_name=full_name,
            )
        logins.append(DemoLogin(username, role, unit.full_name))
    return logins


def _populated(communes: list[AdminUnit]) -> set[int]:
    from cdtt.registry.models import Household

    rows = Household.objects.filter(commune__in=communes).values_list("commune_id", flat=True)
    return set(rows.distinct())


def population_ensure(
    *,
    actor,
    communes: list[AdminUnit],
    report: DemoReport,
    out: Out,
    households_per_commune: int,
    seed: int,
    as_of: dt.date,
) -> None:
    """Generate and import the population of every commune that has none yet."""
    from cdtt.registry.imports import population_import
    from cdtt.registry.synthetic import population_write, specs_from_units

    done = _populated(communes)
    todo = [c for c in communes if c.pk not in done]
    if not todo:
        out(f"Population: all {len(communes)} communes already hold households; nothing to import.")
        return
    out(
        f"Population: generating {len(todo)} communes "
        f"({len(done)} already loaded), ~{households_per_commune} households each …"
    )
    workdir = Path(settings.VAR_DIR) / "demo"
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=workdir, prefix="population-", suffix=".csv") as tmp:
        clock = timezone.now()
        summary = population_write(
            tmp.name,
            specs_from_units(todo),
            seed=seed,
            households_per_commune=households_per_commune,
            as_of=as_of,
            progress=_every_tenth("  generated", out),
        )
        report.timings["generate_s"] = (timezone.now() - clock).total_seconds()
        out(
            f"  file: {summary.households:,} households, {summary.residents:,} residents, "
            f"{summary.villages:,} villages, {summary.bytes / 1e6:.0f} MB "
            f"in {report.timings['generate_s']:.1f} s"
        )
        clock = timezone.now()
        result = population_import(
            actor=actor,
            path=tmp.name,
            progress=_every_tenth("  imported", out),
            file_name="dan-cu-mau.csv",  # the demo's generated file, as the pages name it
        )
        report.timings["import_s"] = (timezone.now() - clock).total_seconds()
    if getattr(result, "errors", None):
        raise RuntimeError(f"the synthetic population was refused: {list(result.errors)[:5]}")
    report.imported_communes = len(todo)
    out(f"  imported in {report.timings['import_s']:.1f} s: {_describe(result)}")


def _describe(result) -> str:
    if hasattr(result, "message"):
        return str(result.message())
    parts = []
    for name in (
        "households",
        "residents",
        "villages",
        "assessments",
        "households_created",
        "residents_created",
        "villages_created",
    ):
        value = getattr(result, name, None)
        if isinstance(value, int):
            parts.append(f"{name.replace('_', ' ')} {value:,}")
    return ", ".join(parts) or str(result)


def _every_tenth(label: str, out: Out) -> Callable[[int, int], None]:
    last = [-1]

    def report(done: int, total: int) -> None:
        if not total:
            return
        tenth = 10 * done // total
        if tenth != last[0]:
            last[0] = tenth
            out(f"{label} {100 * done // total}% ({done:,}/{total:,})")

    return report


def snapshots_ensure(*, today: dt.date, days: int = SNAPSHOT_DAYS) -> int:
    """Coverage snapshots for the last ``days`` days: today's real counters, and before that a
    plausible rising trend (fewer covered households the further back, by a village-specific
    amount). Written set-based, one INSERT … SELECT a day; days already there are kept."""
    from cdtt.registry.models import CoverageSnapshot, VillageCoverage
    from cdtt.registry.rollups import snapshot_take

    snapshot_take(today)
    table = CoverageSnapshot._meta.db_table
    source = VillageCoverage._meta.db_table
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(table)} (village_id, commune_id, district_id, province_id, day, "
        "households, covered) "
        "SELECT village_id, commune_id, district_id, province_id, %s, households, "
        "CAST(covered * (1.0 - %s * (0.7 + (village_id %% 7) * 0.1)) AS INTEGER) "
        f"FROM {qn(source)} WHERE 1 = 1 "
        "ON CONFLICT (village_id, day) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for back in range(1, days):
            drop = 0.35 * (back / (days - 1)) ** 1.3
            cursor.execute(sql, [today - dt.timedelta(days=back), drop])
    first = today - dt.timedelta(days=days - 1)
    return CoverageSnapshot.objects.filter(day__gte=first, day__lte=today).count()


def targets_ensure(*, actor, province: AdminUnit, year: int) -> None:
    from cdtt.registry.models import Target
    from cdtt.registry.services import target_set

    if not Target.objects.filter(unit=province, year=year).exists():
        target_set(actor=actor, unit=province, year=year, rate=80)


def teams_ensure(*, communes: list[AdminUnit], seed: int, out: Out) -> str:
    """A team per village, from the teams app's demo builder; communes with teams are skipped."""
    try:
        from cdtt.teams.demo import build_demo_teams
    except ImportError:
        out("Teams: the teams app has no demo builder yet; only the demo team is founded.")
        return "not built (teams.demo missing)"
    from cdtt.teams.models import Team

    have = set(Team.objects.filter(commune__in=communes).values_list("commune_id", flat=True))
    todo = [c for c in communes if c.pk not in have]
    if todo:
        build_demo_teams(communes=todo, seed=seed)
    count = Team.objects.filter(commune__in=communes, dissolved_on__isnull=True).count()
    out(f"Teams: {count:,} active teams ({len(todo)} communes built now).")
    return f"{count} teams"


def field_logins_ensure(*, actor: User, commune: AdminUnit, out: Out) -> list[DemoLogin]:
    """The team leader and team member logins, linked to a team of the demo commune when the
    teams app holds one (through its invite service), else founding one for them."""
    from cdtt.accounts.services import user_create

    logins = []
    wanted = [("totruong", Role.TEAM_LEADER, "leader"), ("thanhvien", Role.TEAM_MEMBER, "member")]
    try:
        team = _demo_team(actor=actor, commune=commune)
    except ImportError:
        team = None
    for username, role, member_role in wanted:
        user = _user(username)
        if user is None and team is not None:
            user = _invite(actor=actor, team=team, member_role=member_role, username=username)
        if user is None:
            user = user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                scope_unit=commune,
                full_name=username,
            )
        person = getattr(user, "person", None) if team is not None else None
        team_name = ""
        if person is not None:
            m = person.memberships.filter(left_on__isnull=True).select_related("team").first()
            team_name = m.team.name if m else ""
        logins.append(DemoLogin(username, role, commune.full_name, team_name))
    return logins


def _demo_team(*, actor: User, commune: AdminUnit):
    from cdtt.teams.models import Team
    from cdtt.teams.services import person_create, team_found

    team = (
        Team.objects.filter(commune=commune, dissolved_on__isnull=True)
        .order_by("path", "id")
        .first()
    )
    if team is None:
        village = commune.children.filter(level=Level.VILLAGE).order_by("code").first()
        if village is None:
            return None
        leader = person_create(
            actor=actor,
            full_name="Lê Văn Trưởng",
            gender="M",
            birth_year=1980,
            position="Trưởng thôn",
        )
        team = team_found(
            actor=actor,
            unit=village,
            leader=leader,
            villages=[village],
            decision_number="01/QĐ-UBND",
            decision_date=dt.date(2024, 8, 20),
        )
    return team


def _invite(*, actor: User, team, member_role: str, username: str) -> User:
    from cdtt.teams.models import MemberRole
    from cdtt.teams.services import member_add, member_invite, person_create

    role = MemberRole.LEADER if member_role == "leader" else MemberRole.MEMBER
    membership = (
        team.memberships.filter(left_on__isnull=True, role=role, person__user__isnull=True)
        .select_related("person")
        .order_by("id")
        .first()
    )
    if membership is None:
        if role == MemberRole.LEADER:
            return None  # the leader already has another login; the user gets a plain one
        person = person_create(
            actor=actor,
            full_name="Nguyễn Thị Thành Viên",
            gender="F",
            birth_year=1998,
            position="Đoàn viên",
        )
        membership = member_add(actor=actor, team=team, person=person)
    user, _temporary = member_invite(actor=actor, membership=membership, username=username)
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def letterhead_ensure(*, actor: User, province: AdminUnit):
    """The Department of Science and Technology's letterhead, under the province's People's
    Committee, through the documents app's service (the daily report's issuer)."""
    from cdtt.documents.models import DEFAULT_SYMBOL, Letterhead, department_letterhead
    from cdtt.documents.services import FIELDS, letterhead_create

    existing = Letterhead.objects.filter(unit=province, symbol=DEFAULT_SYMBOL).first()
    if existing is not None:
        return existing
    default = department_letterhead(province)
    return letterhead_create(
        actor=actor, unit=province, **{key: getattr(default, key) for key in FIELDS}
    )


def campaign_ensure(
    *,
    actor: User,
    province: AdminUnit,
    field_user: User | None,
    commune: AdminUnit,
    today: dt.date,
    out: Out,
) -> str:
    """The directive's 10-day campaign (01/10–10/10) of the last such period, and a few visits
    the demo team member logged in it, through the campaigns app's services."""
    try:
        from cdtt.campaigns.models import Campaign, Visit
        from cdtt.campaigns.services import campaign_create
    except ImportError:
        return "not built (campaigns app missing)"
    year = today.year if today >= dt.date(today.year, 10, 10) else today.year - 1
    starts, ends = dt.date(year, 10, 1), dt.date(year, 10, 10)
    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME, starts_on=starts).first()
    if campaign is None:
        campaign = campaign_create(
            actor=actor,
            name=CAMPAIGN_NAME,
            starts_on=starts,
            ends_on=ends,
            scope_units=[province],
            description="Chiến dịch 10 ngày theo Công văn 3240/BTTTT-CĐSQG.",
            letterhead=letterhead_ensure(actor=actor, province=province),
        )
    running = running_campaign_ensure(actor=actor, province=province, today=today)
    if field_user is None or Visit.objects.filter(campaign=campaign).exists():
        return f"{campaign.name} {starts:%d/%m}–{ends:%d/%m/%Y}; {running}"
    stored = demo_visits_log(
        campaign=campaign, field_user=field_user, commune=commune, starts=starts, out=out
    )
    out(f"Campaign: {stored} demo visits logged by {field_user.username}.")
    return f"{campaign.name} {starts:%d/%m}–{ends:%d/%m/%Y}, {stored} visits; {running}"


def running_campaign_ensure(*, actor: User, province: AdminUnit, today: dt.date) -> str:
    """A campaign under way today (from a week ago to a month ahead), so that the field app
    offers it and the demo's visits count in a campaign, whatever the day the demo is built."""
    from cdtt.campaigns.models import Campaign, Service
    from cdtt.campaigns.services import campaign_create

    campaign = Campaign.objects.filter(
        name=RUNNING_NAME, starts_on__lte=today, ends_on__gte=today
    ).first()
    if campaign is None:
        campaign = campaign_create(
            actor=actor,
            name=RUNNING_NAME,
            starts_on=today - dt.timedelta(days=7),
            ends_on=today + dt.timedelta(days=30),
            scope_units=[province],
            services=list(Service.objects.filter(active=True).order_by("pk")[:4]),
            description="Phong trào “Bình dân học vụ số”: hướng dẫn người dân tại hộ.",
            letterhead=letterhead_ensure(actor=actor, province=province),
        )
    return f"{campaign.name} {campaign.starts_on:%d/%m}–{campaign.ends_on:%d/%m/%Y}"


def _demo_visit_payload(
    *, n: int, household, campaign, field_user: User, commune: AdminUnit, starts: dt.date
) -> dict:
    """The n-th demo visit of the campaign's first ten days, as the field app would send it."""
    from cdtt.campaigns.models import Outcome

    day = starts + dt.timedelta(days=n % 10)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + n % 9, (7 * n) % 60)))
    outcomes = [Outcome.GUIDED] * 6 + [Outcome.COME_BACK_LATER, Outcome.NOBODY_HOME]
    outcome = outcomes[n % len(outcomes)]
    assessments = []
    if outcome == Outcome.GUIDED:
        resident = min(household.residents.all(), key=lambda r: r.pk, default=None)
        if resident is not None:
            assessments = [{"resident_id": resident.pk, "skill": "public_services", "level": 2}]
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"cdtt-demo-visit:{household.pk}")),
        "household": {"commune_code": commune.code, "code": household.code},
        "visited_at": at.isoformat(),
        "outcome": outcome,
        "campaign": campaign.pk,
        "services": [],
        "members": [str(field_user)],
        "assessments": assessments,
    }


def demo_visits_log(
    *, campaign, field_user: User, commune: AdminUnit, starts: dt.date, out: Out
) -> int:
    """Log up to 40 visits of the field user's households in the campaign; returns how many."""
    from cdtt.campaigns.visits import visit_submit
    from cdtt.registry.models import Household
    from cdtt.teams.selectors import field_villages

    villages = list(field_villages(field_user).values_list("pk", flat=True))
    households = list(
        Household.objects.filter(village_id__in=villages)
        .order_by("code")
        .prefetch_related("residents")[:40]
    )
    stored = 0
    for n, household in enumerate(households):
        payload = _demo_visit_payload(
            n=n,
            household=household,
            campaign=campaign,
            field_user=field_user,
            commune=commune,
            starts=starts,
        )
        try:
            visit_submit(actor=field_user, payload=payload)
            stored += 1
        except Exception as exc:  # a refused demo visit must not stop the demo
            out(f"  a demo visit was refused: {exc}")
            break
    return stored


# --- the whole demo ------------------------------------------------------------------------


def _officers_commune(communes: list[AdminUnit], district: AdminUnit) -> AdminUnit:
    """The commune of the demo officers: the first demo commune if it lies in the demo
    district, else that district's first commune."""
    return (
        communes[0]
        if communes[0].district_id == district.pk
        else (
            AdminUnit.objects.filter(level=Level.COMMUNE, district=district)
            .order_by("code")
            .first()
        )
    )


def _coverage_report(*, communes: list[AdminUnit], report: DemoReport, out: Out) -> None:
    """Count the demo communes' households and residents into the report and print coverage."""
    from cdtt.registry.models import VillageCoverage

    totals = VillageCoverage.objects.filter(commune__in=communes).values_list(
        "households", "residents", "covered"
    )
    report.households = sum(h for h, _, _ in totals)
    report.residents = sum(r for _, r, _ in totals)
    covered = sum(c for _, _, c in totals)
    out(
        f"Coverage of the demo communes: {covered:,} of {report.households:,} households "
        f"({100 * covered / max(1, report.households):.1f}%)."
    )


def _second_wave_demo(
    *, admin: User, province: AdminUnit, commune: AdminUnit, today: dt.date, out: Out
) -> None:
    """Models and good practices, a youth movement and enterprise offers."""
    from cdtt.movements.demo import movements_demo_ensure
    from cdtt.offers.demo import offers_demo_ensure
    from cdtt.practices.demo import practices_demo_ensure

    member = _user("thanhvien")
    models = practices_demo_ensure(officer=_user("xa"), reviewer=admin, commune=commune)
    out(f"Models and good practices: {models}.")
    movement = movements_demo_ensure(
        actor=admin, province=province, commune=commune, member_user=member, today=today
    )
    out(f"Youth movements: {movement}.")
    offers = offers_demo_ensure(actor=admin, province=province, member_user=member)
    out(f"Enterprise offers: {offers}.")


def demo_build(
    *,
    scale: str = "small",
    communes_limit: int | None = None,
    households_per_commune: int | None = None,
    seed: int = 0,
    migrate: bool = True,
    today: dt.date | None = None,
    out: Out = print,
) -> DemoReport:
    from cdtt.registry.synthetic import HOUSEHOLDS_PER_COMMUNE

    report = DemoReport(scale=scale)
    today = today or timezone.localdate()
    if migrate:
        out("Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
    province = units_ensure(out)
    communes = communes_for(scale, communes_limit)
    report.communes = len(communes)
    district = AdminUnit.objects.get(code=DEMO_DISTRICT, structure=Structure.Y2024)
    commune = _officers_commune(communes, district)
    logins = officers_ensure(province=province, district=district, commune=commune)
    admin = _user("sotttt")
    population_ensure(
        actor=admin,
        communes=communes,
        report=report,
        out=out,
        seed=seed,
        as_of=today,
        households_per_commune=households_per_commune or HOUSEHOLDS_PER_COMMUNE,
    )
    _coverage_report(communes=communes, report=report, out=out)
    report.snapshots = snapshots_ensure(today=today)
    out(f"Coverage snapshots: {report.snapshots:,} rows over the last {SNAPSHOT_DAYS} days.")
    targets_ensure(actor=admin, province=province, year=today.year)
    report.teams = teams_ensure(communes=communes, seed=seed, out=out)
    logins += field_logins_ensure(actor=admin, commune=commune, out=out)
    report.campaign = campaign_ensure(
        actor=admin,
        province=province,
        field_user=_user("thanhvien"),
        commune=commune,
        today=today,
        out=out,
    )
    logins += modules_ensure(actor=admin, province=province, commune=commune, today=today, out=out)
    report.logins = logins
    return report


def modules_ensure(
    *, actor: User, province: AdminUnit, commune: AdminUnit, today: dt.date, out: Out
) -> list[DemoLogin]:
    """The second wave's demo data: training, schools, the seed directive, models, movements
    and offers, honours, the media log; returns the logins it adds (the teacher's)."""
    from cdtt.training.demo import training_demo_ensure

    out(
        f"Training: {training_demo_ensure(actor=actor, province=province, member_user=_user('thanhvien'))}."
    )
    from cdtt.schools.demo import TEACHER, schools_demo_ensure

    out(f"Schools: {schools_demo_ensure(commune=commune, password=DEMO_PASSWORD, today=today)}.")
    from cdtt.directives.demo import seed_directive_ensure

    seed_directive_ensure(actor=actor, province=province)
    out("Seed directive: every clause (1a–1c, 2a–2e) as a task with its agencies.")
    _second_wave_demo(admin=actor, province=province, commune=commune, today=today, out=out)
    from cdtt.honours.demo import honours_demo_ensure
    from cdtt.media.demo import media_demo_ensure

    officers = {
        "commune": _user("xa"),
        "district": _user("huyen"),
        "department": actor,
        "chairman": _user("lanhdao"),
    }
    honours = honours_demo_ensure(
        actor=actor, province=province, commune=commune, officers=officers, today=today
    )
    out(f"Honours: {honours}.")
    out(
        f"Media log: {media_demo_ensure(actor=actor, province=province, commune=commune, today=today)}."
    )
    return [DemoLogin(TEACHER, Role.TEACHER, commune.full_name)]


def print_logins(report: DemoReport, port: int, out: Out = print) -> None:
    out("")
    out(f"CDTT demo ({report.scale}): http://127.0.0.1:{port}/")
    out(f"Password for every demo login: {DEMO_PASSWORD}")
    width = max(len(login.username) for login in report.logins)
    for login in report.logins:
        team = f" · {login.team}" if login.team else ""
        out(f"  {login.username:<{width}}  {Role(login.role).label} — {login.unit}{team}")


DEMO_USERNAMES = ["sotttt", "lanhdao", "huyen", "xa", "totruong", "thanhvien", "giaovien"]


def existing_logins() -> list[DemoLogin]:
    users = User.objects.filter(username__in=DEMO_USERNAMES).select_related("scope_unit")
    by_name = {u.username: u for u in users}
    return [
        DemoLogin(
            name,
            by_name[name].role,
            by_name[name].scope_unit.full_name if by_name[name].scope_unit else "",
        )
        for name in DEMO_USERNAMES
        if name in by_name
    ]
