"""Forms of the report pages: the draft (kind, unit, period, letterhead, the officer's words) and
a sending of an issued report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.documents.selectors import letterheads_for
from cdtt.geo.access import units_for
from cdtt.geo.models import Level
from cdtt.reports.models import Report, Submission

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class ReportForm(forms.ModelForm):
    period_from = date_field(_("Từ ngày"))
    period_to = date_field(_("Đến ngày"))
    cutoff = date_field(_("Ngày chốt số liệu"), required=False)

    class Meta:
        model = Report
        fields = [
            "kind",
            "unit",
            "period_from",
            "period_to",
            "cutoff",
            "letterhead",
            "number",
            "signer_name",
            "recipients",
            "achievements",
            "difficulties",
            "proposals",
        ]
        widgets = {
            "recipients": forms.Textarea(attrs={"rows": 4}),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "difficulties": forms.Textarea(attrs={"rows": 4}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "cutoff": _("Mọi số liệu lấy theo ngày này; để trống: ngày cuối kỳ (hoặc hôm nay)."),
            "letterhead": _("Để trống để dùng mẫu của Sở Khoa học và Công nghệ."),
            "number": _("Bắt buộc khi ban hành; ký hiệu lấy theo mẫu phần đầu văn bản."),
            "signer_name": _("Để trống để dùng người ký của mẫu phần đầu văn bản."),
            "recipients": _("Mỗi dòng một nơi nhận; để trống để dùng nơi nhận của mẫu."),
            "achievements": _("Mỗi dòng một đoạn văn."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letterhead"].queryset = letterheads_for(user)
        self.fields["unit"].queryset = (
            units_for(user)
            .filter(
                level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE], valid_to__isnull=True
            )
            .order_by("path")
        )
        if self.instance.pk:
            # The unit of a draft stays; a report for another unit is a new report.
            del self.fields["unit"]


class SubmissionForm(forms.ModelForm):
    sent_on = date_field(_("Ngày gửi"))

    class Meta:
        model = Submission
        fields = ["recipient", "sent_on", "channel", "note"]
