from django import forms
from django.utils.translation import gettext_lazy as _


class SubjectExportForm(forms.Form):
    fmt = forms.ChoiceField(
        label=_("Định dạng"), choices=[("xlsx", "Excel (XLSX)"), ("json", "JSON")], initial="xlsx"
    )
    purpose = forms.CharField(
        label=_("Mục đích"),
        max_length=300,
        help_text=_("Ví dụ: người dân yêu cầu xem dữ liệu của mình, đơn ngày 05/01/2026."),
    )


class EraseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do, căn cứ"), max_length=300)
    confirm = forms.BooleanField(
        label=_(
            "Tôi hiểu rằng họ tên, ngày sinh, giới tính, quan hệ và số điện thoại sẽ bị xoá vĩnh viễn."
        )
    )
