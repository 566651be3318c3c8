"""Attachments (a directive's file, a progress report's documents): checked by what the bytes
are, not by the name's extension, and stored through Django's storage API."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes of the kinds an official document comes in.
SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # Word 97-2003 and other OLE files
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)


def _office_kind(upload) -> str | None:
    """A DOCX or an XLSX is a zip holding [Content_Types].xml and its word/ or xl/ folder."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def attachment_kind(upload, *, field: str = "file") -> str:
    """The kind of the upload (pdf, doc, docx, xlsx, png, jpg), or a ValidationError keyed by
    ``field`` for a file too large or of any other content."""
    limit = settings.CDTT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: _("Tệp quá lớn: tối đa %(n)s MB.") % {"n": limit // (1024 * 1024)}}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(b"PK\x03\x04") and (kind := _office_kind(upload)):
        return kind
    raise ValidationError(
        {field: _("Tệp không phải PDF, Word, Excel hay ảnh (kiểm tra theo nội dung tệp).")}
    )
