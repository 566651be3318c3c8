"""The documents of honours, all through the Decree 30 builder (cdtt.documents): the
Department's submission of a round's nominees to the Chairman (tờ trình), the certificate of
merit of an award (its PDF made by ``docx_to_pdf``), and the information forms of the Prime
Minister's dialogue addressed to the Ministry. Each is described by plain facts first, so that
the document tests build samples without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from cdtt.documents.builder import Heading, Kind, OfficialDocument, Signature, Table, build_docx
from cdtt.documents.models import department_letterhead
from cdtt.documents.pdf import docx_to_pdf
from cdtt.documents.text import in_sentence
from cdtt.geo.models import AdminUnit, Level
from cdtt.honours.models import Award, DialogueForm, Nomination, NominationStatus, Round
from cdtt.lib.numbers import vn_int

SUBMISSION = Kind("Tờ trình", "TTr")
CERTIFICATE = Kind("Bằng khen", "BK")
DIALOGUE = Kind("Phiếu thông tin", "PTT")
MINISTRY = "Bộ Khoa học và Công nghệ"


def province_of(unit: AdminUnit | None) -> AdminUnit | None:
    if unit is None:
        return None
    return unit if unit.level == Level.PROVINCE else unit.province


def _in_sentence(province: AdminUnit | None) -> str:
    """ "tỉnh Thanh Hóa": the province's name inside a sentence."""
    if province is None:
        return "tỉnh"
    return f"{province.unit_type.lower()} {province.name}".strip()


# --- the submission ------------------------------------------------------------------------


@dataclass(frozen=True)
class Nominee:
    name: str
    kind: str  # "Cá nhân", "Tập thể"
    nominator: str
    citation: str


@dataclass(frozen=True)
class SubmissionFacts:
    title: str
    year: int
    award_form: str
    criteria: str
    nominees: Sequence[Nominee]
    issued_on: dt.date
    province: AdminUnit | None


def submission_facts(round_: Round, today: dt.date | None = None) -> SubmissionFacts:
    """The nominees that passed every step (or were awarded), in the list's order."""
    rows = round_.nominations.filter(
        status__in=[NominationStatus.PASSED, NominationStatus.AWARDED]
    ).order_by("subject_kind", "subject_name")
    return SubmissionFacts(
        title=round_.title,
        year=round_.year,
        award_form=round_.award_form,
        criteria=round_.criteria,
        nominees=[_nominee(n) for n in rows],
        issued_on=today or timezone.localdate(),
        province=province_of(round_.unit),
    )


def _nominee(n: Nomination) -> Nominee:
    kind = "Tập thể" if n.is_collective else "Cá nhân"
    return Nominee(n.subject_name, kind, n.nominator_name, " ".join(n.citation.split()))


def submission_of(facts: SubmissionFacts) -> OfficialDocument:
    head = department_letterhead(facts.province)
    province = _in_sentence(facts.province)
    people = sum(1 for n in facts.nominees if n.kind == "Cá nhân")
    groups = len(facts.nominees) - people
    body: list[str | Table] = [
        f"Kính gửi: Chủ tịch Ủy ban nhân dân {province}.",
        f"Thực hiện kế hoạch khen thưởng nhân Ngày Chuyển đổi số năm {facts.year} (đợt "
        f"«{facts.title}»), trên cơ sở đề nghị của các địa phương, cơ quan, đơn vị và kết quả "
        f"thẩm định của Sở Nội vụ, {in_sentence(head.issuing_body)} kính trình Chủ tịch Ủy ban "
        f"nhân dân tỉnh xem xét, tặng {facts.award_form} cho {vn_int(groups)} tập thể và "
        f"{vn_int(people)} cá nhân có thành tích xuất sắc trong hoạt động của các Tổ công nghệ "
        "số cộng đồng.",
        f"Tiêu chí xét chọn: {' '.join(facts.criteria.split())}",
        "Danh sách đề nghị khen thưởng:",
        Table(
            headers=["STT", "Tập thể, cá nhân", "Loại", "Đơn vị đề nghị", "Thành tích tóm tắt"],
            rows=[
                [i, n.name, n.kind, n.nominator, n.citation]
                for i, n in enumerate(facts.nominees, start=1)
            ],
        ),
        "Kính trình Chủ tịch Ủy ban nhân dân tỉnh xem xét, quyết định.",
    ]
    return OfficialDocument(
        heading=head.heading(),
        kind=SUBMISSION,
        issued_on=facts.issued_on,
        summary=[f"Đề nghị tặng {facts.award_form} nhân Ngày Chuyển đổi số năm {facts.year}"],
        signature=head.signature(),
        recipients=["Như trên;", "Sở Nội vụ;"],
        body=body,
    )


def submission_docx(round_: Round) -> bytes:
    return build_docx(submission_of(submission_facts(round_)))


# --- the certificate of merit --------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    holder: str
    collective: bool
    form: str
    citation: str
    decision_number: str
    decision_date: dt.date
    signer: str
    year: int
    province: AdminUnit | None


def certificate_facts(award: Award) -> CertificateFacts:
    n = award.nomination
    return CertificateFacts(
        holder=n.subject_name,
        collective=n.is_collective,
        form=award.form,
        citation=" ".join(n.citation.split()),
        decision_number=award.decision.number,
        decision_date=award.decision.signed_on,
        signer=award.decision.signer,
        year=n.round.year,
        province=province_of(n.round.unit),
    )


def certificate_of(facts: CertificateFacts) -> OfficialDocument:
    province = _in_sentence(facts.province)
    holder = facts.holder if facts.collective else f"Ông/Bà {facts.holder}"
    return OfficialDocument(
        heading=Heading(
            governing_body="",
            issuing_body=f"Ủy ban nhân dân {province}",
            symbol="UBND",
            place=facts.province.name if facts.province is not None else "",
        ),
        kind=CERTIFICATE,
        issued_on=facts.decision_date,
        number=facts.decision_number.split("/")[0],
        summary=[f"Chủ tịch Ủy ban nhân dân {province} tặng {facts.form}"],
        signature=Signature(title="Chủ tịch", name=facts.signer),
        recipients=[f"{facts.holder};"],
        body=[
            f"Tặng: {holder}",
            f"Đã có thành tích xuất sắc trong hoạt động của Tổ công nghệ số cộng đồng, góp phần "
            f"thực hiện chuyển đổi số năm {facts.year}: {facts.citation}",
            f"Theo Quyết định số {facts.decision_number} ngày {facts.decision_date:%d/%m/%Y} của "
            f"Chủ tịch Ủy ban nhân dân {province}.",
        ],
    )


def certificate_docx(award: Award) -> bytes:
    return build_docx(certificate_of(certificate_facts(award)))


def certificate_pdf(award: Award) -> bytes:
    """The certificate's PDF, made once and kept; ``PdfError`` when it cannot be made."""
    if award.pdf:
        with award.pdf.open("rb") as f:
            return f.read()
    data = docx_to_pdf(certificate_docx(award))
    award.pdf.save(f"bang-khen-{award.pk}.pdf", ContentFile(data), save=False)
    Award.objects.filter(pk=award.pk).update(pdf=award.pdf.name)
    return data


# --- the Prime Minister's dialogue ---------------------------------------------------------


@dataclass(frozen=True)
class DialogueEntry:
    lines: Sequence[tuple[str, str]]  # (label, value) in the form's order


@dataclass(frozen=True)
class DialogueFacts:
    year: int
    entries: Sequence[DialogueEntry]
    issued_on: dt.date
    province: AdminUnit | None


FORM_LABELS = [
    ("full_name", "Họ và tên"),
    ("birth_year", "Năm sinh"),
    ("gender", "Giới tính"),
    ("team", "Tổ công nghệ số cộng đồng"),
    ("role", "Vai trò trong tổ"),
    ("organization", "Cơ quan, đơn vị công tác"),
    ("contact", "Điện thoại, thư điện tử"),
    ("achievements", "Thành tích nổi bật"),
    ("initiative", "Mô hình, sáng kiến"),
    ("to_raise", "Nội dung muốn trao đổi tại buổi đối thoại"),
]
GENDERS = {"M": "Nam", "F": "Nữ", "O": "Khác"}


def dialogue_entry(form: DialogueForm) -> DialogueEntry:
    values = {
        "full_name": form.full_name,
        "birth_year": str(form.birth_year or ""),
        "gender": GENDERS.get(form.gender, ""),
        "team": form.team.name,
        "role": form.role,
        "organization": form.organization,
        "contact": form.contact,
        "achievements": " ".join(form.achievements.split()),
        "initiative": " ".join(form.initiative.split()),
        "to_raise": " ".join(form.to_raise.split()),
    }
    return DialogueEntry([(label, values[key]) for key, label in FORM_LABELS])


def dialogue_of(facts: DialogueFacts) -> OfficialDocument:
    head = department_letterhead(facts.province)
    province = _in_sentence(facts.province)
    body: list[str | Table] = [
        f"Kính gửi: {MINISTRY}.",
        f"Thực hiện chương trình đối thoại của Thủ tướng Chính phủ với các Tổ công nghệ số cộng "
        f"đồng nhân Ngày Chuyển đổi số năm {facts.year}, {in_sentence(head.issuing_body)} "
        f"{province} gửi thông tin {vn_int(len(facts.entries))} thành viên tiêu biểu như sau:",
    ]
    for i, entry in enumerate(facts.entries, start=1):
        body.append(f"{i}. Thành viên thứ {vn_int(i)}")
        body.append(Table(headers=["Nội dung", "Thông tin"], rows=[list(x) for x in entry.lines]))
    return OfficialDocument(
        heading=head.heading(),
        kind=DIALOGUE,
        issued_on=facts.issued_on,
        summary=["Thành viên Tổ công nghệ số cộng đồng tham gia đối thoại với Thủ tướng Chính phủ"],
        signature=head.signature(),
        recipients=[f"{MINISTRY};", "Chủ tịch Ủy ban nhân dân tỉnh (để b/c);"],
        body=body,
    )


def dialogue_docx(forms: Sequence[DialogueForm], province: AdminUnit | None) -> bytes:
    facts = DialogueFacts(
        year=forms[0].year,
        entries=[dialogue_entry(f) for f in forms],
        issued_on=timezone.localdate(),
        province=province,
    )
    return build_docx(dialogue_of(facts))
