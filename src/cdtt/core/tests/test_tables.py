"""Every table cell says what it is on a phone: the labelled tag copies each column's header to
its cells, and every table of every template goes through it."""

from pathlib import Path

from django.template import Context, Template

from cdtt.core.templatetags.tables import label_cells

SRC = Path(__file__).resolve().parents[2]


def test_it_labels_each_cell_with_its_column_header():
    html = (
        '<table class="table"><thead><tr><th>Đơn vị</th><th class="num">Số <em>hộ</em></th>'
        '<th></th></tr></thead><tbody><tr><td>Xã A</td><td class="num">12</td><td>'
        '<a href="#">Sửa</a></td></tr><tr><td colspan="3">Tổng</td></tr></tbody></table>'
    )
    out = label_cells(html)
    assert '<td data-label="Đơn vị">Xã A</td>' in out
    assert '<td class="num" data-label="Số hộ">12</td>' in out
    assert '<td data-label=""><a href="#">Sửa</a></td>' in out
    # A cell across several columns has no single header.
    assert '<td colspan="3" data-label="">Tổng</td>' in out


def test_columns_after_a_spanning_cell_keep_their_own_header():
    html = (
        "<table><thead><tr><th colspan=2>Tên</th><th>Tỷ lệ &amp; hạng</th></tr></thead>"
        "<tbody><tr><td>A</td><td>B</td><td>1</td></tr></tbody></table>"
    )
    out = label_cells(html)
    assert '<td data-label="Tên">A</td><td data-label="Tên">B</td>' in out
    assert '<td data-label="Tỷ lệ &amp; hạng">1</td>' in out


def test_a_table_of_pairs_labels_each_cell_with_its_row_header():
    html = (
        '<table id="kept"><tbody><tr><th scope="row">Họ và <b>tên</b></th><td>Lê Thị Tâm</td></tr>'
        "<tr><td>no header</td></tr></tbody></table>"
    )
    out = label_cells(html)
    assert '<td data-label="Họ và tên">Lê Thị Tâm</td>' in out
    assert "<td>no header</td>" in out  # a row without its header stays as it was


def test_a_label_set_by_hand_is_kept_and_text_outside_tables_untouched():
    html = '<p><td>x</td></p><table><thead><tr><th>A</th></tr></thead><tbody><tr><td data-label="B">1</td></tr></tbody></table>'
    out = label_cells(html)
    assert out.startswith("<p><td>x</td></p>")
    assert '<td data-label="B">1</td>' in out


def test_the_tag_renders_its_content_labelled():
    rendered = Template(
        "{% load tables %}{% labelled %}<table><thead><tr><th>{{ h }}</th></tr></thead>"
        "<tbody><tr><td>{{ v }}</td></tr></tbody></table>{% endlabelled %}"
    ).render(Context({"h": "Thôn <1>", "v": 5}))
    assert '<td data-label="Thôn &lt;1&gt;">5</td>' in rendered


def test_every_table_of_every_template_is_labelled():
    unlabelled = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        tables = text.count("<table")
        if tables and text.count("{% labelled %}<table") != tables:
            unlabelled.append(str(path.relative_to(SRC)))
    assert not unlabelled, f"tables outside {{% labelled %}}: {unlabelled}"
