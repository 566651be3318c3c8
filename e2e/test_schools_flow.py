"""A teacher, on a phone, imports a class from the school's student list, confirms a student's
match with a resident of the registry and records the five skills completed; the commune
officer's dashboard then counts the student's household as covered."""

import csv
import datetime as dt
import importlib

import pytest

from cdtt.testing import PASSWORD, Tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADERS = ["Mã trường", "Lớp", "Năm học", "Họ và tên", "Ngày sinh", "Giới tính", "Mã xã", "Mã hộ"]
ROWS = [
    ["TH001", "6A", "2025-2026", "Nguyễn Văn An", "05/03/2013", "Nam", "16000", ""],
    ["TH001", "6A", "2025-2026", "Lê Thị Bình", "10/10/2013", "Nữ", "16000", ""],
]


@pytest.fixture
def seeded(make_user, transactional_db):
    from django.apps import apps

    from cdtt.registry.services import household_create, resident_create
    from cdtt.schools.services import school_create, teacher_create
    from cdtt.skills.models import Skill

    if Skill.objects.filter(active=True).count() < 5:
        migration = importlib.import_module("cdtt.skills.migrations.0002_seed_five_basic_skills")
        migration.seed(apps, None)
    tree = Tree()
    make_user("commune_officer", tree.commune, username="xaquangdinh")
    school = school_create(
        actor=None, name="Trường THCS Quảng Định", code="TH001", level="lower", commune=tree.commune
    )
    teacher_create(
        actor=None, school=school, username="gvlan", password=PASSWORD, full_name="Cô Lan"
    )
    household = household_create(actor=None, village=tree.village, code="HK0001")
    resident_create(
        actor=None,
        household=household,
        full_name="Nguyễn Văn An",
        birth_date=dt.date(2013, 3, 5),
        birth_year=None,
    )
    return tree


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def _covered(page, base_url) -> str:
    page.goto(f"{base_url}/registry/")
    page.wait_for_selector("#cards")
    return page.inner_text("#n-covered").strip()


def test_a_teacher_imports_a_class_and_coverage_moves(
    seeded, live_server, page, phone_page, tmp_path
):
    from cdtt.registry.models import Household

    base = live_server.url
    _login(page, base, "xaquangdinh")
    assert _covered(page, base) == "0"

    path = tmp_path / "hoc-sinh-6a.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(ROWS)
    teacher = phone_page
    _login(teacher, base, "gvlan")
    teacher.goto(f"{base}/imports/students/")
    teacher.set_input_files("#id_file", str(path))
    teacher.click("#import-form button[type=submit]")
    teacher.wait_for_selector(".job:not([hx-get])")
    assert "2 học sinh" in teacher.locator(".job p.ok").inner_text()

    teacher.goto(f"{base}/schools/")
    teacher.click("text=Trường THCS Quảng Định")
    teacher.click("#classes >> text=6A")
    teacher.wait_for_selector("h1:has-text('6A')")
    assert "Không tìm thấy nhân khẩu" in teacher.inner_text("#listing-results")  # Lê Thị Bình
    teacher.click("button[data-match]")
    teacher.wait_for_selector("text=Đã xác nhận học sinh")
    for code in ("public_services", "shopping", "payment", "safety", "local_platform"):
        row = teacher.locator("tr", has_text="Nguyễn Văn An")
        row.locator(f"button[data-skill={code}]").click()
        teacher.wait_for_load_state()
        teacher.locator("tr", has_text="Nguyễn Văn An").locator(
            f"button[data-skill={code}]"
        ).wait_for(state="detached")
    assert "5/5" in teacher.locator("tr", has_text="Nguyễn Văn An").inner_text()

    assert Household.objects.get(code="HK0001").covered
    assert _covered(page, base) == "1"
