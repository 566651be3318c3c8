"""Forms of the campaign pages (officers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.campaigns.models import (
    LETTERHEAD_FIELDS,
    Campaign,
    Service,
    recipient_lines,
    validate_printable,
)
from cdtt.geo.access import units_for
from cdtt.geo.models import Level


class CampaignForm(forms.ModelForm):
    starts_on = forms.DateField(
        label=_("Từ ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    ends_on = forms.DateField(
        label=_("Đến ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Dịch vụ, ứng dụng hướng dẫn"),
        required=False,
        queryset=Service.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "description",
            "starts_on",
            "ends_on",
            "status",
            "scope_units",
            "services",
            *LETTERHEAD_FIELDS,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "report_recipients": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "report_issuing_body": _("Cơ quan ban hành"),
            "report_symbol": _("Chữ viết tắt tên cơ quan (ký hiệu)"),
            "report_signer_authority": _("Thẩm quyền ký"),
            "report_signer_title": _("Chức vụ người ký"),
            "report_signer_name": _("Họ tên người ký"),
            "report_recipients": _("Nơi nhận"),
        }
        help_texts = {
            "report_issuing_body": _(
                "Viết như trong câu, ví dụ: Sở Khoa học và Công nghệ; phần đầu văn bản tự in hoa."
            ),
            "report_symbol": _("Dùng trong số, ký hiệu văn bản: Số: .../BC-SKHCN."),
            "report_signer_authority": _(
                "Ví dụ: KT. GIÁM ĐỐC, TM. ỦY BAN NHÂN DÂN; để trống khi người đứng đầu ký."
            ),
            "report_signer_title": _("Ví dụ: PHÓ GIÁM ĐỐC."),
            "report_signer_name": _(
                "Có thể sửa khi tải báo cáo; để trống để ký và ghi tên bằng tay."
            ),
            "report_recipients": _("Mỗi nơi nhận một dòng; dòng “Lưu: VT, …” được thêm tự động."),
        }

    def __init__(self, *args, user=None, letterhead=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not letterhead:
            # A new campaign starts with the default letterhead, edited on the campaign's form.
            for name in LETTERHEAD_FIELDS:
                del self.fields[name]
        self.fields["scope_units"].queryset = (
            units_for(user)
            .filter(
                level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE], valid_to__isnull=True
            )
            .order_by("path")
        )
        self.fields["scope_units"].widget.attrs["size"] = 8
        self.fields["scope_units"].help_text = _(
            "Chọn tỉnh để triển khai toàn tỉnh, hoặc một số huyện, xã."
        )

    def main_fields(self):
        return [f for f in self if f.name not in LETTERHEAD_FIELDS]

    def letterhead_fields(self):
        return [self[name] for name in LETTERHEAD_FIELDS if name in self.fields]

    def clean_report_symbol(self):
        return self.cleaned_data["report_symbol"].upper()

    def clean_report_recipients(self):
        return "\n".join(recipient_lines(self.cleaned_data["report_recipients"]))

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))
        return data


class DayForm(forms.Form):
    day = forms.DateField(
        label=_("Ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class ReportForm(forms.Form):
    """What the officer types when downloading the daily report: its number (left blank, the
    clerk fills it in by hand) and the signer's name (the campaign's by default)."""

    number = forms.CharField(
        label=_("Số văn bản"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "placeholder": "125"}),
        help_text=_("Để trống để văn thư ghi số."),
    )
    signer = forms.CharField(
        label=_("Người ký"),
        required=False,
        max_length=120,
        validators=[validate_printable],
    )

    def clean_number(self):
        number = self.cleaned_data["number"]
        if not number:
            return ""
        if not (number.isascii() and number.isdigit()) or int(number) == 0:
            raise forms.ValidationError(_("Số văn bản là số nguyên dương, chỉ gồm chữ số."))
        # Decree 30/2020: Arabic numerals, numbers below 10 written with a leading zero.
        return f"{int(number):02d}"
