"""What a report says: its figures (read only through ``cdtt.figures``, as of the cut-off) and the
official document, annex and PDF made from them.

``gather`` returns the figures as plain data (what an issued report freezes); ``document``,
``annex`` and ``build_files`` turn that data and the officer's words into the DOCX (Decree
30/2020 layout, the one builder of ``cdtt.documents``), the XLSX annex (one row per child unit)
and the PDF. Building from frozen data never reads a module again: the same data gives the same
figures whenever the files are made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import translation

from cdtt.documents.builder import REPORT, OfficialDocument, Table, build_docx
from cdtt.documents.models import Letterhead
from cdtt.documents.text import in_sentence
from cdtt.figures.catalogue import children_figures, figures_of, get
from cdtt.geo.models import AdminUnit
from cdtt.lib.numbers import vn_number, vn_share
from cdtt.lib.xlsx import DECIMAL, INTEGER, PERCENT, TEXT, XlsxColumn, xlsx_bytes
from cdtt.reports.kinds import KINDS, Kind
from cdtt.skills.models import SKILL_CODES

# The figures a report reads for its unit (as of the cut-off and the day before the period).
CODES = (
    "teams",
    "villages",
    "villages_with_team",
    "members",
    "members_core",
    "members_trained",
    "members_per_100",
    "residents",
    "households",
    "covered",
    "rate",
    "proficient",
    *[f"proficient_{code}" for code in SKILL_CODES],
    "visits",
    "households_visited",
)
# The annex's columns, one row per child unit, and how each is written.
ANNEX_CODES = (
    ("teams", INTEGER),
    ("villages", INTEGER),
    ("villages_with_team", INTEGER),
    ("members", INTEGER),
    ("members_core", INTEGER),
    ("members_trained", INTEGER),
    ("members_per_100", DECIMAL),
    ("households", INTEGER),
    ("covered", INTEGER),
    ("rate", PERCENT),
    ("visits", INTEGER),
    ("households_visited", INTEGER),
)
# Children listed in the DOCX itself; more are left to the annex.
DOCX_CHILDREN_MAX = 40
# Figures showing the unit had anything recorded by the cut-off.
ACTIVITY = ("teams", "members", "households", "visits")


def official_number(number: str) -> str:
    """A document's number as printed: under 10 with a leading zero (Decree 30/2020)."""
    number = number.strip()
    return f"{int(number):02d}" if number.isdigit() and int(number) < 10 else number


def day_text(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


@dataclass(frozen=True)
class Period:
    starts: dt.date
    ends: dt.date
    cutoff: dt.date

    @property
    def before(self) -> dt.date:
        """The day before the period: its figures are the period's starting point."""
        return self.starts - dt.timedelta(days=1)

    @property
    def counted_to(self) -> dt.date:
        """The last day counted in the period: its end, or the cut-off when earlier."""
        return min(self.ends, self.cutoff)


def gather(unit: AdminUnit, period: Period) -> dict:
    """The report's figures as plain data: the unit's as of the cut-off and as of the day before
    the period, each child's as of the cut-off. Only ``cdtt.figures`` is read."""
    children = children_figures(unit, as_of=period.cutoff, codes=[c for c, _k in ANNEX_CODES])
    now = figures_of(unit, as_of=period.cutoff, codes=CODES)
    end = None
    if period.counted_to != period.cutoff:
        end = figures_of(unit, as_of=period.counted_to, codes=CODES)
    return {
        "unit": {
            "code": unit.code,
            "name": unit.full_name,
            "level": unit.level,
            # Inside a sentence the unit's type is lower case: "trên địa bàn tỉnh Thanh Hóa".
            "in_sentence": f"{unit.unit_type.lower()} {unit.name}".strip(),
        },
        "period": {
            "from": period.starts.isoformat(),
            "to": period.ends.isoformat(),
            "cutoff": period.cutoff.isoformat(),
        },
        "now": now,
        "end": now if period.counted_to == period.cutoff else end,
        "start": figures_of(unit, as_of=period.before, codes=CODES),
        "children": [
            {"code": child.code, "name": child.full_name, "figures": values}
            for child, values in children
        ],
    }


def has_data(data: dict) -> bool:
    return any(data["now"].get(code) for code in ACTIVITY)


def period_of(data: dict) -> Period:
    p = data["period"]
    return Period(
        dt.date.fromisoformat(p["from"]),
        dt.date.fromisoformat(p["to"]),
        dt.date.fromisoformat(p["cutoff"]),
    )


@dataclass(frozen=True)
class Words:
    """What the officer writes: paragraphs separated by line breaks."""

    achievements: str = ""
    difficulties: str = ""
    proposals: str = ""


@dataclass(frozen=True)
class Letter:
    """The letterhead and what is filled in at issue: number, signer, recipients, date."""

    letterhead: Letterhead
    issued_on: dt.date
    number: str = ""
    signer_name: str | None = None  # None: the letterhead's signer
    recipients: list[str] = field(default_factory=list)  # empty: the letterhead's


def _n(value, decimals: int = 0) -> str:
    return vn_number(value, decimals, none="chưa có số liệu")


def _delta(data: dict, code: str) -> int | None:
    end, start = data["end"].get(code), data["start"].get(code)
    if end is None or start is None:
        return None
    return end - start


def _share(part, whole) -> str:
    if part is None or not whole:
        return ""
    return f" (đạt {vn_share(part / whole)})"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _teams_part(data: dict, cutoff: str) -> list[str]:
    f = data["now"]
    text = (
        f"Đến hết ngày {cutoff}, trên địa bàn có {_n(f['teams'])} Tổ công nghệ số cộng đồng đang"
        f" hoạt động với {_n(f['members'])} thành viên (trong đó {_n(f['members_core'])} thành"
        " viên thuộc lực lượng nòng cốt)"
    )
    if f["members_per_100"] is not None:
        text += f", bình quân {_n(f['members_per_100'], 2)} thành viên trên 100 nhân khẩu"
    if f["villages"]:
        text += (
            f"; {_n(f['villages_with_team'])}/{_n(f['villages'])} thôn, bản, tổ dân phố có Tổ"
            f" công nghệ số cộng đồng{_share(f['villages_with_team'], f['villages'])}"
        )
    text += "."
    added = _delta(data, "teams")
    if added:
        text += (
            f" Trong kỳ, số tổ {'tăng' if added > 0 else 'giảm'} {_n(abs(added))} tổ"
            f" và số thành viên {_change(_delta(data, 'members'))}."
        )
    return ["Về kiện toàn Tổ công nghệ số cộng đồng", text]


def _in_period(trained: int | None) -> str:
    if not trained:
        return "trong kỳ không có thêm thành viên nào được tập huấn"
    return f"trong kỳ có thêm {_n(trained)} thành viên được tập huấn"


def _change(delta: int | None) -> str:
    if delta is None:
        return "chưa có số liệu"
    if delta == 0:
        return "không đổi"
    return f"{'tăng' if delta > 0 else 'giảm'} {_n(abs(delta))} người"


def _training_part(data: dict, cutoff: str) -> list[str]:
    f = data["now"]
    trained, members = f["members_trained"], f["members"]
    share = f", đạt {vn_share(trained / members)} tổng số thành viên" if members else ""
    return [
        "Về tập huấn, bồi dưỡng kỹ năng số cho thành viên",
        f"Đã có {_n(trained)} thành viên được tập huấn, bồi dưỡng kiến thức, kỹ năng số và an"
        f" toàn thông tin mạng{share}; {_in_period(_delta(data, 'members_trained'))}.",
    ]


def _coverage_part(data: dict, cutoff: str) -> list[str]:
    f = data["now"]
    lines = ["Về phổ cập 05 kỹ năng số cơ bản cho người dân"]
    if f["households"] is None or f["covered"] is None:
        lines.append(
            "Chưa có số liệu phổ cập kỹ năng số của địa bàn đến ngày chốt số liệu (chưa có bản"
            " chụp số liệu hằng ngày nào trước ngày này)."
        )
        return lines
    lines.append(
        f"Có {_n(f['covered'])}/{_n(f['households'])} hộ gia đình có ít nhất 01 người thành"
        f" thạo 05 kỹ năng số cơ bản, đạt tỷ lệ {vn_share(f['rate'] or 0)}"
        " (mục tiêu: 100% hộ gia đình)"
        + (
            f"; {_n(f['proficient'])} người thành thạo cả 05 kỹ năng."
            if f["proficient"] is not None
            else "."
        )
    )
    if f[f"proficient_{SKILL_CODES[0]}"] is None:
        return lines  # an older snapshot kept no count per skill
    with translation.override("vi"):
        skills = [
            f"{str(get(f'proficient_{c}').label).split(': ', 1)[-1]} {_n(f[f'proficient_{c}'])}"
            f" người"
            for c in SKILL_CODES
        ]
    lines.append("Số người thành thạo từng kỹ năng: " + "; ".join(skills) + ".")
    return lines


def _visits_part(data: dict, cutoff: str) -> list[str]:
    f = data["now"]
    visits = _delta(data, "visits")
    return [
        "Về hoạt động đến từng hộ, hướng dẫn từng người dân",
        (
            f"Trong kỳ, các Tổ công nghệ số cộng đồng đã thực hiện {_n(visits)} lượt đến hộ,"
            f" hướng dẫn {_n(_delta(data, 'households_visited'))} hộ gia đình."
            if visits
            else "Trong kỳ, chưa ghi nhận lượt đến hộ nào."
        )
        + f" Lũy kế đến hết ngày {cutoff}: {_n(f['visits'])} lượt đến hộ,"
        f" {_n(f['households_visited'])} hộ gia đình được đến tận nhà.",
    ]


PARTS = (_teams_part, _training_part, _coverage_part, _visits_part)

SUMMARY_ROWS = (
    ("teams", "Tổ công nghệ số cộng đồng đang hoạt động", "tổ", 0),
    ("members", "Thành viên Tổ công nghệ số cộng đồng", "người", 0),
    ("members_trained", "Thành viên đã được tập huấn", "người", 0),
    ("villages_with_team", "Thôn, bản, tổ dân phố có Tổ", "thôn", 0),
    ("members_per_100", "Thành viên trên 100 nhân khẩu", "người", 2),
    ("households", "Hộ gia đình", "hộ", 0),
    ("covered", "Hộ có người thành thạo 05 kỹ năng số cơ bản", "hộ", 0),
    ("visits", "Lượt đến hộ (lũy kế)", "lượt", 0),
    ("households_visited", "Hộ được đến tận nhà (lũy kế)", "hộ", 0),
)


def _summary_table(data: dict, period: Period) -> Table:
    rows = [
        [str(i), label, unit, _n(data["start"][code], d), _n(data["now"][code], d)]
        for i, (code, label, unit, d) in enumerate(SUMMARY_ROWS, start=1)
    ]
    return Table(
        headers=[
            "TT",
            "Chỉ tiêu",
            "Đơn vị tính",
            f"Đến hết ngày {day_text(period.before)}",
            f"Đến hết ngày {day_text(period.cutoff)}",
        ],
        rows=rows,
    )


def _children_table(data: dict) -> Table:
    rows = []
    for child in data["children"]:
        f = child["figures"]
        rows.append(
            [
                child["name"],
                _n(f["teams"]),
                _n(f["members"]),
                f"{_n(f['villages_with_team'])}/{_n(f['villages'])}",
                vn_share(f["rate"], none="—"),
                _n(f["visits"]),
            ]
        )
    headers = ["Đơn vị", "Số tổ", "Thành viên", "Thôn có tổ", "Tỷ lệ hộ phổ cập", "Lượt đến hộ"]
    return Table(headers=headers, rows=rows)


def _section(title: str, text: str, empty: str) -> list[str]:
    return [title, *(_paragraphs(text) or [empty])]


def body(kind: Kind, data: dict, words: Words, issuer: str) -> list[str | Table]:
    """The report's body: the introduction, the figures in text and tables, the officer's words."""
    period = period_of(data)
    unit, cutoff = data["unit"]["in_sentence"], day_text(period.cutoff)
    span = f"từ ngày {day_text(period.starts)} đến ngày {day_text(period.ends)}"
    out: list[str | Table] = [
        kind.opening.format(issuer=issuer, unit=unit, span=span, cutoff=cutoff)
    ]
    out.append("I. KẾT QUẢ THỰC HIỆN")
    if not has_data(data):
        out.append(
            f"Đến hết ngày {cutoff}, trên địa bàn {unit} chưa có số liệu về Tổ công nghệ số"
            " cộng đồng, hộ gia đình hay lượt đến hộ nào được ghi nhận trên nền tảng; kỳ báo cáo"
            " này chưa có số liệu để tổng hợp."
        )
    else:
        parts = PARTS[::-1] if kind.visits_first else PARTS
        for number, part in enumerate(parts, start=1):
            title, *paragraphs = part(data, cutoff)
            out += [f"{number}. {title}", *paragraphs]
        out += ["Số liệu tổng hợp:", _summary_table(data, period)]
        if data["children"] and len(data["children"]) <= DOCX_CHILDREN_MAX:
            out += ["Kết quả theo từng đơn vị trực thuộc:", _children_table(data)]
        if data["children"]:
            out.append("(Chi tiết số liệu theo từng đơn vị trực thuộc tại Phụ lục kèm theo.)")
    out += _section(
        f"{len(PARTS) + 1 if has_data(data) else 1}. Kết quả nổi bật",
        words.achievements,
        "Không có nội dung bổ sung.",
    )
    out += _section("II. KHÓ KHĂN, VƯỚNG MẮC", words.difficulties, "Không có.")
    out += _section("III. ĐỀ XUẤT, KIẾN NGHỊ", words.proposals, "Không có.")
    out.append(kind.closing.format(issuer=issuer))
    return out


def document(kind_code: str, data: dict, words: Words, letter: Letter) -> OfficialDocument:
    kind = KINDS[kind_code]
    period = period_of(data)
    head = letter.letterhead
    issuer = in_sentence(head.issuing_body)
    span = f"từ ngày {day_text(period.starts)} đến ngày {day_text(period.ends)}"
    return OfficialDocument(
        heading=head.heading(),
        kind=REPORT,
        number=official_number(letter.number),
        issued_on=letter.issued_on,
        summary=[kind.summary, f"trên địa bàn {data['unit']['in_sentence']} ({span})"],
        body=body(kind, data, words, issuer),
        signature=head.signature(letter.signer_name),
        recipients=letter.recipients or head.recipient_lines,
    )


def annex(data: dict) -> bytes:
    """The annex: one row per child unit, then the unit's own total, in Vietnamese."""
    with translation.override("vi"):
        labels = [f"{get(code).label} ({get(code).unit})" for code, _k in ANNEX_CODES]
    headers = [XlsxColumn("Mã đơn vị", TEXT), XlsxColumn("Đơn vị", TEXT)]
    headers += [
        XlsxColumn(label, kind) for label, (_c, kind) in zip(labels, ANNEX_CODES, strict=True)
    ]
    rows = [
        [c["code"], c["name"], *[c["figures"].get(code) for code, _k in ANNEX_CODES]]
        for c in data["children"]
    ]
    unit = data["unit"]
    rows.append(
        [unit["code"], f"Tổng cộng: {unit['name']}"]
        + [data["now"].get(code) for code, _k in ANNEX_CODES]
    )
    return xlsx_bytes(
        f"Phụ lục {day_text(period_of(data).cutoff).replace('/', '-')}", headers, rows
    )


@dataclass(frozen=True)
class Files:
    docx: bytes
    xlsx: bytes


def docx_bytes(kind_code: str, data: dict, words: Words, letter: Letter) -> bytes:
    return build_docx(document(kind_code, data, words, letter))


def build_files(kind_code: str, data: dict, words: Words, letter: Letter) -> Files:
    return Files(docx=docx_bytes(kind_code, data, words, letter), xlsx=annex(data))
