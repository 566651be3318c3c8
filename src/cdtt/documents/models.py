"""The letterhead of an issuing body: everything around a document's body that belongs to its
issuer (governing and issuing body, symbol, place, signer, recipients), kept once per issuer
and chosen by whatever issues documents (a campaign's daily report, the reports to come)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cdtt.documents.builder import Heading, Signature
from cdtt.documents.validators import (
    recipient_lines,
    validate_printable,
    validate_recipients,
    validate_symbol,
)

# The province's Department of Science and Technology, which runs the campaigns.
DEFAULT_ISSUING_BODY = "Sở Khoa học và Công nghệ"
DEFAULT_SYMBOL = "SKHCN"
DEFAULT_SIGNER_AUTHORITY = "KT. GIÁM ĐỐC"
DEFAULT_SIGNER_TITLE = "PHÓ GIÁM ĐỐC"
DEFAULT_RECIPIENTS = "\n".join(
    [
        "Bộ Khoa học và Công nghệ (để b/c);",
        "Chủ tịch UBND tỉnh (để b/c);",
        "UBND các huyện, thị xã, thành phố;",
    ]
)


class Letterhead(models.Model):
    name = models.CharField(_("tên mẫu"), max_length=160, validators=[validate_printable])
    # The unit whose officers see it (its subtree) and whose province admin edits it.
    unit = models.ForeignKey(
        "geo.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    governing_body = models.CharField(
        _("cơ quan chủ quản"), max_length=120, blank=True, validators=[validate_printable]
    )
    issuing_body = models.CharField(
        _("cơ quan ban hành"),
        max_length=120,
        default=DEFAULT_ISSUING_BODY,
        validators=[validate_printable],
    )
    symbol = models.CharField(
        _("chữ viết tắt tên cơ quan (ký hiệu)"),
        max_length=20,
        default=DEFAULT_SYMBOL,
        validators=[validate_symbol],
    )
    place = models.CharField(_("địa danh"), max_length=60, validators=[validate_printable])
    signer_authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=80,
        blank=True,
        default=DEFAULT_SIGNER_AUTHORITY,
        validators=[validate_printable],
    )
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=80,
        default=DEFAULT_SIGNER_TITLE,
        validators=[validate_printable],
    )
    signer_name = models.CharField(
        _("họ tên người ký"), max_length=120, blank=True, validators=[validate_printable]
    )
    recipients = models.TextField(
        _("nơi nhận"),
        max_length=2000,
        blank=True,
        default=DEFAULT_RECIPIENTS,
        validators=[validate_printable, validate_recipients],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("mẫu phần đầu văn bản")

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_lines(self) -> list[str]:
        return recipient_lines(self.recipients)

    def heading(self) -> Heading:
        return Heading(
            governing_body=self.governing_body,
            issuing_body=self.issuing_body,
            symbol=self.symbol,
            place=self.place,
        )

    def signature(self, name: str | None = None) -> Signature:
        """The signature block; ``name`` replaces the stored signer's (empty: by hand)."""
        return Signature(
            title=self.signer_title,
            name=self.signer_name if name is None else name,
            authority=self.signer_authority,
        )


def governing_body_of(province) -> str:
    """The People's Committee of the province, the body above its departments."""
    return f"UBND {province.full_name}" if province is not None else "UBND TỈNH"


def department_letterhead(province) -> Letterhead:
    """The Department of Science and Technology's letterhead under the province's People's
    Committee (unsaved): what a document uses when its issuer has chosen none, and what a new
    letterhead starts from."""
    return Letterhead(
        name=f"{DEFAULT_ISSUING_BODY} ({DEFAULT_SYMBOL})",
        unit=province,
        governing_body=governing_body_of(province),
        place=province.name if province is not None else "",
    )
