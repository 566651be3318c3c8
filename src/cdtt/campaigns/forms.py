"""Forms of the campaign pages (officers)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.campaigns.models import Campaign, Service
from cdtt.documents.selectors import letterheads_for
from cdtt.documents.validators import validate_printable
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
            "letterhead",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"letterhead": _("Phần đầu văn bản của báo cáo ngày")}
        help_texts = {
            "letterhead": _(
                "Cơ quan ban hành, ký hiệu, người ký và nơi nhận; để trống để dùng mẫu của Sở "
                "Khoa học và Công nghệ."
            )
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letterhead"].queryset = letterheads_for(user)
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
