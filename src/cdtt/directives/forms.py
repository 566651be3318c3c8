"""Forms of the directives pages: they read the input; the services judge it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.directives.models import Recurrence, TaskStatus
from cdtt.figures.catalogue import catalogue
from cdtt.organizations.models import Organization


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"),
    )


def _agencies():
    return Organization.objects.filter(active=True).order_by("name")


class DirectiveForm(forms.Form):
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60)
    issued_on = _date(_("Ngày ban hành"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    signer = forms.CharField(label=_("Người ký"), max_length=120)
    summary = forms.CharField(
        label=_("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(label=_("Tệp văn bản (PDF, Word)"), required=False)


class TaskForm(forms.Form):
    clause = forms.CharField(label=_("Điểm, khoản"), max_length=20)
    title = forms.CharField(label=_("Nội dung nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3}))
    lead = forms.ModelChoiceField(
        label=_("Cơ quan chủ trì"), queryset=Organization.objects.none(), required=False
    )
    co_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"), queryset=Organization.objects.none(), required=False
    )
    deadline = _date(_("Hạn hoàn thành"), required=False)
    recurrence = forms.ChoiceField(label=_("Định kỳ"), choices=Recurrence.choices, required=False)
    due_day = forms.IntegerField(label=_("Ngày đến hạn (định kỳ)"), required=False)
    due_month = forms.IntegerField(label=_("Tháng đến hạn (hằng năm)"), required=False)
    output = forms.CharField(label=_("Sản phẩm đầu ra"), max_length=300, required=False)
    figure_code = forms.ChoiceField(label=_("Chỉ số đo lường"), required=False)
    figure_target = forms.DecimalField(
        label=_("Chỉ tiêu của chỉ số"), required=False, max_digits=12, decimal_places=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _agencies()
        self.fields["co_agencies"].queryset = _agencies()
        self.fields["figure_code"].choices = [("", _("(không gắn chỉ số)"))] + [
            (f.code, f"{f.label} ({f.unit})") for f in catalogue()
        ]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskStatus.choices)
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(label=_("Tài liệu kèm theo"), required=False)


class UrgeForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan được đôn đốc"), queryset=Organization.objects.none()
    )
    message = forms.CharField(
        label=_("Lời nhắn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Organization.objects.filter(
            pk__in=[a.pk for a in agencies]
        )
        if agencies:
            self.fields["agency"].initial = agencies[0].pk
