"""The letterhead form (province admins)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.documents.models import Letterhead
from cdtt.documents.services import FIELDS


class LetterheadForm(forms.ModelForm):
    class Meta:
        model = Letterhead
        fields = list(FIELDS)
        widgets = {"recipients": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "name": _("Tên mẫu"),
            "governing_body": _("Cơ quan chủ quản"),
            "issuing_body": _("Cơ quan ban hành"),
            "symbol": _("Chữ viết tắt tên cơ quan (ký hiệu)"),
            "place": _("Địa danh"),
            "signer_authority": _("Thẩm quyền ký"),
            "signer_title": _("Chức vụ người ký"),
            "signer_name": _("Họ tên người ký"),
            "recipients": _("Nơi nhận"),
        }
        help_texts = {
            "name": _("Tên để chọn mẫu, ví dụ: Sở Khoa học và Công nghệ (SKHCN)."),
            "governing_body": _(
                "Ví dụ: UBND tỉnh Thanh Hóa; để trống khi chính UBND tỉnh ban hành."
            ),
            "issuing_body": _(
                "Viết như trong câu, ví dụ: Sở Khoa học và Công nghệ; phần đầu văn bản tự in hoa."
            ),
            "symbol": _("Dùng trong số, ký hiệu văn bản: Số: .../BC-SKHCN."),
            "place": _("Dùng ở dòng ngày tháng: Thanh Hóa, ngày ... tháng ... năm ..."),
            "signer_authority": _(
                "Ví dụ: KT. GIÁM ĐỐC, TM. ỦY BAN NHÂN DÂN; để trống khi người đứng đầu ký."
            ),
            "signer_title": _("Ví dụ: PHÓ GIÁM ĐỐC."),
            "signer_name": _("Có thể sửa khi tải văn bản; để trống để ký và ghi tên bằng tay."),
            "recipients": _("Mỗi nơi nhận một dòng; dòng “Lưu: VT, …” được thêm tự động."),
        }
