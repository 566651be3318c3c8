"""Importing teams and members (XLSX/CSV): all or nothing, with a row-by-row report; with
``skip_invalid`` the good rows are imported and the bad ones reported.

One row per member. Rows with the same commune and village (or no village: the commune-level
team) belong to one team; a team not yet in the database is founded, and then needs exactly one
row whose role is "Tổ trưởng". Re-importing the same file changes nothing: a team is found by
its unit, a person by phone (or by name and year of birth within the team), a membership by
(team, person). With ``skip_invalid`` a bad row is left out; so are the other rows of a new team
whose leader row is bad, since a team cannot be founded without its leader.

``progress(done, total)``, if given, is called every few hundred rows: each row counts once
when it is read and checked, and once more when it is written (the rows left out are not
written, so ``total`` shrinks to what remains once the checks are done).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.imports import (
    Column,
    ImportKind,
    ImportResult,
    bytes_runner,
    import_kind_register,
)
from cdtt.geo.access import units_for
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.tabular import ZIP_MAGIC, RowError, cell, open_table
from cdtt.lib.text import fold, header_key
from cdtt.organizations.models import Organization
from cdtt.organizations.selectors import organizations_for
from cdtt.teams import services
from cdtt.teams.models import MemberRole, Membership, Person, Team

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 250  # rows between two progress reports

COLUMNS = (
    Column("Mã xã", True, _lazy("mã xã chính thức")),
    Column("Thôn", False, _lazy("tên hoặc mã thôn; để trống là tổ cấp xã")),
    Column("Tên tổ", False, _lazy("tên tổ (tổ mới)")),
    Column("Số quyết định", False, _lazy("số quyết định thành lập tổ")),
    Column("Ngày quyết định", False, _lazy("dd/mm/yyyy")),
    Column("Họ và tên", True, _lazy("họ và tên thành viên")),
    Column("Giới tính", False, _lazy("Nam / Nữ / Khác")),
    Column("Năm sinh", False, _lazy("năm sinh")),
    Column("Số điện thoại", False, _lazy("số điện thoại Việt Nam")),
    Column("Email", False, _lazy("địa chỉ email")),
    Column("Vai trò trong tổ", True, _lazy("Tổ trưởng / Tổ phó / Thành viên")),
    Column("Lực lượng nòng cốt", False, _lazy("Có, hoặc để trống")),
    Column("Cơ quan, đơn vị", False, _lazy("tên cơ quan, đơn vị đã có trên hệ thống")),
    Column("Chức vụ", False, _lazy("chức vụ")),
    Column("Kỹ năng hướng dẫn", False, _lazy("các kỹ năng, cách nhau bởi dấu phẩy")),
    Column("Ngày tham gia", False, _lazy("dd/mm/yyyy")),
)
REQUIRED = [c.header for c in COLUMNS if c.required]
OPTIONAL = [c.header for c in COLUMNS if not c.required]
TEMPLATE_HEADERS = [c.header for c in COLUMNS]

ROLES = {
    fold("Tổ trưởng"): MemberRole.LEADER,
    fold("Tổ phó"): MemberRole.DEPUTY,
    fold("Thành viên"): MemberRole.MEMBER,
    "leader": MemberRole.LEADER,
    "deputy": MemberRole.DEPUTY,
    "member": MemberRole.MEMBER,
}
GENDERS = {"nam": "M", "nu": "F", "khac": "O", "": ""}
YES = {"co", "x", "1", "yes", "true", "dung"}
SKILLS = {
    **{
        code: code
        for code in ["public_services", "shopping", "payment", "safety", "local_platform"]
    },
    fold("Dịch vụ công trực tuyến"): "public_services",
    fold("Dịch vụ công"): "public_services",
    fold("Mua sắm trực tuyến"): "shopping",
    fold("Mua sắm"): "shopping",
    fold("Thanh toán trực tuyến"): "payment",
    fold("Thanh toán"): "payment",
    fold("An toàn trên không gian mạng"): "safety",
    fold("An toàn"): "safety",
    fold("Nền tảng số khác"): "local_platform",
    fold("Nền tảng số"): "local_platform",
}


@dataclass
class TeamImportResult:
    teams_created: int = 0
    members_added: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_skipped(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def written(self) -> bool:
        """Whether the import wrote (or, in a dry run, would write) the good rows."""
        return self.ok or self.skip_invalid

    def message(self) -> str:
        counts = _("%(t)d tổ mới, %(m)d thành viên mới; %(u)d thành viên đã có từ trước") % {
            "t": self.teams_created,
            "m": self.members_added,
            "u": self.unchanged,
        }
        if self.dry_run:
            text = _("Chạy thử, chưa ghi gì: sẽ có %(c)s.") % {"c": counts}
        else:
            text = _("Đã nhập: %(c)s.") % {"c": counts}
        if self.errors:
            text += " " + _("Bỏ qua %(n)d dòng lỗi.") % {"n": self.rows_skipped}
        return text

    def as_import_result(self) -> ImportResult:
        """The shape every import kind returns (cdtt.core.imports)."""
        return ImportResult(
            message=self.message(),
            counts={
                "teams_created": self.teams_created,
                "members_added": self.members_added,
                "unchanged": self.unchanged,
                "rows_skipped": self.rows_skipped,
            },
            errors=self.errors,
            errors_total=len(self.errors),
            imported=self.teams_created + self.members_added + self.unchanged,
            written=self.written,
            dry_run=self.dry_run,
            skip_invalid=self.skip_invalid,
        )


class _Rollback(Exception):
    pass


class _Ticker:
    """Counts the work done and reports it every ``PROGRESS_EVERY`` rows."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done, self.reported = progress, total, 0, 0

    def __call__(self, n: int = 1) -> None:
        self.done += n
        if self.progress and self.done - self.reported >= PROGRESS_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.progress:
            self.reported = self.done
            # An XLSX's rows are unknown until read: reading is then shown as half the work.
            total = self.total or 2 * self.done
            self.progress(self.done, max(total, self.done))


@dataclass
class _Row:
    number: int
    unit: AdminUnit
    team_name: str
    decision_number: str
    decision_date: object
    full_name: str
    gender: str
    birth_year: int | None
    phone: str
    email: str
    role: str
    core_force: bool
    organization: Organization | None
    position: str
    skills: list[str]
    joined_on: object


def _parse_date(text: str):
    import datetime as dt

    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class _Lookups:
    """What the rows are matched against, within the importer's scope."""

    communes: dict[str, AdminUnit]
    villages_by_commune: dict[int, dict[str, AdminUnit]]
    villages_by_code: dict[str, AdminUnit]
    orgs: dict[str, Organization]


def _lookups(actor) -> _Lookups:
    scope = AdminUnit.objects.all() if actor is None else units_for(actor)
    communes = {u.code: u for u in scope.filter(level=Level.COMMUNE, valid_to__isnull=True)}
    by_commune: dict[int, dict[str, AdminUnit]] = defaultdict(dict)
    by_code: dict[str, AdminUnit] = {}
    for v in scope.filter(level=Level.VILLAGE, valid_to__isnull=True).select_related("parent"):
        by_commune[v.parent_id][v.name_key] = v
        by_commune[v.parent_id][fold(v.full_name)] = v
        by_code[v.code] = v
    orgs: dict[str, Organization] = {}
    for o in Organization.objects.all() if actor is None else organizations_for(actor):
        orgs.setdefault(o.name_key, o)
        if o.short_name:
            orgs.setdefault(fold(o.short_name), o)
    return _Lookups(communes, by_commune, by_code, orgs)


Report = Callable[[RowError], None]


def _row_unit(number: int, get, look: _Lookups, err: Report) -> AdminUnit | None:
    """The commune, or the village of the commune, a row names; None (reported) if neither."""
    code = get("Mã xã")
    commune = look.communes.get(code)
    if commune is None:
        err(
            RowError(
                number, "Mã xã", _("Không có xã mã “%(c)s” trong phạm vi của bạn.") % {"c": code}
            )
        )
        return None
    village_text = get("Thôn")
    if not village_text:
        return commune
    v = look.villages_by_code.get(village_text) or look.villages_by_commune[commune.pk].get(
        fold(village_text)
    )
    if v is None:
        err(RowError(number, "Thôn", _village_unknown(commune, village_text)))
    elif v.parent_id != commune.pk:
        err(
            RowError(
                number,
                "Thôn",
                _("Thôn mã %(v)s thuộc %(o)s, không thuộc %(c)s.")
                % {"v": v.code, "o": v.parent.full_name, "c": commune.full_name},
            )
        )
    else:
        return v
    return commune


def _village_unknown(commune: AdminUnit, village_text: str) -> str:
    # Administrative units are public: naming the commune a village belongs to, even outside
    # the user's scope, is what makes the report useful.
    elsewhere = (
        AdminUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
        .filter(Q(name_key=fold(village_text)) | Q(code=village_text))
        .exclude(parent=commune)
        .select_related("parent")
        .first()
    )
    if elsewhere:
        return _("“%(v)s” thuộc %(o)s, không thuộc %(c)s.") % {
            "v": village_text,
            "o": elsewhere.parent.full_name,
            "c": commune.full_name,
        }
    return _("%(c)s không có thôn “%(v)s”.") % {"c": commune.full_name, "v": village_text}


def _row_person(number: int, get, err: Report) -> dict:
    """The member's own columns, checked one by one."""
    full_name = get("Họ và tên")
    if not full_name:
        err(RowError(number, "Họ và tên", _("Họ và tên không được để trống.")))
    role = ROLES.get(fold(get("Vai trò trong tổ")) or fold("Thành viên"))
    if role is None:
        err(
            RowError(
                number,
                "Vai trò trong tổ",
                _("Vai trò phải là Tổ trưởng, Tổ phó hoặc Thành viên."),
            )
        )
    gender = GENDERS.get(fold(get("Giới tính")))
    if gender is None:
        err(RowError(number, "Giới tính", _("Giới tính phải là Nam, Nữ hoặc Khác.")))
    try:
        birth_year = services.clean_birth_year(get("Năm sinh"))
    except ValidationError as exc:
        err(RowError(number, "Năm sinh", exc.message_dict["birth_year"][0]))
        birth_year = None
    try:
        phone = phone_normalize(get("Số điện thoại"))
    except PhoneInvalid as exc:
        err(RowError(number, "Số điện thoại", str(exc)))
        phone = ""
    try:
        email = services.clean_email(get("Email"))
    except ValidationError as exc:
        err(RowError(number, "Email", exc.message_dict["email"][0]))
        email = ""
    return {
        "full_name": full_name,
        "role": role,
        "gender": gender,
        "birth_year": birth_year,
        "phone": phone,
        "email": email,
    }


def _row_extras(number: int, get, look: _Lookups, err: Report) -> dict:
    """The organisation, the skills taught and the dates of a row."""
    org_text = get("Cơ quan, đơn vị")
    organization = look.orgs.get(fold(org_text)) if org_text else None
    if org_text and organization is None:
        err(
            RowError(
                number,
                "Cơ quan, đơn vị",
                _("Không có cơ quan, đơn vị “%(o)s”; hãy thêm ở trang Cơ quan, đơn vị trước.")
                % {"o": org_text},
            )
        )
    skills = []
    for part in get("Kỹ năng hướng dẫn").replace(";", ",").split(","):
        if part.strip():
            code = SKILLS.get(fold(part))
            if code is None:
                err(
                    RowError(
                        number,
                        "Kỹ năng hướng dẫn",
                        _("Không rõ kỹ năng “%(s)s”.") % {"s": part.strip()},
                    )
                )
            else:
                skills.append(code)
    dates = {}
    for col in ("Ngày quyết định", "Ngày tham gia"):
        try:
            dates[col] = _parse_date(get(col))
        except ValueError:
            err(
                RowError(number, col, _("Ngày phải có dạng dd/mm/yyyy: “%(v)s”.") % {"v": get(col)})
            )
    return {
        "organization": organization,
        "skills": skills,
        "decision_date": dates.get("Ngày quyết định"),
        "joined_on": dates.get("Ngày tham gia"),
    }


def _row_read(number: int, get, look: _Lookups, result: TeamImportResult) -> _Row | None:
    """One row checked column by column; None when anything was reported."""
    bad = len(result.errors)
    unit = _row_unit(number, get, look, result.errors.append)
    if unit is None:
        return None
    person = _row_person(number, get, result.errors.append)
    extras = _row_extras(number, get, look, result.errors.append)
    if len(result.errors) > bad:
        return None
    return _Row(
        number=number,
        unit=unit,
        team_name=get("Tên tổ"),
        decision_number=get("Số quyết định"),
        core_force=fold(get("Lực lượng nòng cốt")) in YES,
        position=get("Chức vụ"),
        **person,
        **extras,
    )


def _team_checks(team: Team | None, team_rows: list[_Row], skip_invalid: bool, err: Report):
    """One leader for each new team (the same as the team's, for an existing one); no person
    twice in a team."""
    leaders = [r for r in team_rows if r.role == MemberRole.LEADER]
    current_leader = (
        team.memberships.filter(role=MemberRole.LEADER, left_on__isnull=True)
        .select_related("person")
        .first()
        if team
        else None
    )
    first = team_rows[0]
    if current_leader is None and not leaders:
        err(
            RowError(
                first.number,
                "Vai trò trong tổ",
                _("Tổ của %(u)s chưa có tổ trưởng: cần đúng một dòng “Tổ trưởng”.")
                % {"u": first.unit.full_name},
            )
        )
        if skip_invalid:
            for r in team_rows[1:]:
                err(
                    RowError(
                        r.number,
                        "Vai trò trong tổ",
                        _("Bỏ qua: tổ của %(u)s chưa có tổ trưởng (xem dòng %(r)d).")
                        % {"u": r.unit.full_name, "r": first.number},
                    )
                )
    for extra in leaders[1:]:
        err(
            RowError(
                extra.number,
                "Vai trò trong tổ",
                _("Tổ chỉ có một tổ trưởng (đã có ở dòng %(r)d).") % {"r": leaders[0].number},
            )
        )
    if current_leader and leaders and not _same_person(current_leader.person, leaders[0]):
        err(
            RowError(
                leaders[0].number,
                "Vai trò trong tổ",
                _("Tổ đã có tổ trưởng %(n)s; hãy đổi tổ trưởng trên trang của tổ.")
                % {"n": current_leader.person.full_name},
            )
        )
    _duplicate_checks(team_rows, err)


def _duplicate_checks(team_rows: list[_Row], err: Report) -> None:
    seen: dict[tuple, int] = {}
    for r in team_rows:
        key = (fold(r.full_name), r.phone or r.birth_year)
        if key in seen:
            err(
                RowError(
                    r.number, "Họ và tên", _("Trùng thành viên với dòng %(r)d.") % {"r": seen[key]}
                )
            )
        seen.setdefault(key, r.number)


def _rows_read(table, actor, result: TeamImportResult, tick: _Ticker) -> list[_Row]:
    """Every row of the file, checked column by column: the good ones come back."""
    cols = table.require({header_key(h): h for h in REQUIRED})
    opt = table.optional([header_key(h) for h in OPTIONAL])
    look = _lookups(actor)
    rows: list[_Row] = []
    for number, cells in table.rows:
        tick()

        def get(name, cells=cells):
            key = header_key(name)
            return cell(cells, cols.get(key, opt.get(key)))

        row = _row_read(number, get, look, result)
        if row is not None:
            rows.append(row)
    return rows


def _write(actor, result: TeamImportResult, groups, existing, tick: _Ticker) -> None:
    """Found the teams and add the members, in one transaction (rolled back on a dry run)."""
    try:
        with transaction.atomic():
            for unit_id, team_rows in groups:
                _apply_team(result, existing.get(unit_id), team_rows, result.skip_invalid)
                tick(len(team_rows))
            if result.teams_created or result.members_added:
                audit_record(
                    actor=actor,
                    action="team.import",
                    object_type="teams.Team",
                    unit=getattr(actor, "scope_unit", None),
                    summary=_("Nhập danh sách tổ: %(t)d tổ mới, %(m)d thành viên mới")
                    % {"t": result.teams_created, "m": result.members_added},
                )
            if result.dry_run:
                raise _Rollback
    except _Rollback:
        pass


def teams_import(
    *,
    actor,
    data: bytes,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> TeamImportResult:
    """Found the teams and add the members listed in the file; a file with a bad row changes
    nothing and the result lists every bad row, unless ``skip_invalid``: then the good rows are
    imported. ``actor`` None (the command line) sees every commune and organisation."""
    table = open_table(data)
    # A CSV's lines (less the header) estimate its rows; an XLSX sheet states its size.
    lines = table.lines if data.startswith(ZIP_MAGIC) else data.count(b"\n")
    tick = _Ticker(progress, 2 * max(lines - 1, 0))
    result = TeamImportResult(dry_run=dry_run, skip_invalid=skip_invalid)
    rows = _rows_read(table, actor, result, tick)
    read = tick.done
    by_unit: dict[int, list[_Row]] = defaultdict(list)
    for r in rows:
        by_unit[r.unit.pk].append(r)
    existing = {
        t.unit_id: t for t in Team.objects.filter(unit_id__in=by_unit, dissolved_on__isnull=True)
    }
    for unit_id, team_rows in by_unit.items():
        _team_checks(existing.get(unit_id), team_rows, skip_invalid, result.errors.append)
    result.errors.sort(key=lambda e: e.row)
    if result.errors and not skip_invalid:
        tick.total = read  # nothing is written
        tick.flush()
        return result
    bad = {e.row for e in result.errors}
    groups = [
        (unit_id, kept)
        for unit_id, team_rows in by_unit.items()
        if (kept := [r for r in team_rows if r.number not in bad])
    ]
    tick.total = read + sum(len(team_rows) for _unit, team_rows in groups)
    tick.flush()
    _write(actor, result, groups, existing, tick)
    tick.flush()
    result.errors.sort(key=lambda e: e.row)
    if result.errors and not skip_invalid:
        result.teams_created = result.members_added = result.unchanged = 0
    return result


def _apply_team(
    result: TeamImportResult, team: Team | None, team_rows: list[_Row], skip_invalid: bool
) -> None:
    """One team's rows in a savepoint: a rule the services enforce fails the team's rows only
    (with ``skip_invalid``) or the whole import."""
    before = (result.teams_created, result.members_added, result.unchanged)
    try:
        with transaction.atomic():
            _apply(result, team, team_rows)
    except ValidationError as exc:
        result.teams_created, result.members_added, result.unchanged = before
        reason = "; ".join(exc.messages)
        for r in team_rows:
            result.errors.append(RowError(r.number, "", reason))
        if not skip_invalid:
            raise _Rollback from None


def _same_person(person: Person, row: _Row) -> bool:
    if row.phone and person.phone:
        return row.phone == person.phone
    return person.name_key == fold(row.full_name) and (
        not row.birth_year or person.birth_year in (None, row.birth_year)
    )


def _person_for(team: Team | None, row: _Row) -> Person:
    if team is not None:
        for m in team.memberships.filter(left_on__isnull=True).select_related("person"):
            if _same_person(m.person, row):
                return m.person
    if row.phone:
        found = Person.objects.filter(phone=row.phone, name_key=fold(row.full_name)).first()
        if found:
            return found
    return services.person_create(
        actor=None,
        full_name=row.full_name,
        gender=row.gender,
        birth_year=row.birth_year,
        phone=row.phone,
        email=row.email,
        organization=row.organization,
        position=row.position,
    )


def _apply(result: TeamImportResult, team: Team | None, team_rows: list[_Row]) -> None:
    leader_row = next((r for r in team_rows if r.role == MemberRole.LEADER), None)
    if team is None:
        first = team_rows[0]
        team = services.team_found(
            actor=None,
            unit=first.unit,
            leader=_person_for(None, leader_row),
            name=next((r.team_name for r in team_rows if r.team_name), ""),
            decision_number=next((r.decision_number for r in team_rows if r.decision_number), ""),
            decision_date=next((r.decision_date for r in team_rows if r.decision_date), None),
            leader_core_force=leader_row.core_force,
            leader_skills=leader_row.skills,
            founded_on=leader_row.joined_on,
        )
        result.teams_created += 1
        result.members_added += 1
        done = {leader_row.number}
    else:
        done = set()
    for r in team_rows:
        if r.number in done:
            continue
        person = _person_for(team, r)
        if Membership.objects.filter(team=team, person=person, left_on__isnull=True).exists():
            result.unchanged += 1
            continue
        services.member_add(
            actor=None,
            team=team,
            person=person,
            role=r.role,
            core_force=r.core_force,
            skills=r.skills,
            joined_on=r.joined_on,
        )
        result.members_added += 1


teams_run = bytes_runner(teams_import)


def _template_rows(user) -> list[list]:
    """A leader and a deputy of a village team, in the user's commune."""
    scope = getattr(user, "scope_unit", None)
    code = scope.code if scope else "16000"
    return [
        [
            code,
            "Thôn 1",
            "",
            "15/QĐ-UBND",
            dt.date(2024, 1, 2),  # a date cell, as a spreadsheet user types it
            "Lê Văn Hùng",
            "Nam",
            1975,
            "0912345678",
            "",
            "Tổ trưởng",
            "",
            "",
            "Trưởng thôn",
            "Dịch vụ công trực tuyến",
            dt.date(2024, 1, 2),
        ],
        [
            code,
            "Thôn 1",
            "",
            "",
            "",
            "Nguyễn Thị Mai",
            "Nữ",
            1998,
            "0987654321",
            "",
            "Tổ phó",
            "Có",
            "",
            "Bí thư chi đoàn",
            "Thanh toán trực tuyến, An toàn trên không gian mạng",
            "",
        ],
    ]


TEAMS = import_kind_register(
    ImportKind(
        code="teams",
        label=_lazy("Tổ CNSCĐ và thành viên"),
        columns=COLUMNS,
        roles=frozenset(roles.MANAGE_UNITS),
        run=teams_run,
        job_title=_lazy("Nhập danh sách tổ từ %(f)s"),
        help=_lazy(
            "Tệp XLSX hoặc CSV (UTF-8), mỗi dòng một thành viên. Cột Thôn để trống nghĩa là tổ "
            "cấp xã. Mỗi tổ mới cần đúng một dòng Tổ trưởng."
        ),
        sheet=_lazy("Tổ CNSCĐ"),
        template_name="mau-to-cnscd.xlsx",
        template_rows=_template_rows,
    )
)
