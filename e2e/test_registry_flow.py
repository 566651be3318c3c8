"""A commune officer imports the commune's population file, finds a household not yet covered,
records one resident proficient in the five skills, and sees the household and the dashboard
change; a file with a bad row is reported row by row and nothing is written."""

import csv
import importlib

import pytest

from cdtt.registry.imports import TEMPLATE_HEADERS as HEADERS
from cdtt.testing import PASSWORD, Tree

pytestmark = [
    pytest.mark.browser,
    # The live server needs real transactions (see skill_catalog for the seeded catalog).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ALL = ["Thành thạo"] * 5
NONE = [""] * 5


def _row(village, household, address, name, birth, gender, relation, phone, levels=NONE):
    return ["16000", village, household, address, name, birth, gender, relation, phone, *levels]


# Three households of commune 16000, five residents; only HO-001 has someone proficient.
ROWS = [
    _row(
        "Yên Trung",
        "HO-001",
        "Xóm 1",
        "Lê Văn Chư",
        "12/05/1970",
        "Nam",
        "Chủ hộ",
        "0912345678",
        ALL,
    ),
    _row("Yên Trung", "HO-001", "Xóm 1", "Nguyễn Thị Lan", "1974", "Nữ", "Vợ", ""),
    # The phone lost its leading zero in Excel.
    _row(
        "Yên Trung",
        "HO-002",
        "Xóm 2",
        "Phạm Văn Sơn",
        "03/09/1965",
        "Nam",
        "Chủ hộ",
        "912000111",
        ["Cơ bản", "Chưa biết", "Cơ bản", "", ""],
    ),
    _row(
        "Yên Trung",
        "HO-002",
        "Xóm 2",
        "Phạm Thị Hoa",
        "21/11/1996",
        "Nữ",
        "Con",
        "0388000222",
        ["Thành thạo", "Thành thạo", "Cơ bản", "", ""],
    ),
    _row("Phú Lộc", "HO-003", "", "Đỗ Văn Tâm", "1958", "Nam", "Chủ hộ", ""),
]

SKILLS = [
    "Sử dụng dịch vụ công trực tuyến",
    "Mua sắm trực tuyến",
    "Thanh toán trực tuyến",
    "Tự bảo vệ mình trên không gian mạng",
    "Sử dụng nền tảng số khác",
]


@pytest.fixture
def skill_catalog(transactional_db):
    """The five skills, seeded by a migration. serialized_rollback cannot bring them back once
    Playwright's event loop runs in this thread (Django then hands out a fresh connection without
    the serialized contents), so an earlier live-server test's flush may have removed them."""
    from django.apps import apps

    from cdtt.skills.models import Skill

    if Skill.objects.filter(active=True).count() < len(SKILLS):
        migration = importlib.import_module("cdtt.skills.migrations.0002_seed_five_basic_skills")
        migration.seed(apps, None)
    names = Skill.objects.filter(active=True).order_by("position").values_list("name", flat=True)
    assert list(names) == SKILLS


@pytest.fixture
def seeded(make_user, skill_catalog):
    tree = Tree()
    make_user("commune_officer", tree.commune, username="xaquangdinh")
    return tree


def _csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def _upload(page, base_url, path):
    page.goto(f"{base_url}/imports/population/")
    page.wait_for_selector("h1:has-text('Nhập: Hộ gia đình và nhân khẩu')")
    page.set_input_files("#id_file", str(path))
    page.click("#import-form button[type=submit]")
    # The job runs inline in tests: finished by the time the page comes back or at the first poll.
    page.wait_for_selector(".job:not([hx-get])")
    return page.locator(".job")


def _cards(page, base_url) -> dict[str, str]:
    page.goto(f"{base_url}/registry/")
    page.wait_for_selector("#cards")
    return {
        k: page.inner_text(f"#n-{k}").strip()
        for k in ("households", "covered", "rate", "residents", "proficient")
    }


def _rate(text: str) -> float:
    return float(text.rstrip("%").replace(",", "."))


def test_import_assess_and_see_coverage(seeded, live_server, page, tmp_path):
    from cdtt.registry.models import Household, Resident

    base = live_server.url
    _login(page, base, "xaquangdinh")

    job = _upload(page, base, _csv(tmp_path / "nhan-khau-16000.csv", ROWS))
    message = job.locator("p.ok").inner_text()
    assert "3 hộ" in message and "5 nhân khẩu" in message, message
    assert job.locator("progress").get_attribute("value") == "100"
    assert job.locator("table").count() == 0
    assert Household.objects.filter(commune=seeded.commune).count() == 3
    assert Resident.objects.filter(household__commune=seeded.commune).count() == 5

    before = _cards(page, base)
    assert (before["households"], before["covered"], before["residents"]) == ("3", "1", "5")
    assert before["proficient"] == "1"
    assert _rate(before["rate"]) == pytest.approx(33.3)

    # The households not yet covered: HO-002 and HO-003.
    page.click(".actions a:has-text('Danh sách hộ')")
    page.wait_for_selector("#household-filters")
    page.select_option("#id_covered", label="Chưa có người thành thạo")
    page.click("#household-filters button[type=submit]")
    page.wait_for_url("**covered=no**")
    codes = page.locator("#households tbody tr td:first-child a").all_inner_texts()
    assert sorted(codes) == ["HO-002", "HO-003"]
    row = page.locator("#households tbody tr", has_text="HO-002")
    # The commune's officer calls households: phones in clear for this role (masked for others),
    # the leading zero the spreadsheet dropped restored.
    assert "0912000111" in row.inner_text()
    row.locator("a:has-text('HO-002')").click()
    page.wait_for_selector("h1:has-text('Hộ HO-002')")
    assert "Chưa có người thành thạo 5 kỹ năng" in page.inner_text("#covered")

    # Record Phạm Thị Hoa proficient in each of the five skills through the assessment form.
    hoa = Resident.objects.get(full_name="Phạm Thị Hoa")
    for skill in SKILLS:
        page.locator(f"#resident-{hoa.pk} a:has-text('Đánh giá')").click()
        page.wait_for_selector("h1:has-text('Đánh giá kỹ năng số')")
        page.click(f"nav.tabs a:has-text('{skill}')")
        page.wait_for_selector(f"#assessment h2:has-text('{skill}')")
        form = page.locator("#assessment")
        checklist = form.locator("input[name=checklist]")
        if checklist.count():
            checklist.first.check()
        form.get_by_label("Thành thạo", exact=True).check()
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f".messages li:has-text('{skill}')")
        page.wait_for_selector("h1:has-text('Hộ HO-002')")

    covered = page.locator("#covered")
    assert "ok" in covered.get_attribute("class")
    assert covered.inner_text().strip() == "Đã có người thành thạo 5 kỹ năng"
    assert "thành thạo 5 kỹ năng" in page.inner_text(f"#resident-{hoa.pk}")
    assert page.locator(f"#resident-{hoa.pk} .skills .badge.ok").count() == 5
    assert Household.objects.get(code="HO-002").covered

    after = _cards(page, base)
    assert (after["households"], after["covered"], after["proficient"]) == ("3", "2", "2")
    assert _rate(after["rate"]) == pytest.approx(66.7)
    # Villages, lowest first: Phú Lộc 0 of 1, Yên Trung 2 of 2.
    rows = page.locator("#children tbody tr")
    assert rows.nth(0).locator("td").all_inner_texts()[:3] == ["Thôn Phú Lộc 16000-002", "1", "0"]
    assert rows.nth(1).locator("td").all_inner_texts()[:3] == ["Thôn Yên Trung 16000-001", "2", "2"]
    assert _rate(rows.nth(1).locator("td").nth(3).inner_text()) == 100

    # The "not covered" filter now leaves only HO-003.
    page.goto(f"{base}/registry/households/?unit=16000&covered=no")
    codes = page.locator("#households tbody tr td:first-child a").all_inner_texts()
    assert codes == ["HO-003"]


def test_bad_row_is_reported_and_nothing_is_written(seeded, live_server, page, tmp_path):
    from cdtt.geo.models import AdminUnit
    from cdtt.registry.models import Household, PopulationImport, Resident
    from cdtt.skills.models import SkillAssessment

    rows = [list(r) for r in ROWS]
    rows[3][5] = "31/02/1990"  # the fourth resident, file row 5 (the header is row 1)
    # A good row in a village the file would create.
    rows.append(_row("Đồng Tâm", "HO-004", "", "Vũ Thị Nga", "1980", "Nữ", "Chủ hộ", "", ALL))
    villages = AdminUnit.objects.count()
    base = live_server.url
    _login(page, base, "xaquangdinh")

    job = _upload(page, base, _csv(tmp_path / "nhan-khau-loi.csv", rows))
    error = job.locator("p.error").inner_text()
    assert "1 lỗi" in error and "chưa ghi dữ liệu nào" in error, error
    table = job.locator("table")
    assert table.locator("thead").inner_text().split() == ["Dòng", "Cột", "Lý", "do"]
    cells = table.locator("tbody tr").all()
    assert len(cells) == 1
    row, column, reason = cells[0].locator("td").all_inner_texts()
    assert (row, column) == ("5", "Ngày sinh")
    assert "31/02/1990" in reason

    # Nothing was written: not the good rows either.
    assert Household.objects.count() == 0
    assert Resident.objects.count() == 0
    assert SkillAssessment.objects.count() == 0
    assert PopulationImport.objects.count() == 0
    assert AdminUnit.objects.count() == villages
    assert not AdminUnit.objects.filter(name="Đồng Tâm").exists()
    cards = _cards(page, base)
    assert (cards["households"], cards["residents"], cards["covered"]) == ("0", "0", "0")
