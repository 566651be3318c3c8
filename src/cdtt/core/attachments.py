"""Attachments (a directive's file, a model's photos and documents, a claim's evidence): checked
by what the bytes are, not by the name's extension, size-limited by a setting
(``CDTT_ATTACHMENT_MAX_BYTES``), programs refused; stored through Django's storage API by the
caller, so the storage backend is a matter of settings alone."""

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Leading bytes of the kinds an official document or a photo comes in.
SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),  # Word 97-2003 and other OLE files
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
)
# Leading bytes of programs: Windows (MZ), Linux (ELF), macOS (Mach-O), scripts (#!).
EXECUTABLES = (
    b"MZ",
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
# The extensions each kind may carry.
EXTENSIONS = {
    "pdf": {"pdf"},
    "doc": {"doc", "xls", "ppt"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
}
IMAGES = {"png", "jpg"}


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


def attachment_kind(upload, *, field: str = "file", match_extension: bool = False) -> str:
    """The kind of the upload (pdf, doc, docx, xlsx, png, jpg), or a ValidationError keyed by
    ``field`` for a file too large, a program, or any other content; with ``match_extension``
    also for a name whose extension says another kind than the bytes."""
    limit = settings.CDTT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {field: _("Tệp quá lớn: tối đa %(n)s MB.") % {"n": limit // (1024 * 1024)}}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(EXECUTABLES):
        raise ValidationError({field: _("Tệp là một chương trình chạy được: không được tải lên.")})
    kind = next((k for signature, k in SIGNATURES if head.startswith(signature)), None)
    if kind is None and head.startswith(b"PK\x03\x04"):
        kind = _office_kind(upload)
    if kind is None:
        raise ValidationError(
            {field: _("Tệp không phải PDF, Word, Excel hay ảnh (kiểm tra theo nội dung tệp).")}
        )
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if match_extension and extension not in EXTENSIONS[kind]:
        raise ValidationError(
            {
                field: _("Nội dung tệp “%(name)s” không khớp với phần mở rộng .%(ext)s.")
                % {"name": PurePath(upload.name).name, "ext": extension or "?"}
            }
        )
    return kind
