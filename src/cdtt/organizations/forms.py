from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=60, required=False)
    on = _date_field(_("Dùng tên mới từ ngày"))


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Hợp nhất vào"), queryset=None)
    on = _date_field(_("Hợp nhất từ ngày"))

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
