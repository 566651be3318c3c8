"""A journalist, not logged in, opens the press page, sees the province's figures and downloads
a chart as a PNG image."""

import pytest

from cdtt.testing import Tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_press_page_gives_a_chart_as_png(live_server, page):
    Tree()
    page.goto(f"{live_server.url}/press/")
    assert "Tổ CNSCĐ đang hoạt động" in page.inner_text("#press-figures")
    page.wait_for_selector("#press-rate[data-drawn='1']")
    with page.expect_download() as download:
        page.click("a.press-png[data-canvas='press-rate']")
    path = download.value.path()
    assert download.value.suggested_filename == "ty-le-pho-cap.png"
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
