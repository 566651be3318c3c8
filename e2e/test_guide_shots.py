"""The user guide's screenshots: each role's main pages opened in the browser, as the guide
(docs/huong-dan-su-dung.md) shows them. Every run checks that each page opens for its role; with
CDTT_GUIDE_SHOTS=1 the pictures are saved into docs/images/ (1280 wide on a desk, 360 on a
phone, the visible part only: small files) to be committed with the guide."""

import datetime as dt
import importlib
import os
from pathlib import Path

import pytest

from cdtt.testing import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
SAVE = os.environ.get("CDTT_GUIDE_SHOTS") == "1"
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def seeded(make_user):
    """A commune with households, a team and its members, a training course, a school with its
    teacher, and a user for each role the guide speaks to."""
    from django.apps import apps

    from cdtt.registry.assessments import assessment_record
    from cdtt.registry.services import household_create, resident_create
    from cdtt.schools.services import school_create, teacher_create
    from cdtt.skills.models import SKILL_CODES, Skill
    from cdtt.testing import Tree
    from cdtt.training.tests.factories import Training

    if Skill.objects.filter(active=True).count() < 5:
        migration = importlib.import_module("cdtt.skills.migrations.0002_seed_five_basic_skills")
        migration.seed(apps, None)
    t = Training(Tree(), make_user)
    tree = t.tree
    people = [
        ("HK001", "Lê Văn Hùng", "0912345678", True),
        ("HK002", "Trần Thị Mai", "0987654321", False),
        ("HK003", "Phạm Văn Long", "", False),
    ]
    for i, (code, name, phone, covered) in enumerate(people):
        home = household_create(actor=None, village=tree.village, code=code, address=f"Xóm {i + 1}")
        head = resident_create(
            actor=None,
            household=home,
            full_name=name,
            birth_date=dt.date(1975 + i, 5, 1),
            birth_year=None,
            relation="Chủ hộ",
            phone=phone,
        )
        if i == 0:
            t.home, t.head = home, head  # the household the guide opens
        for skill in SKILL_CODES if covered else SKILL_CODES[:2]:
            assessment_record(
                actor=None, resident=head, skill_code=skill, level=2, method="home_visit"
            )
    make_user("province_admin", tree.province, username="sotttt", full_name="Cán bộ Sở")
    make_user("province_leader", tree.province, username="lanhdao", full_name="Lãnh đạo tỉnh")
    make_user("agency_officer", tree.province, username="doan", full_name="Cán bộ Tỉnh đoàn")
    school = school_create(
        actor=None, name="Trường THCS Quảng Định", code="TH001", level="lower", commune=tree.commune
    )
    teacher_create(
        actor=None, school=school, username="gvlan", password=PASSWORD, full_name="Cô Lan"
    )
    return t


def _page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def _shot(page, name: str) -> None:
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").count() >= 1, name
    if SAVE:
        IMAGES.mkdir(exist_ok=True)
        page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=False)


# (user, viewport, [(image name, address, something the page must show)])
SHOTS = [
    (
        "officer",
        DESK,
        [
            ("officer-dashboard", "/registry/", "Phổ cập"),
            ("officer-households", "/registry/households/", "HK001"),
            ("officer-household", "household", "Lê Văn Hùng"),
            ("officer-personal-data", "personal", "Xuất toàn bộ dữ liệu"),
            ("officer-teams", "/teams/", "Tổ CNSCĐ Yên Trung"),
        ],
    ),
    (
        "sotttt",
        DESK,
        [
            ("admin-access-log", "/privacy/access-log/", "Xem hộ"),
        ],
    ),
    ("lanhdao", DESK, [("leader-board", "/directives/leaders/", "Thanh Hóa")]),
    (
        "member",
        PHONE,
        [
            ("team-home", "/", "Xin chào"),
            ("team-my-courses", "/training/my/", "Tập huấn an toàn"),
        ],
    ),
    ("gvlan", PHONE, [("teacher-school", "/schools/", "Trường THCS Quảng Định")]),
    ("doan", DESK, [("organization-training", "/training/", "Tập huấn an toàn")]),
]


def test_each_role_sees_its_pages(live_server, browser, seeded):
    where = {
        "household": f"/registry/households/{seeded.home.pk}/",
        "personal": f"/privacy/residents/{seeded.head.pk}/",
    }
    for username, viewport, pages in SHOTS:
        context, page = _page(browser, viewport)
        _login(page, live_server.url, username)
        for name, address, shown in pages:
            page.goto(live_server.url + where.get(address, address))
            assert shown in page.inner_text("main"), name
            _shot(page, name)
        context.close()
    # The public notice and the guide itself, on a phone, without a login.
    context, page = _page(browser, PHONE)
    page.goto(f"{live_server.url}/privacy/")
    assert "91/2025/QH15" in page.inner_text("main")
    _shot(page, "privacy-notice")
    page.click("#help-link")
    page.wait_for_selector("#guide")
    assert "Lãnh đạo tỉnh" in page.inner_text("#guide")
    context.close()
