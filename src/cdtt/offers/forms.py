"""Forms of the offer pages (dates dd/mm/yyyy)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.organizations.models import Organization, OrganizationKind

DATE_FORMATS = ["%d/%m/%Y"]


def _date(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )


class OfferForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Doanh nghiệp"), queryset=None)
    title = forms.CharField(label=_("Ưu đãi (gói cước, thiết bị, dịch vụ…)"), max_length=200)
    description = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    price = forms.DecimalField(
        label=_("Giá ưu đãi (đồng)"), required=False, min_value=0, decimal_places=0
    )
    discount_percent = forms.IntegerField(
        label=_("Hoặc giảm giá (%)"), required=False, min_value=1, max_value=100
    )
    valid_from = _date(_("Hiệu lực từ"))
    valid_to = _date(_("Hiệu lực đến"))
    quantity = forms.IntegerField(label=_("Số lượng"), min_value=1)
    conditions = forms.CharField(
        label=_("Điều kiện"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, organizations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


def enterprises(ids=None):
    qs = Organization.objects.filter(kind=OrganizationKind.ENTERPRISE, active=True)
    return qs.filter(pk__in=ids) if ids is not None else qs


class RedeemForm(forms.Form):
    code = forms.CharField(label=_("Mã ưu đãi thành viên đưa"), max_length=20)
