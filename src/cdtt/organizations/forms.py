"""The organisation form: it parses input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.geo.models import AdminUnit
from cdtt.geo.picker import UnitField
from cdtt.organizations.models import OrganizationKind


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=200)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=OrganizationKind.choices)
    unit = UnitField(
        kind="org",
        label=_("Địa bàn"),
        help_text=_("Gõ tên tỉnh, huyện hoặc xã (không dấu cũng được) rồi chọn, hoặc nhập mã."),
    )
    parent = forms.ModelChoiceField(label=_("Trực thuộc"), queryset=None, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    active = forms.BooleanField(label=_("Đang hoạt động"), required=False, initial=True)

    def __init__(self, *args, units=None, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(units if units is not None else AdminUnit.objects.none())
        self.fields["parent"].queryset = parents


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
