"""``{% labelled %}…{% endlabelled %}``: every body cell of the tables inside gets the header of
its column (in a table of pairs without a header row: of its row) as ``data-label``, which a phone shows above the cell once the header row is hidden
(app.css). One mechanism for every table of the site: the listing's table and the hand-written
ones are wrapped the same way, so a column added later is labelled without anyone thinking of it.
"""

import html
import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_HEAD = re.compile(r"<thead\b.*?</thead>", re.S | re.I)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_HEADER_CELL = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S | re.I)
_BODY_CELL = re.compile(r"<t([dh])\b([^>]*)>", re.I)
_COLSPAN = re.compile(r"""\bcolspan\s*=\s*["']?(\d+)""", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _span(attrs: str) -> int:
    match = _COLSPAN.search(attrs)
    return max(1, int(match.group(1))) if match else 1


def _text(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def column_labels(head: str) -> list[str]:
    """The label of each column, from the last row of the table's header."""
    rows = _ROW.findall(head)
    labels: list[str] = []
    for attrs, content in _HEADER_CELL.findall(rows[-1] if rows else ""):
        labels += [_text(content)] * _span(attrs)
    return labels


def _label_row(row: str, labels: list[str]) -> str:
    column = 0
    out, last = [], 0
    for match in _BODY_CELL.finditer(row):
        kind, attrs = match.group(1).lower(), match.group(2)
        span = _span(attrs)
        if kind == "d" and "data-label" not in attrs:
            label = labels[column] if span == 1 and column < len(labels) else ""
            out.append(row[last : match.end() - 1])
            out.append(f' data-label="{html.escape(label)}">')
            last = match.end()
        column += span
    out.append(row[last:])
    return "".join(out)


def _label_by_row_header(row: str) -> str:
    header = _HEADER_CELL.search(row)
    if header is None:
        return row
    return _label_row(row, [_text(header.group(2))] * 64)


def label_cells(markup: str) -> str:
    """Add ``data-label`` to every body cell of every table in ``markup``."""

    def one_table(match: re.Match) -> str:
        table = match.group(0)
        head = _HEAD.search(table)
        if head is None:  # a table of pairs: each row's header labels the row's cells
            return _ROW.sub(lambda row: _label_by_row_header(row.group(0)), table)
        labels = column_labels(head.group(0))
        body = table[head.end() :]
        body = _ROW.sub(lambda row: _label_row(row.group(0), labels), body)
        return table[: head.end()] + body

    return _TABLE.sub(one_table, markup)


class LabelledNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return mark_safe(label_cells(self.nodelist.render(context)))


@register.tag
def labelled(parser, token):
    nodelist = parser.parse(("endlabelled",))
    parser.delete_first_token()
    return LabelledNode(nodelist)
