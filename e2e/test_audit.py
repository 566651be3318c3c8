"""The walk's detectors find what they are meant to find: white text on white, a table cell
without its label on a phone, a page wider than the phone, an input without a name."""

import pytest
from e2e.audit import axe_violations, page_problems


@pytest.fixture
def bare_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def test_it_finds_white_text_on_white(bare_phone):
    bare_phone.set_content(
        '<main><button style="background:none;border:0;color:#fff">Rời tổ</button>'
        '<p style="color:#1d2433">Đọc được</p></main>'
    )
    problems = page_problems(bare_phone, phone=True)
    assert any("Rời tổ" in p for p in problems) and not any("Đọc được" in p for p in problems)


def test_it_finds_a_cell_without_its_label_once_the_header_is_hidden(bare_phone):
    bare_phone.set_content(
        "<style>thead{display:none} td{display:block}</style><table id='t'><thead><tr>"
        "<th>Hộ</th><th>Người</th></tr></thead><tbody><tr><td data-label='Hộ'>12</td>"
        "<td><input name='people'></td></tr></tbody></table>"
    )
    problems = page_problems(bare_phone, phone=True)
    assert problems == ['cell without a label #t: ""']


def test_it_finds_a_page_wider_than_the_phone(bare_phone):
    bare_phone.set_content(
        '<meta name="viewport" content="width=device-width"><div style="width:600px">rộng</div>'
    )
    assert "px wider than the screen" in " ".join(page_problems(bare_phone, phone=True))


def test_axe_finds_an_input_without_a_name(bare_phone):
    bare_phone.set_content(
        '<html lang="vi"><head><title>Thử</title></head><body><main>'
        '<input type="text"></main></body></html>'
    )
    assert any(v.startswith("axe label ") for v in axe_violations(bare_phone))
