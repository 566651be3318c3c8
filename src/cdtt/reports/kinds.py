"""The kinds of report: to the Ministry, to the Chairman, the campaign's final report."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MINISTRY = "ministry", _("Báo cáo định kỳ gửi Bộ Khoa học và Công nghệ")
    CHAIRMAN = "chairman", _("Báo cáo Chủ tịch UBND tỉnh")
    CAMPAIGN = "campaign", _("Báo cáo tổng kết chiến dịch")


@dataclass(frozen=True)
class Kind:
    """The document's wording: its summary line, its opening and closing sentences (formatted
    with issuer, unit, span and cut-off), and whether the visits come first."""

    summary: str
    opening: str
    closing: str
    visits_first: bool = False


# The words of an official Vietnamese document: never translated.
KINDS = {
    ReportKind.MINISTRY: Kind(
        summary="Kết quả hoạt động của Tổ công nghệ số cộng đồng",
        opening=(
            "Thực hiện Công văn số 3240/BTTTT-CĐSQG ngày 08/8/2024 của Bộ Thông tin và Truyền"
            " thông về việc thúc đẩy hoạt động của Tổ công nghệ số cộng đồng tại địa phương,"
            " {issuer} báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng trên địa bàn"
            " {unit} {span} (số liệu tính đến hết ngày {cutoff}) như sau:"
        ),
        closing=(
            "Trên đây là báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng; {issuer}"
            " kính báo cáo Bộ Khoa học và Công nghệ./."
        ),
    ),
    ReportKind.CHAIRMAN: Kind(
        summary="Tình hình triển khai hoạt động của Tổ công nghệ số cộng đồng",
        opening=(
            "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc thúc đẩy hoạt động của Tổ công"
            " nghệ số cộng đồng trên địa bàn tỉnh, {issuer} kính báo cáo Chủ tịch Ủy ban nhân"
            " dân tỉnh tình hình triển khai trên địa bàn {unit} {span} (số liệu tính đến hết"
            " ngày {cutoff}) như sau:"
        ),
        closing=(
            "Trên đây là báo cáo tình hình triển khai hoạt động của Tổ công nghệ số cộng đồng;"
            " {issuer} kính báo cáo Chủ tịch Ủy ban nhân dân tỉnh xem xét, chỉ đạo./."
        ),
    ),
    ReportKind.CAMPAIGN: Kind(
        summary=(
            "Tổng kết chiến dịch “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân sử dụng"
            " dịch vụ, ứng dụng để phát triển kinh tế số”"
        ),
        opening=(
            "Thực hiện chiến dịch ra quân “Đi từng ngõ, gõ từng nhà, hướng dẫn từng người dân"
            " sử dụng dịch vụ, ứng dụng để phát triển kinh tế số” của Tổ công nghệ số cộng đồng"
            " {span}, {issuer} báo cáo tổng kết kết quả trên địa bàn {unit} (số liệu tính đến"
            " hết ngày {cutoff}) như sau:"
        ),
        closing=(
            "Trên đây là báo cáo tổng kết chiến dịch; {issuer} kính báo cáo Ủy ban nhân dân tỉnh./."
        ),
        visits_first=True,
    ),
}
