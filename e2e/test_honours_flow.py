"""A commune nominates its team for Digital Transformation Day; the commune, the district, the
Department, the Department of Home Affairs and the Chairman each approve it on the nomination's
page; the Department records the decision; the award shows on the nomination and on the team's
page, with its certificate of merit."""

import pytest
from django.utils import timezone

from cdtt.testing import PASSWORD, Tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CITATION = "Tổ đã hướng dẫn 1.234 hộ dân cài đặt ứng dụng định danh điện tử."


@pytest.fixture
def world(make_user):
    from cdtt.honours.tests.factories import make_world

    return make_world(Tree(), make_user)


def _login(page, base_url, user):
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")


def test_one_nomination_through_every_step_to_an_award(world, live_server, page):
    from cdtt.honours.models import Nomination

    base = live_server.url
    _login(page, base, world.commune)
    page.goto(f"{base}/honours/{world.round.pk}/nominate/")
    page.select_option("#id_subject", f"team:{world.team.pk}")
    page.fill("#id_citation", CITATION)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(f"h1:has-text('{world.team.name}')")
    nomination = Nomination.objects.get()
    url = f"{base}/honours/nominations/{nomination.pk}/"

    steps = [world.commune, world.district, world.admin, world.appraiser, world.chairman]
    for user in steps:
        _login(page, base, user)
        page.goto(url)
        page.check("#review input[value=approve]")
        page.click("#review button[type=submit]")
        page.wait_for_selector(".messages, [role=status], #history")
    assert "Đã qua mọi cấp" in page.inner_text("body")
    assert page.locator("#history tbody tr").count() == 6  # the submission and five approvals

    _login(page, base, world.admin)
    page.goto(f"{base}/honours/{world.round.pk}/")
    page.fill("#id_number", "1234/QĐ-UBND")
    page.fill("#id_signed_on", timezone.localdate().strftime("%d/%m/%Y"))
    page.fill("#id_signer", "Đỗ Minh Tuấn")
    page.click("#decision button[type=submit]")
    page.wait_for_selector("#decision:has-text('1234/QĐ-UBND')")

    page.goto(url)
    assert "1234/QĐ-UBND" in page.inner_text("#award")
    with page.expect_download() as download:
        page.click("#award a.button")
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(f"{base}/teams/{world.team.pk}/")
    assert "1234/QĐ-UBND" in page.inner_text("#record")
