"""A commune officer proposes a model with a photo, the Department approves it, and a visitor,
logged out, finds it in the public library by typing without diacritics."""

import pytest

from cdtt.testing import PASSWORD, Tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Chợ 4.0 thôn Yên Trung"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def seeded(make_user):
    from cdtt.campaigns.tests.factories import seed_catalogs

    seed_catalogs()
    tree = Tree()
    make_user("commune_officer", tree.commune, username="xaquangdinh")
    make_user("province_admin", tree.province, username="sotttt")
    return tree


def _login(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def test_propose_approve_and_find_in_the_public_library(seeded, live_server, browser):
    from cdtt.practices.models import Initiative

    base = live_server.url
    officer = browser.new_context(locale="vi-VN").new_page()
    _login(officer, base, "xaquangdinh")
    officer.goto(f"{base}/practices/new/")
    officer.fill("#id_title", TITLE)
    officer.fill("#id_summary", "Tiểu thương nhận tiền bằng mã QR.")
    officer.fill("#id_description", "Tổ CNSCĐ hướng dẫn từng tiểu thương in mã QR.")
    officer.select_option("#id_units", str(seeded.village.pk))
    officer.check("input[name=skills][value=payment]")
    officer.fill("#id_leader_name", "Tổ CNSCĐ thôn Yên Trung")
    officer.fill("#id_started_on", "01/03/2025")
    officer.set_input_files(
        "#id_files", files=[{"name": "cho.png", "mimeType": "image/png", "buffer": PNG}]
    )
    officer.click("#initiative-form button[type=submit]")
    officer.wait_for_selector("#status:has-text('Chờ duyệt')")
    initiative = Initiative.objects.get()
    assert initiative.files.count() == 1

    department = browser.new_context(locale="vi-VN").new_page()
    _login(department, base, "sotttt")
    department.goto(f"{base}/practices/{initiative.pk}/")
    department.check("input[name=decision][value=approve]")
    department.click("#review button[type=submit]")
    department.wait_for_selector("#status:has-text('Đã duyệt')")

    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.goto(f"{base}/practices/library/?q=cho+4.0+thon+yen")
    visitor.click(f"#listing a:has-text('{TITLE}')")
    visitor.wait_for_selector(f"h1:has-text('{TITLE}')")
    assert "Đã được nhân rộng 0 lần" in visitor.inner_text("#replications")
    visitor.wait_for_selector("#replicate")
    visitor.goto(f"{base}/practices/library/")
    visitor.wait_for_selector("#map[data-loaded='1']")
