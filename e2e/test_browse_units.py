"""A provincial officer logs in and walks province → district → commune → village."""

import pytest

from cdtt.testing import PASSWORD, Tree

# Every browser test uses serialized_rollback, so that the data migrations seeded (the skill
# catalog, the services) come back after each test has flushed the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def seeded(transactional_db, make_user):
    tree = Tree()
    make_user("province_admin", tree.province, username="sotttt")
    return tree


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_officer_walks_the_tree(seeded, live_server, page):
    _login(page, live_server.url, "sotttt")
    page.wait_for_selector("h1:has-text('Xin chào')")
    page.goto(f"{live_server.url}/units/")
    page.wait_for_selector("h1:has-text('Tỉnh Thanh Hóa')")
    page.click("#children a:has-text('Quảng Xương')")
    page.wait_for_selector("h1:has-text('Huyện Quảng Xương')")
    page.click("#children a:has-text('Quảng Định')")
    page.wait_for_selector("h1:has-text('Xã Quảng Định')")
    page.click("#children a:has-text('Yên Trung')")
    page.wait_for_selector("h1:has-text('Thôn Yên Trung')")
    crumbs = page.inner_text(".breadcrumbs")
    assert (
        "Tỉnh Thanh Hóa" in crumbs and "Huyện Quảng Xương" in crumbs and "Xã Quảng Định" in crumbs
    )


def test_search_ignores_diacritics_and_map_shows_communes(seeded, live_server, page):
    _login(page, live_server.url, "sotttt")
    page.goto(f"{live_server.url}/units/38/")
    page.fill("input[name=q]", "quang xuong")
    page.wait_for_selector("#search-list a:has-text('Quảng Xương')")
    page.wait_for_selector("#map[data-loaded='3']")


def test_phone_layout_has_menu(seeded, live_server, phone_page):
    _login(phone_page, live_server.url, "sotttt")
    phone_page.click("summary")
    phone_page.click("nav a:has-text('Địa bàn')")
    phone_page.wait_for_selector("h1:has-text('Tỉnh Thanh Hóa')")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1
