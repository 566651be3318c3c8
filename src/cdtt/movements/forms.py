"""Forms of the movement pages (dates dd/mm/yyyy). Criteria are typed one a line:
``name | points`` (claimed with evidence) or ``name | points | counter code`` (counted)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cdtt.movements.counters import counters
from cdtt.movements.services import CriterionIn

DATE_FORMATS = ["%d/%m/%Y"]


def _date(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


def parse_criteria(text: str) -> list[CriterionIn]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (2, 3) or not parts[1].isdigit():
            raise ValidationError(
                _("Dòng %(n)s: hãy ghi “tên | điểm” hoặc “tên | điểm | mã số liệu”.") % {"n": n}
            )
        out.append(CriterionIn(parts[0], int(parts[1]), parts[2] if len(parts) == 3 else ""))
    return out


class MovementForm(forms.Form):
    title = forms.CharField(label=_("Tên phong trào"), max_length=200)
    description = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    organization = forms.ModelChoiceField(label=_("Đơn vị phát động"), queryset=None)
    starts_on = _date(_("Từ ngày"))
    ends_on = _date(_("Đến ngày"))
    branches = forms.ModelMultipleChoiceField(
        label=_("Cơ sở Đoàn tham gia"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Địa bàn tham gia (để trống: cả địa bàn)"), queryset=None, required=False
    )
    criteria = forms.CharField(
        label=_("Tiêu chí, mỗi dòng một tiêu chí"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="",
    )

    def __init__(self, organizations, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["branches"].queryset = organizations
        self.fields["units"].queryset = units
        codes = ", ".join(f"{c.code} ({c.label})" for c in counters())
        self.fields["criteria"].help_text = _(
            "“tên | điểm” cho tiêu chí đăng ký kèm minh chứng; “tên | điểm | mã” cho tiêu chí nền tảng tự đếm. Mã: %(codes)s"
        ) % {"codes": codes}

    def clean_criteria(self):
        return parse_criteria(self.cleaned_data["criteria"])


class ClaimForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Tiêu chí"), queryset=None)
    fact = forms.CharField(label=_("Việc đã làm"), max_length=300)
    happened_on = _date(_("Ngày thực hiện"))
    evidence_url = forms.URLField(
        label=_("Đường dẫn minh chứng"), required=False, assume_scheme="https"
    )
    evidence_file = forms.FileField(label=_("Hoặc tệp minh chứng (ảnh, PDF)"), required=False)

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria
