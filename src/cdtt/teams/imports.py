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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
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

REQUIRED = ["Mã xã", "Họ và tên", "Vai trò trong tổ"]
OPTIONAL = [
    "Thôn",
    "Tên tổ",
    "Số quyết định",
    "Ngày quyết định",
    "Giới tính",
    "Năm sinh",
    "Số điện thoại",
    "Email",
    "Cơ quan, đơn vị",
    "Chức vụ",
    "Lực lượng nòng cốt",
    "Kỹ năng hướng dẫn",
    "Ngày tham gia",
]
TEMPLATE_HEADERS = [
    "Mã xã",
    "Thôn",
    "Tên tổ",
    "Số quyết định",
    "Ngày quyết định",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Số điện thoại",
    "Email",
    "Vai trò trong tổ",
    "Lực lượng nòng cốt",
    "Cơ quan, đơn vị",
    "Chức vụ",
    "Kỹ năng hướng dẫn",
    "Ngày tham gia",
]

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
    estimate = max(lines - 1, 0)
    tick = _Ticker(progress, 2 * estimate)
    cols = table.require({header_key(h): h for h in REQUIRED})
    opt = table.optional([header_key(h) for h in OPTIONAL])

    def get(cells, name):
        key = header_key(name)
        return cell(cells, cols.get(key, opt.get(key)))

    scope = AdminUnit.objects.all() if actor is None else units_for(actor)
    communes = {u.code: u for u in scope.filter(level=Level.COMMUNE)}
    villages_by_commune: dict[int, dict[str, AdminUnit]] = defaultdict(dict)
    villages_by_code: dict[str, AdminUnit] = {}
    for v in scope.filter(level=Level.VILLAGE, valid_to__isnull=True).select_related("parent"):
        villages_by_commune[v.parent_id][v.name_key] = v
        villages_by_commune[v.parent_id][fold(v.full_name)] = v
        villages_by_code[v.code] = v
    orgs: dict[str, Organization] = {}
    for o in Organization.objects.all() if actor is None else organizations_for(actor):
        orgs.setdefault(o.name_key, o)
        if o.short_name:
            orgs.setdefault(fold(o.short_name), o)

    result = TeamImportResult(dry_run=dry_run, skip_invalid=skip_invalid)
    rows: list[_Row] = []
    err = result.errors.append
    read = 0
    for number, cells in table.rows:
        read += 1
        tick()
        bad = len(result.errors)
        code = get(cells, "Mã xã")
        commune = communes.get(code)
        if commune is None:
            err(
                RowError(
                    number,
                    "Mã xã",
                    _("Không có xã mã “%(c)s” trong phạm vi của bạn.") % {"c": code},
                )
            )
            continue
        unit = commune
        village_text = get(cells, "Thôn")
        if village_text:
            v = villages_by_code.get(village_text) or villages_by_commune[commune.pk].get(
                fold(village_text)
            )
            if v is None:
                # Administrative units are public: naming the commune a village belongs to,
                # even outside the user's scope, is what makes the report useful.
                elsewhere = (
                    AdminUnit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True)
                    .filter(Q(name_key=fold(village_text)) | Q(code=village_text))
                    .exclude(parent=commune)
                    .select_related("parent")
                    .first()
                )
                if elsewhere:
                    err(
                        RowError(
                            number,
                            "Thôn",
                            _("“%(v)s” thuộc %(o)s, không thuộc %(c)s.")
                            % {
                                "v": village_text,
                                "o": elsewhere.parent.full_name,
                                "c": commune.full_name,
                            },
                        )
                    )
                else:
                    err(
                        RowError(
                            number,
                            "Thôn",
                            _("%(c)s không có thôn “%(v)s”.")
                            % {"c": commune.full_name, "v": village_text},
                        )
                    )
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
                unit = v
        full_name = get(cells, "Họ và tên")
        if not full_name:
            err(RowError(number, "Họ và tên", _("Họ và tên không được để trống.")))
        role = ROLES.get(fold(get(cells, "Vai trò trong tổ")) or fold("Thành viên"))
        if role is None:
            err(
                RowError(
                    number,
                    "Vai trò trong tổ",
                    _("Vai trò phải là Tổ trưởng, Tổ phó hoặc Thành viên."),
                )
            )
        gender = GENDERS.get(fold(get(cells, "Giới tính")))
        if gender is None:
            err(RowError(number, "Giới tính", _("Giới tính phải là Nam, Nữ hoặc Khác.")))
        try:
            birth_year = services.clean_birth_year(get(cells, "Năm sinh"))
        except ValidationError as exc:
            err(RowError(number, "Năm sinh", exc.message_dict["birth_year"][0]))
            birth_year = None
        try:
            phone = phone_normalize(get(cells, "Số điện thoại"))
        except PhoneInvalid as exc:
            err(RowError(number, "Số điện thoại", str(exc)))
            phone = ""
        try:
            email = services.clean_email(get(cells, "Email"))
        except ValidationError as exc:
            err(RowError(number, "Email", exc.message_dict["email"][0]))
            email = ""
        org_text = get(cells, "Cơ quan, đơn vị")
        organization = orgs.get(fold(org_text)) if org_text else None
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
        for part in get(cells, "Kỹ năng hướng dẫn").replace(";", ",").split(","):
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
                dates[col] = _parse_date(get(cells, col))
            except ValueError:
                err(
                    RowError(
                        number,
                        col,
                        _("Ngày phải có dạng dd/mm/yyyy: “%(v)s”.") % {"v": get(cells, col)},
                    )
                )
        if len(result.errors) > bad:
            continue
        rows.append(
            _Row(
                number=number,
                unit=unit,
                team_name=get(cells, "Tên tổ"),
                decision_number=get(cells, "Số quyết định"),
                decision_date=dates["Ngày quyết định"],
                full_name=full_name,
                gender=gender,
                birth_year=birth_year,
                phone=phone,
                email=email,
                role=role,
                core_force=fold(get(cells, "Lực lượng nòng cốt")) in YES,
                organization=organization,
                position=get(cells, "Chức vụ"),
                skills=skills,
                joined_on=dates["Ngày tham gia"],
            )
        )

    # Team-level checks: one leader for each new team, no person twice in a team.
    by_unit: dict[int, list[_Row]] = defaultdict(list)
    for r in rows:
        by_unit[r.unit.pk].append(r)
    existing = {
        t.unit_id: t for t in Team.objects.filter(unit_id__in=by_unit, dissolved_on__isnull=True)
    }
    for unit_id, team_rows in by_unit.items():
        team = existing.get(unit_id)
        leaders = [r for r in team_rows if r.role == MemberRole.LEADER]
        current_leader = (
            team.memberships.filter(role=MemberRole.LEADER, left_on__isnull=True)
            .select_related("person")
            .first()
            if team
            else None
        )
        if current_leader is None and not leaders:
            err(
                RowError(
                    team_rows[0].number,
                    "Vai trò trong tổ",
                    _("Tổ của %(u)s chưa có tổ trưởng: cần đúng một dòng “Tổ trưởng”.")
                    % {"u": team_rows[0].unit.full_name},
                )
            )
            if skip_invalid:
                for r in team_rows[1:]:
                    err(
                        RowError(
                            r.number,
                            "Vai trò trong tổ",
                            _("Bỏ qua: tổ của %(u)s chưa có tổ trưởng (xem dòng %(r)d).")
                            % {"u": r.unit.full_name, "r": team_rows[0].number},
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
        seen: dict[tuple, int] = {}
        for r in team_rows:
            key = (fold(r.full_name), r.phone or r.birth_year)
            if key in seen:
                err(
                    RowError(
                        r.number,
                        "Họ và tên",
                        _("Trùng thành viên với dòng %(r)d.") % {"r": seen[key]},
                    )
                )
            seen.setdefault(key, r.number)
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
    try:
        with transaction.atomic():
            for unit_id, team_rows in groups:
                _apply_team(result, existing.get(unit_id), team_rows, skip_invalid)
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
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
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
