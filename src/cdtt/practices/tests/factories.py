"""Test data of models and good practices: officers of a commune, of its sibling, the
Department, and files of every kind an upload may be."""

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from cdtt.campaigns.tests.factories import seed_catalogs
from cdtt.practices import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n" + b"0" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


class World:
    def __init__(self, tree, make_user):
        seed_catalogs()
        self.tree = tree
        self.officer = make_user("commune_officer", tree.commune, full_name="Lê Văn Xã")
        self.sibling = make_user("commune_officer", tree.sibling_commune)
        self.department = make_user("province_admin", tree.province, email="so@example.vn")

    def propose(self, actor=None, *, title="Chợ 4.0 thôn Yên Trung", units=None, **extra):
        return services.initiative_propose(
            actor=actor or self.officer,
            title=title,
            summary="Người bán ở chợ thôn nhận tiền bằng mã QR.",
            description="Tổ CNSCĐ hướng dẫn từng tiểu thương mở tài khoản và in mã QR.",
            units=units or [self.tree.village],
            skills=["payment", "shopping"],
            started_on=extra.pop("started_on", dt.date(2025, 3, 1)),
            leader_name="Tổ CNSCĐ thôn Yên Trung",
            **extra,
        )

    def approved(self, **extra):
        initiative = self.propose(**extra)
        return services.initiative_review(
            actor=self.department, initiative=initiative, decision="approve"
        )
