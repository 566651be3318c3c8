"""Certificates of completion: the Vietnamese PDF (through cdtt.documents: the Decree 30
builder, then ``docx_to_pdf``) with its verification code and a QR code to ``/verify/{code}``;
the whole course's certificates as a background job with progress; the public answer about a
code (holder's name masked)."""

import datetime as dt
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm
from huey.contrib.djhuey import db_task

from cdtt.core.jobs import job_finish, job_progress
from cdtt.documents.builder import Heading, Kind, OfficialDocument, Signature, build_docx
from cdtt.documents.models import governing_body_of
from cdtt.documents.pdf import PdfError, docx_to_pdf
from cdtt.geo.models import AdminUnit
from cdtt.training.models import Completion, Course, Enrolment
from cdtt.training.services import completion_evaluate

CERTIFICATE = Kind("Giấy chứng nhận", "GCN")


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/verify/{code}"


def qr_svg(text: str, *, scale: int = 6) -> str:
    """A QR code as inline SVG (for pages)."""
    return segno.make(text, error="m").svg_inline(scale=scale, border=2)


def mask_name(full_name: str) -> str:
    """“Nguyễn Văn An” → “Nguyễn V. A**”: enough to recognise, not enough to find anyone."""
    words = full_name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "***"
    middle = [w[0] + "." for w in words[1:-1]]
    return " ".join([words[0], *middle, words[-1][0] + "**"])


def public_answer(completion: Completion) -> dict:
    course = completion.course
    return {
        "code": completion.code,
        "valid": completion.revoked_at is None,
        "holder": mask_name(completion.person.full_name),
        "course": course.title,
        "issued_on": completion.completed_on.isoformat(),
        "issuer": course.organizer.name,
        "revoked_on": completion.revoked_at.date().isoformat() if completion.revoked_at else None,
    }


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate says, read from the database once (the document needs none)."""

    holder: str
    course: str
    organizer: str
    organizer_symbol: str
    topics: list[str]
    first_day: dt.date | None
    last_day: dt.date | None
    code: str
    issued_on: dt.date
    province: AdminUnit | None


def certificate_facts(completion: Completion) -> CertificateFacts:
    course = completion.course
    province = course.unit if course.unit.level == "province" else course.unit.province
    sessions = list(course.sessions.all())
    return CertificateFacts(
        holder=completion.person.full_name,
        course=course.title,
        organizer=course.organizer.name,
        organizer_symbol=course.organizer.short_name or "GCN",
        topics=[t.name for t in course.topics.all()],
        first_day=timezone.localtime(sessions[0].starts_at).date() if sessions else None,
        last_day=timezone.localtime(sessions[-1].ends_at).date() if sessions else None,
        code=completion.code,
        issued_on=completion.completed_on,
        province=province,
    )


def certificate_of(facts: CertificateFacts) -> OfficialDocument:
    span = ""
    if facts.first_day and facts.last_day:
        span = f" từ ngày {facts.first_day:%d/%m/%Y} đến ngày {facts.last_day:%d/%m/%Y}"
    body = [
        f"Chứng nhận Ông/Bà: {facts.holder}",
        f"Đã hoàn thành khóa tập huấn “{facts.course}”{span}, do {facts.organizer} tổ chức.",
        f"Chủ đề: {', '.join(facts.topics)}.",
        f"Mã xác thực: {facts.code}. Kiểm tra tại địa chỉ:",
        verify_url(facts.code),
    ]
    return OfficialDocument(
        heading=Heading(
            governing_body=governing_body_of(facts.province),
            issuing_body=facts.organizer.upper(),
            symbol=facts.organizer_symbol,
            place=facts.province.name if facts.province is not None else "",
        ),
        kind=CERTIFICATE,
        issued_on=facts.issued_on,
        summary=["Hoàn thành khóa tập huấn cho thành viên Tổ công nghệ số cộng đồng"],
        signature=Signature(title="THỦ TRƯỞNG ĐƠN VỊ"),
        recipients=[facts.holder + ";"],
        body=body,
    )


def certificate_document(completion: Completion) -> OfficialDocument:
    return certificate_of(certificate_facts(completion))


def certificate_docx(completion: Completion) -> bytes:
    """The certificate in the Decree 30 layout, with the QR code to its public page."""
    doc = Document(io.BytesIO(build_docx(certificate_document(completion))))
    png = io.BytesIO()
    segno.make(verify_url(completion.code), error="m").save(png, kind="png", scale=8, border=2)
    png.seek(0)
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(png, width=Cm(3.5))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def certificate_pdf(completion: Completion) -> bytes:
    """The certificate's PDF, made once and kept; ``PdfError`` when it cannot be made."""
    if completion.pdf:
        with completion.pdf.open("rb") as f:
            return f.read()
    data = docx_to_pdf(certificate_docx(completion))
    completion.pdf.save(f"{completion.code}.pdf", ContentFile(data), save=False)
    Completion.objects.filter(pk=completion.pk).update(pdf=completion.pdf.name)
    return data


def certificates_generate(course: Course, progress=None) -> tuple[int, int]:
    """Issue the certificates every enrolled member has earned and make their PDFs;
    returns (certificates, PDFs made)."""
    people = list(Enrolment.objects.filter(course=course).select_related("person"))
    total, made = len(people), 0
    if progress:
        progress(0, total)
    issued = 0
    for done, enrolment in enumerate(people, start=1):
        completion = completion_evaluate(course=course, person=enrolment.person)
        if completion is not None and completion.revoked_at is None:
            issued += 1
            if not completion.pdf:
                completion = Completion.objects.select_related(
                    "course__organizer", "course__unit", "person"
                ).get(pk=completion.pk)
                certificate_pdf(completion)
                made += 1
        if progress:
            progress(done, total)
    return issued, made


@db_task()
def certificates_job(job_id: int, course_id: int) -> None:
    """The whole course's certificates, for the page that started it (progress shown there)."""
    course = Course.objects.select_related("organizer", "unit").get(pk=course_id)
    try:
        issued, made = certificates_generate(course, job_progress(job_id))
    except PdfError as exc:
        job_finish(job_id, ok=False, message=str(exc))
        return
    job_finish(
        job_id,
        ok=True,
        message=_("Đã có %(i)d giấy chứng nhận; tạo mới %(m)d tệp PDF.") % {"i": issued, "m": made},
        result={"issued": issued, "made": made},
    )
