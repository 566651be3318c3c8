"""A commune officer founds a village team and adds a member; the commune's "villages without a
team" figure drops by one; a resident, logged out, finds the team on the public page."""

import datetime as dt

import pytest

from cdtt.testing import PASSWORD, Tree

pytestmark = [
    pytest.mark.browser,
    # The live server needs real transactions. Nothing here depends on migration-seeded data.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEAM_NAME = "Tổ CNSCĐ thôn Yên Trung"
LEADER = "Lê Văn Hùng"
MEMBER = "Nguyễn Thị Mai"
TEAM_PHONE = "0912345678"
HIDDEN_PHONE = "0987654321"


@pytest.fixture
def seeded(make_user):
    tree = Tree()
    make_user("commune_officer", tree.commune, username="xaquangdinh")
    return tree


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def _villages_without_team(page, base_url) -> str:
    page.goto(f"{base_url}/teams/")
    return page.inner_text("#villages-without-team .num").strip()


def _unpublished_team(tree):
    """A team elsewhere that keeps its contact number to itself."""
    from cdtt.teams import services

    leader = services.person_create(actor=None, full_name="Trần Văn Bình", phone="0977000111")
    return services.team_found(
        actor=None,
        unit=tree.sibling_village,
        leader=leader,
        name="Tổ CNSCĐ thôn Đông",
        decision_number="7/QĐ-UBND",
        decision_date=dt.date(2024, 2, 1),
        contact_phone=HIDDEN_PHONE,
        publish_contact=False,
    )


def test_found_team_add_member_and_find_it_on_the_public_page(seeded, live_server, page):
    from cdtt.teams.models import MemberRole, Team

    base = live_server.url
    hidden = _unpublished_team(seeded)
    _login(page, base, "xaquangdinh")

    # Both villages of the commune are still without a team.
    assert _villages_without_team(page, base) == "2"

    # Found a village-level team through the form, its leader with it.
    page.click(".actions a:has-text('Thành lập tổ')")
    page.wait_for_selector("h1:has-text('Thành lập Tổ CNSCĐ')")
    # The unit picker: a name typed without diacritics, then picked from the short list.
    page.fill("#id_unit_q", "yen trung")
    page.click("#id_unit_results button:has-text('Yên Trung')")
    page.wait_for_selector("#id_unit_chosen:has-text('Thôn Yên Trung')")
    assert page.input_value("#id_unit") == "16000-001"
    page.fill("#id_name", TEAM_NAME)
    # Refreshing the village list keeps what was typed.
    page.click("form button:has-text('Tải danh sách thôn')")
    page.wait_for_selector("#id_unit_chosen:has-text('Thôn Yên Trung')")
    assert page.input_value("#id_name") == TEAM_NAME
    assert page.input_value("#id_unit") == "16000-001"
    page.fill("#id_decision_number", "25/QĐ-UBND")
    page.fill("#id_decision_date", "15/03/2024")
    page.fill("#id_contact_phone", "0912 345 678")
    page.check("#id_publish_contact")
    page.fill("#id_full_name", LEADER)
    page.select_option("#id_gender", "M")
    page.fill("#id_birth_year", "1975")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_position", "Trưởng thôn")
    page.click("form button[type=submit]:has-text('Lưu')")
    page.wait_for_selector(f"h1:has-text('{TEAM_NAME}')")
    header = page.inner_text("main")
    assert "25/QĐ-UBND" in header and "15/03/2024" in header
    assert "Thôn Yên Trung" in header
    assert page.locator("#members tbody tr").count() == 1
    assert LEADER in page.inner_text("#members")

    # Add a member through the form on the team's page.
    form = page.locator("#add-member form")
    form.locator("#id_full_name").fill(MEMBER)
    form.locator("#id_gender").select_option("F")
    form.locator("#id_birth_year").fill("1998")
    form.locator("#id_phone").fill("0987 654 322")
    form.locator("#id_role").select_option("deputy")
    form.locator("#id_core_force").check()
    form.locator("input[name=skills][value=public_services]").check()
    form.locator("input[name=skills][value=payment]").check()
    form.locator("#id_joined_on").fill("20/03/2024")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f".messages li:has-text('{MEMBER}')")
    assert page.locator("#members tbody tr").count() == 2
    members = page.inner_text("#members")
    assert MEMBER in members and "Tổ phó" in members and "20/03/2024" in members

    team = Team.objects.get(name=TEAM_NAME)
    assert team.level == "village" and team.unit_id == seeded.village.pk
    assert list(team.villages.values_list("code", flat=True)) == ["16000-001"]
    assert team.decision_date == dt.date(2024, 3, 15)
    roles = dict(team.memberships.values_list("person__full_name", "role"))
    assert roles == {LEADER: MemberRole.LEADER, MEMBER: MemberRole.DEPUTY}

    # One village fewer without a team; the commune's page lists only the other one.
    assert _villages_without_team(page, base) == "1"
    page.click("#villages-without-team")
    page.wait_for_selector("h2:has-text('Thôn chưa có tổ')")
    table = page.inner_text("main table")
    assert "Phú Lộc" in table and "Yên Trung" not in table

    # Logged out, a resident finds the team: commune first, typed without diacritics.
    page.click("form[action$='/logout/'] button")
    page.wait_for_selector("a:has-text('Đăng nhập')")
    page.goto(f"{base}/public/")
    page.click(".actions a:has-text('Tìm tổ của thôn tôi')")
    page.wait_for_selector("h1:has-text('Tìm Tổ công nghệ số cộng đồng')")
    page.fill("input[name=q]", "quang dinh")
    page.click("#result-list a:has-text('Quảng Định')")
    page.wait_for_selector("h2:has-text('Chọn thôn của bạn ở Xã Quảng Định')")
    page.click("main ul.panel a:has-text('Yên Trung')")
    page.wait_for_selector("h1:has-text('Thôn Yên Trung')")
    card = page.locator("section.team", has_text=TEAM_NAME)
    assert card.count() == 1
    assert LEADER in card.inner_text()
    assert card.locator("a.contact").inner_text().strip() == TEAM_PHONE
    assert card.locator("a.contact").get_attribute("href") == f"tel:{TEAM_PHONE}"
    # Nothing about the other members leaves the platform.
    assert MEMBER not in page.inner_text("main")

    # A village found by its own name, without diacritics; its team keeps its number private.
    page.goto(f"{base}/public/find/")
    page.fill("input[name=q]", "dong")
    page.click("#result-list a:has-text('Đông')")
    page.wait_for_selector("h1:has-text('Thôn Đông')")
    card = page.locator("section.team", has_text=hidden.name)
    assert "Trần Văn Bình" in card.inner_text()
    assert card.locator("a.contact").count() == 0
    assert HIDDEN_PHONE not in page.content()
    assert "chưa công khai số điện thoại" in card.inner_text()


def _no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{page.url} is {width}px wide on a 360px screen"


def test_team_pages_fit_a_phone(seeded, live_server, phone_page):
    from cdtt.teams import services

    leader = services.person_create(
        actor=None, full_name=LEADER, phone=TEAM_PHONE, position="Trưởng thôn"
    )
    team = services.team_found(
        actor=None,
        unit=seeded.village,
        leader=leader,
        name=TEAM_NAME,
        decision_number="25/QĐ-UBND",
        decision_date=dt.date(2024, 3, 15),
        contact_phone=TEAM_PHONE,
        publish_contact=True,
    )
    member = services.person_create(
        actor=None, full_name=MEMBER, phone="0987654322", position="Bí thư chi đoàn"
    )
    services.member_add(
        actor=None,
        team=team,
        person=member,
        role="member",
        core_force=True,
        skills=["public_services", "payment"],
        joined_on=dt.date(2024, 3, 20),
    )

    base = live_server.url
    _login(phone_page, base, "xaquangdinh")
    phone_page.goto(f"{base}/teams/{team.pk}/")
    phone_page.wait_for_selector(f"h1:has-text('{TEAM_NAME}')")
    assert MEMBER in phone_page.inner_text("#members")
    _no_horizontal_scroll(phone_page)

    phone_page.goto(f"{base}/public/units/{seeded.village.code}/")
    phone_page.wait_for_selector(f"section.team:has-text('{TEAM_NAME}')")
    _no_horizontal_scroll(phone_page)
