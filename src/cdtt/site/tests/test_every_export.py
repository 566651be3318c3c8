"""Every XLSX the project exports, read back: typed cells in Vietnamese formats, a bold, frozen
and filtered header, columns wide enough, a sheet and file properties that say what it is; the
import templates keep their header on row 1 and import again.

The exports are discovered: every declared list (``cdtt.core.listing``) and every module that
calls the XLSX writer must be covered here, so a new export fails this test until it is."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import pkgutil
import re
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

import cdtt
from cdtt.campaigns.tests.factories import Field
from cdtt.campaigns.visits import visit_submit
from cdtt.core.imports import import_kinds, import_template_xlsx
from cdtt.core.listing import Listing
from cdtt.core.models import Job
from cdtt.documents.tests.sources import calls_of
from cdtt.geo.models import Level
from cdtt.registry.exports import coverage_xlsx
from cdtt.testing import make_unit

pytestmark = pytest.mark.django_db

# The declared lists, by name: the address of their page.
LISTS = {
    "teams.teams": lambda f: reverse("teams:list"),
    "teams.members": lambda f: reverse("teams:members"),
    "geo.children": lambda f: reverse("geo:unit", args=[f.tree.commune.code]),
    "registry.households": lambda f: reverse("registry:households"),
    "accounts.users": lambda f: reverse("accounts:users"),
    "core.jobs": lambda f: reverse("core:jobs"),
    "campaigns.campaigns": lambda f: reverse("campaigns:list"),
    "organizations.organizations": lambda f: reverse("organizations:list"),
    "site.audit_log": lambda f: reverse("site:audit_log"),
    "training.courses": lambda f: reverse("training:list"),
    "directives.directives": lambda f: reverse("directives:list"),
    "directives.tasks": lambda f: reverse("directives:tasks"),
    "schools.schools": lambda f: reverse("schools:list"),
    "reports.reports": lambda f: reverse("reports:list"),
    "schools.students": lambda f: reverse("schools:class", args=[_school_class(f).pk]),
    "training.completions": lambda f: reverse("training:completions", args=[_course(f).pk]),
    "privacy.access_log": lambda f: reverse("privacy:access_log"),
    "practices.initiatives": lambda f: _initiative(f) and reverse("practices:list"),
    "practices.library": lambda f: _initiative(f) and reverse("practices:library"),
    "movements.movements": lambda f: _movement(f) and reverse("movements:list"),
    "movements.claims": lambda f: reverse("movements:claims", args=[_movement(f).pk]),
    "offers.offers": lambda f: _offer(f) and reverse("offers:list"),
    "offers.claims": lambda f: reverse("offers:detail", args=[_offer(f).pk]),
    "honours.rounds": lambda f: reverse("honours:rounds") if _honours_round(f) else "",
    "honours.nominations": lambda f: reverse("honours:round", args=[_honours_round(f).pk]),
    "media.posts": lambda f: reverse("media:posts") if _honours_round(f) else "",
}
# The other exports: a download address each (the coverage also through the command line).
OTHERS = {
    "coverage": lambda f: reverse("registry:dashboard") + "?format=xlsx",
    "team figures": lambda f: reverse("teams:figures") + "?format=xlsx",
    "campaign dashboard": lambda f: (
        reverse("campaigns:detail", args=[f.campaign.pk]) + "?format=xlsx"
    ),
    "daily summary": lambda f: (
        reverse("campaigns:daily", args=[f.campaign.pk]) + "?format=xlsx&unit=16000"
    ),
    "job errors": lambda f: reverse("core:job_errors", args=[f.job.pk]),
    "report annex": lambda f: reverse("reports:file", args=[_report(f).pk, "xlsx"]),
    "movement ranking": lambda f: (
        reverse("movements:detail", args=[_movement(f).pk]) + "?format=xlsx"
    ),
}
# The modules that call the writer themselves, and the exports above that cover them.
WRITERS = {
    "cdtt.core.listing": list(LISTS),
    # The background export of a long list: the same lists, written by a job.
    "cdtt.core.exports": list(LISTS),
    "cdtt.core.imports": ["import templates"],
    "cdtt.core.views": ["job errors"],
    "cdtt.registry.exports": ["coverage"],
    "cdtt.teams.views.figures": ["team figures"],
    "cdtt.campaigns.views": ["campaign dashboard"],
    "cdtt.campaigns.reports": ["daily summary"],
}
# Exports that need the real map of a province (the move across the 2025 merger): their
# workbooks are read back, and imported again, by geo/tests/test_remap_page.py.
WRITERS["cdtt.geo.remap_views"] = []
WRITERS["cdtt.reports.content"] = ["report annex"]
# A data subject's request: everything about one resident (a POST: read back below).
WRITERS["cdtt.privacy.services"] = ["subject export"]
WRITERS["cdtt.movements.exports"] = ["movement ranking"]  # the page's and the command's
# The command line's workbook of completions: the same columns as the page's list.
WRITERS["cdtt.training.management.commands.training"] = ["training.completions"]
WRITER_CALLS = ("xlsx_response", "xlsx_bytes", "xlsx_file", "write_xlsx")

NUMBER_FORMATS = {"#,##0", "#,##0.0", "#,##0.##", "0.0%"}
DATE_FORMATS = {"DD/MM/YYYY", "DD/MM/YYYY HH:MM"}
# Text that a spreadsheet should have held as a number or a date.
LOOKS_TYPED = re.compile(r"^-?\d+([.,]\d+)?%?$|^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?$")
# Columns whose digits are identifiers or names, rightly text (codes keep their leading zeros;
# a village may be named "1").
CODE_HEADERS = re.compile(r"^(mã|tên|code|số điện thoại|điện thoại|phone)", re.IGNORECASE)
YEAR_HEADERS = re.compile(r"^năm\b", re.IGNORECASE)
A_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def _views_modules(app: str) -> list:
    """An app's views module, or every module of its views package."""
    try:
        views = importlib.import_module(f"{app}.views")
    except ModuleNotFoundError:
        return []
    if not hasattr(views, "__path__"):
        return [views]
    return [
        importlib.import_module(f"{app}.views.{info.name}")
        for info in pkgutil.iter_modules(views.__path__)
    ]


def declared_lists() -> dict[str, Listing]:
    """Every ``Listing`` declared in an app's views module."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("cdtt."):
            continue
        for module in _views_modules(config.name):
            for value in vars(module).values():
                if isinstance(value, Listing):
                    found[value.name] = value
    return found


def test_every_export_is_covered_here():
    assert set(declared_lists()) == set(LISTS)
    writers = {
        module
        for module, calls in calls_of(Path(cdtt.__file__).parent).items()
        if set(calls) & set(WRITER_CALLS) and module != "cdtt.lib.xlsx"
    }
    assert writers == set(WRITERS), "a module writes XLSX: add its exports to this test"


@pytest.fixture
def data(tree, make_user):
    """A commune with households, residents, a team (with its decision date) and members, a
    campaign with a visit and a target, an import job with errors, audit entries."""
    from cdtt.campaigns.models import CampaignTarget

    f = Field(tree, make_user)
    make_unit("16000-003", "1", Level.VILLAGE, tree.commune)  # the templates' "Thôn 1"
    f.team.decision_number = "12/QĐ-UBND"
    f.team.decision_date = dt.date(2024, 4, 8)
    f.team.save()
    CampaignTarget.objects.create(
        campaign=f.campaign, unit=tree.commune, households_to_visit=3, residents_to_guide=0
    )
    visit_submit(
        actor=f.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": "HO-001"},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": f.campaign.pk,
        },
    )
    f.admin = make_user("province_admin", tree.province)
    f.job = Job.objects.create(
        kind="population_import",
        title="Nhập dân cư",
        status=Job.Status.FAILED,
        created_by=f.admin,
        finished_at=timezone.now(),
        result={
            "errors": [
                {"row": 12, "column": "Ngày sinh", "reason": "Ngày không hợp lệ"},
                {"row": 13, "column": "=cmd|' /C calc'!A0", "reason": HOSTILE[1]},
            ]
        },
    )
    _hostile(f)
    return f


# Text typed or imported by someone that a spreadsheet would run: it must stay text.
HOSTILE = ('=HYPERLINK("http://example.invalid","bấm vào đây")', "+SUM(1,2)", "-2+3", "@A1")


def _hostile(f) -> None:
    """Hostile text in the places that exports read: an address, a name, a team, a log entry."""
    from cdtt.audit.services import audit_record
    from cdtt.registry.models import Household, Resident
    from cdtt.teams.models import Team

    Household.objects.filter(code="HO-001").update(address=HOSTILE[0])
    Resident.objects.filter(pk=Resident.objects.order_by("pk").first().pk).update(
        full_name="\t" + HOSTILE[2]
    )
    Team.objects.filter(pk=f.team.pk).update(name=HOSTILE[3])
    audit_record(actor=f.admin, action="unit.rename", unit=f.tree.village, summary=HOSTILE[0])


def _no_formula(data: bytes, what: str) -> None:
    """No cell of any sheet holds a formula (openpyxl writes one as <f>…</f>)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, (what, name)


def _book(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    _no_formula(data, response.get("Content-Disposition", ""))
    return load_workbook(io.BytesIO(data))


def check_workbook(book, *, what: str) -> None:
    """The rules every export keeps."""
    (ws,) = book.worksheets
    rows = list(ws.iter_rows())
    assert rows, what
    header = rows[0]
    width = len(header)
    assert all(c.value and c.font.bold for c in header), what
    assert ws.freeze_panes == "A2", what
    assert ws.auto_filter.ref == f"A1:{header[-1].column_letter}{len(rows)}", what
    assert ws.title and not ws.title.startswith("Sheet"), what
    props = book.properties
    assert props.title and props.subject and props.creator, what
    assert A_DATE.search(props.description or ""), what
    for i, head in enumerate(header):
        letter = head.column_letter
        longest = max([len(str(head.value))] + [_shown(r[i]) for r in rows[1:] if i < len(r)])
        assert ws.column_dimensions[letter].width >= min(longest, 58), (what, head.value)
    for row in rows[1:]:
        assert len(row) <= width, what
        for head, cell in zip(header, row, strict=False):
            _check_cell(head.value, cell, what)


def _shown(cell) -> int:
    """The characters a cell shows (a date read back is a datetime: its format tells)."""
    value = cell.value
    if isinstance(value, dt.date):
        return len(cell.number_format)
    return len(str(value)) if value is not None else 0


def _check_cell(header: str, cell, what: str) -> None:
    value = cell.value
    where = (what, header, value)
    if isinstance(value, str):
        assert not value.startswith("="), where  # never a formula
        if not CODE_HEADERS.match(str(header)):
            assert not LOOKS_TYPED.match(value.strip()), where  # a number or date as text
    elif isinstance(value, dt.datetime):
        assert cell.number_format in DATE_FORMATS, where
    elif isinstance(value, int | float):
        # A year is a number shown as typed (1975, not 1.975).
        year = YEAR_HEADERS.match(str(header)) and cell.number_format == "General"
        assert cell.number_format in NUMBER_FORMATS or year, where


def test_every_list_export_keeps_the_rules(data, login):
    client = login(data.admin)
    for name, url in LISTS.items():
        book = _book(client.get(url(data), {"format": "xlsx"}))
        check_workbook(book, what=name)
        assert book.properties.subject == data.tree.province.full_name or name == "geo.children"


def test_every_other_export_keeps_the_rules(data, login):
    client = login(data.admin)
    for name, url in OTHERS.items():
        check_workbook(_book(client.get(url(data))), what=name)
    # The command line's coverage file is the same workbook.
    check_workbook(load_workbook(io.BytesIO(coverage_xlsx(data.tree.commune))), what="command")


def test_subject_export_keeps_the_rules(data, login):
    """A data subject's request is a form (it asks for a purpose): read back like the others."""
    resident = data.head
    response = login(data.officer).post(
        reverse("privacy:resident_export", args=[resident.pk]),
        {"fmt": "xlsx", "purpose": "Yêu cầu của người dân"},
    )
    check_workbook(_book(response), what="subject export")


def test_numbers_and_dates_are_typed_where_the_issue_saw_text(data, login):
    client = login(data.admin)
    # The daily summary's rates are numbers with one decimal; a missing target an empty cell.
    ws = _book(client.get(OTHERS["daily summary"](data))).active
    header = [c.value for c in ws[1]]
    total = list(ws.iter_rows(values_only=False))[-1]
    rate = total[header.index("% chỉ tiêu")]
    assert isinstance(rate.value, float) and rate.number_format == "#,##0.0"
    assert rate.value == round(100 * 1 / 3, 1)
    assert total[header.index("Chỉ tiêu (hộ)")].number_format == "#,##0"
    # The team's decision date is a date shown dd/mm/yyyy.
    ws = _book(client.get(LISTS["teams.teams"](data), {"format": "xlsx"})).active
    dates = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, dt.date)]
    assert any(c.value.date() == dt.date(2024, 4, 8) for c in dates)
    assert all(c.number_format == "DD/MM/YYYY" for c in dates)
    # The daily summary says which unit and which day.
    book = _book(client.get(OTHERS["daily summary"](data)))
    day = timezone.localdate()
    assert book.properties.subject == data.tree.commune.full_name
    assert f"{day:%d/%m/%Y}" in book.properties.description


# Its template lists the villages of the province's divided communes, which only the real map
# has: its round trip is tested by geo/tests/test_remap_page.py.
NEEDS_THE_REAL_MAP = {"village_moves"}


def _training_seed(data) -> None:
    """A course of the officer's commune with a session and an enrolled member."""
    from cdtt.lib.text import fold
    from cdtt.teams.models import Person
    from cdtt.training.tests.factories import ApiSeed

    person = Person.objects.filter(user=data.member).first() or Person.objects.create(
        full_name="Nguyễn Văn Tập", name_key=fold("Nguyễn Văn Tập"), user=data.member
    )
    ApiSeed(person, data.officer, data.tree.commune)


def _school_class(data):
    from cdtt.schools.services import class_create, school_create

    school = school_create(
        actor=None,
        name="Trường THCS Quảng Định",
        code="TH001",
        level="lower",
        commune=data.tree.commune,
    )
    return class_create(actor=None, school=school, name="6a", school_year="2025-2026")


def _report(data):
    from cdtt.reports import services

    return services.report_create(
        actor=data.admin,
        kind="ministry",
        unit=data.tree.commune,
        period_from=dt.date(2024, 9, 1),
        period_to=dt.date(2024, 9, 30),
        cutoff=dt.date(2024, 9, 30),
    )


def _honours_round(data):
    """A round with a nomination of the campaign's team and a media post about the commune."""
    from cdtt.honours.models import Round
    from cdtt.honours.services import nomination_file
    from cdtt.honours.tests.factories import open_round
    from cdtt.media.services import post_log
    from cdtt.organizations.services import organization_create

    found = Round.objects.first()
    if found is not None:
        return found
    home_affairs = organization_create(
        actor=None, name="Sở Nội vụ", kind="agency", unit=data.tree.province
    )
    round_ = open_round(data.admin, data.tree, home_affairs)
    nomination_file(
        actor=data.admin,
        round=round_,
        subject_kind="team",
        subject_id=data.team.pk,
        citation="Hướng dẫn 1.234 hộ.",
    )
    paper = organization_create(
        actor=None, name="Báo Thanh Hóa", kind="media", unit=data.tree.province
    )
    post_log(
        actor=data.admin,
        outlet=paper,
        title="Tổ công nghệ số đến từng nhà",
        published_on=dt.date(2025, 10, 2),
        kind="article",
        link="https://baothanhhoa.vn/to-cong-nghe-so",
        units=[data.tree.commune],
    )
    return round_


def _course(data):
    from cdtt.training.models import Course

    if not Course.objects.exists():
        _training_seed(data)
    return Course.objects.first()


def _initiative(data):
    """An approved model of the officer's village, replicated once."""
    from cdtt.practices import services
    from cdtt.practices.models import Initiative

    if Initiative.objects.exists():
        return Initiative.objects.first()
    initiative = services.initiative_propose(
        actor=data.officer,
        title="Chợ 4.0",
        summary="Thanh toán bằng mã QR ở chợ thôn",
        description="Hướng dẫn tiểu thương",
        units=[data.tree.village],
        skills=["payment"],
        started_on=dt.date(2025, 3, 1),
    )
    return services.initiative_review(actor=data.admin, initiative=initiative, decision="approve")


def _movement(data):
    """A movement of the province whose branch holds the field member, with a pending claim."""
    from cdtt.movements import services
    from cdtt.movements.models import Movement
    from cdtt.organizations.services import organization_create
    from cdtt.teams.models import Person

    if Movement.objects.exists():
        return Movement.objects.first()
    branch = organization_create(
        actor=None, name="Đoàn xã Quảng Định", kind="youth_union", unit=data.tree.commune
    )
    Person.objects.filter(user=data.member).update(organization=branch)
    today = timezone.localdate()
    movement = services.movement_create(
        actor=data.admin,
        title="Thanh niên chung tay chuyển đổi số",
        organization=branch,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        branches=[branch],
        criteria=[
            services.CriterionIn("Hộ được đến hướng dẫn", 2, "households_visited"),
            services.CriterionIn("Ra quân", 5),
        ],
    )
    services.points_claim(
        actor=data.member,
        criterion=movement.criteria.get(counter=""),
        fact="Ra quân Chủ nhật xanh",
        happened_on=today,
        evidence_url="https://example.vn/anh",
    )
    return movement


def _offer(data):
    """An enterprise's offer claimed by the field member."""
    from cdtt.offers import services
    from cdtt.offers.models import Offer
    from cdtt.organizations.services import organization_create

    if Offer.objects.exists():
        return Offer.objects.first()
    enterprise = organization_create(
        actor=None, name="Viettel Thanh Hóa", kind="enterprise", unit=data.tree.province
    )
    today = timezone.localdate()
    offer = services.offer_publish(
        actor=data.admin,
        organization=enterprise,
        title="Gói cước 4G",
        valid_from=today,
        valid_to=today + dt.timedelta(days=30),
        quantity=100,
        price=Decimal("50000"),
    )
    services.offer_claim(actor=data.member, offer=offer)
    return offer


def test_import_templates_keep_their_header_on_row_one_and_import_again(data, tmp_path):
    # The examples are made for the user's commune: a commune officer where the kind allows one.
    officer = data.officer
    _training_seed(data)  # the attendance template names a session and a member of the officer's
    _school_class(data)  # the students template names a school of the officer's commune
    for kind in import_kinds():
        user = officer if kind.allows(officer) else data.admin
        assert kind.allows(user), kind.code
        _no_formula(import_template_xlsx(kind, user), kind.code)
        book = load_workbook(io.BytesIO(import_template_xlsx(kind, user)))
        check_workbook(book, what=kind.code)
        assert [c.value for c in book.active[1]] == kind.headers, kind.code
        if kind.code in NEEDS_THE_REAL_MAP:
            continue
        # Filled with its own example rows, the template imports again (a dry run: no write).
        path = tmp_path / f"{kind.code}.xlsx"
        path.write_bytes(import_template_xlsx(kind, user))
        result = kind.run(
            actor=user, path=str(path), dry_run=True, skip_invalid=False, progress=None
        )
        assert result.ok, (kind.code, result.problem, [e.as_dict() for e in result.errors])


def test_hostile_text_stays_text_in_every_export(data, login):
    """What the officer sees is the text as typed, never a live formula or link."""
    client = login(data.admin)
    seen = set()
    urls = [f"{url(data)}?format=xlsx" for url in LISTS.values()]
    urls += [url(data) for url in OTHERS.values()]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith(
            "application/vnd"
        ):
            continue
        book = _book(response)  # no <f> in any sheet
        for ws in book.worksheets:
            for row in ws.iter_rows(values_only=True):
                for value in row:
                    if isinstance(value, str):
                        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (url, value)
                        seen.update(h for h in HOSTILE if h in value)
    # The hostile texts reached the exports (as text), so the check above checked something.
    assert HOSTILE[0] in seen and HOSTILE[3] in seen and HOSTILE[1] in seen
