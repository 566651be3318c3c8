"""Every document type the project makes, read back with python-docx: its layout against Decree
30/2020/NĐ-CP, Appendix I, and its text (no sentence broken by formatting, numbers in
Vietnamese style, names quoted once, no English word, no raw code). The types come from
``catalog.py``; a module that calls the builder without being there fails the first test."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from docx import Document

import cdtt
from cdtt.documents.builder import MOTTO, NATIONAL_TITLE, build_docx
from cdtt.documents.text import SYLLABLE

from .catalog import BUILDERS, SAMPLES
from .sources import calls_of

# The type's code is upper case but for the few the decree writes otherwise ("TTr" proposal).
NUMBER_LINE = re.compile(r"^Số: (\d{2,}| +)/[A-Z][A-Za-z]*-[A-ZĐ0-9]+$")
DATE_LINE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[012]) năm \d{4}$")


def test_every_module_that_builds_documents_is_in_the_catalog():
    callers = {
        module
        for module, calls in calls_of(Path(cdtt.__file__).parent).items()
        if "build_docx" in calls and not module.startswith("cdtt.documents")
    }
    assert callers == set(BUILDERS)
    assert {t for types in BUILDERS.values() for t in types} <= {s.type for s in SAMPLES}


def _read(sample):
    return Document(io.BytesIO(build_docx(sample.make())))


def _runs(container):
    """The runs with words (the short rules under header lines left out)."""
    return [
        r for p in container.paragraphs for r in p.runs if r.text.strip() and set(r.text) != {"─"}
    ]


def _run(container, text):
    (run,) = [r for r in _runs(container) if r.text == text]
    return run


def _size(run) -> float:
    """A run's size in points (unset: the Normal style's 14)."""
    return run.font.size.pt if run.font.size else 14.0


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_the_layout_follows_decree_30(sample):
    doc = _read(sample)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.page_width < section.page_height  # portrait
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and 13 <= normal.font.size.pt <= 14
    # Every run is in the document's font (none names another).
    assert all(r.font.name in (None, "Times New Roman") for p in doc.paragraphs for r in p.runs)
    # Page numbers: centred at the top, size 13-14, none on page 1.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    (number_run,) = section.header.paragraphs[0].runs
    assert 13 <= number_run.font.size.pt <= 14 and section.header.paragraphs[0].alignment == 1

    top = doc.tables[0]
    left, right = top.rows[0].cells
    issuer = _runs(left)[-1]
    assert issuer.bold and issuer.text.isupper() and 12 <= _size(issuer) <= 13
    for governing in _runs(left)[:-1]:
        assert governing.text.isupper() and not governing.bold and 12 <= _size(governing) <= 13
    title = _run(right, NATIONAL_TITLE)
    assert title.bold and 12 <= _size(title) <= 13
    motto = _run(right, MOTTO)
    assert motto.bold and 13 <= _size(motto) <= 14
    number_cell, date_cell = top.rows[1].cells
    assert NUMBER_LINE.match(number_cell.text), number_cell.text
    assert _size(_runs(number_cell)[0]) == 13
    assert DATE_LINE.match(date_cell.text), date_cell.text
    when = _runs(date_cell)[0]
    assert when.italic and 13 <= _size(when) <= 14

    texts = [p.text for p in doc.paragraphs]
    kind = doc.paragraphs[texts.index(sample.make().kind.name.upper())]
    assert kind.runs[0].bold and 13 <= _size(kind.runs[0]) <= 14 and kind.alignment == 1
    for line in sample.make().summary:
        summary = doc.paragraphs[texts.index(line)]
        assert all(r.bold for r in summary.runs) and summary.alignment == 1
    for text in sample.make().body:
        if isinstance(text, str):
            body = doc.paragraphs[texts.index(text)]
            fmt = body.paragraph_format
            assert body.alignment == 3  # justified
            assert 1.0 <= fmt.first_line_indent.cm <= 1.27
            assert fmt.space_after.pt >= 6 and 1 <= fmt.line_spacing <= 1.5

    recipients, signature = doc.tables[-1].rows[0].cells
    heading = _run(recipients, "Nơi nhận:")
    assert heading.bold and heading.italic and _size(heading) == 12
    lines = [p for p in recipients.paragraphs[1:] if p.text]
    assert all(p.text.startswith("- ") and _size(p.runs[0]) == 11 for p in lines)
    assert re.match(r"^- Lưu: VT, .+\.$", lines[-1].text)
    sign = _runs(signature)
    assert sign[0].text.isupper() and sign[0].bold and 13 <= _size(sign[0]) <= 14
    document = sample.make()
    if document.signature.name:
        assert sign[-1].text == document.signature.name and sign[-1].bold


# --- the text ------------------------------------------------------------------------------

ALLOWED = {
    "b/c",
    "VT",
    "TTr",
}  # the usual abbreviations of recipients' lines and the proposal's code
RAW = re.compile(r"None|True|False|nan|null|\{|\}|%\(|\b\w+_\w+\b|<|>|\\")
# Numbers written the English way: 1,234 or 58.3 (a decimal point); 1.234 is a thousand.
ENGLISH_NUMBER = re.compile(r"\d,\d{3}\b|\d\.\d{1,2}\b(?!\.\d)|\d\.\d{4,}")
DOUBLE_QUOTES = re.compile(r"[«“\"][«“\"]|[»”\"][»”\"]")


def all_text(doc) -> list[str]:
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [p.text for c in row.cells for p in c.paragraphs]
    return [line for line in lines if line.strip() and set(line.strip()) != {"─"}]


def _vietnamese(word: str) -> bool:
    """A Vietnamese syllable, an abbreviation in capitals, or a number."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFD", word) if unicodedata.category(ch) != "Mn"
    )
    if not bare.isalpha() or (bare.isupper() and len(bare) > 1):
        return True
    return bool(SYLLABLE.match(bare.upper()))


WEB_ADDRESS = re.compile(r"https?://\S+")


def _stray_period(text: str) -> list[str]:
    """Periods followed by a word in lower case: a sentence cut in two ("hộ. tới")."""
    return [m.group(0) for m in re.finditer(r"\w\. (\w)", text) if m.group(1).islower()]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_the_text_reads_right(sample):
    lines = all_text(_read(sample))
    # A web address (a certificate's verification page) is no number and no word of the text.
    text = WEB_ADDRESS.sub("", "\n".join(lines))
    assert not RAW.search(text), RAW.search(text)
    assert not ENGLISH_NUMBER.search(text), ENGLISH_NUMBER.search(text)
    assert not DOUBLE_QUOTES.search(text), DOUBLE_QUOTES.search(text)
    # No word said twice in a row ("chiến dịch Chiến dịch"), no sentence cut by a stray period.
    assert not re.search(r"\b(\w+ \w+) \1\b", " ".join(text.casefold().split()))
    assert not _stray_period(text), _stray_period(text)
    english = [
        w
        for w in re.findall(r"[^\W\d_]+(?:/[^\W\d_]+)?", text)
        if w not in ALLOWED and not _vietnamese(w)
    ]
    assert not english, english


def test_the_text_test_catches_what_the_issue_saw():
    """The faults of the daily report before the fix, each caught by the rules above."""
    assert ENGLISH_NUMBER.search("58.3") and ENGLISH_NUMBER.search("1,234 hộ")
    assert not ENGLISH_NUMBER.search("1.234 hộ, đạt 58,3%")
    assert _stray_period("4 lượt đến hộ. tới 4 hộ")
    assert not _stray_period("III. ĐỀ XUẤT, KIẾN NGHỊ")
    assert DOUBLE_QUOTES.search("chiến dịch «Chiến dịch “đi từng ngõ”»")
    assert re.search(r"\b(\w+ \w+) \1\b", "chiến dịch chiến dịch “đi”")
    assert not _vietnamese("report") and not _vietnamese("commune")
    assert _vietnamese("Nghiệp") and _vietnamese("đường") and _vietnamese("UBND")
