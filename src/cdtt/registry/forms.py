"""Forms of the registry pages: households, residents, assessments, import, targets, filters."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.text import clean
from cdtt.registry.models import Gender, ResidentStatus
from cdtt.skills.models import Level as SkillLevel
from cdtt.skills.models import Method

DATE_INPUT = ["%d/%m/%Y"]
_YEAR = re.compile(r"^\d{4}$")


class DateInput(forms.DateInput):
    """A text input showing dd/mm/yyyy (type=date would show the browser's own format)."""

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        )


class HouseholdForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Thôn, bản, tổ dân phố"), queryset=None)
    code = forms.CharField(label=_("Mã hộ"), max_length=40)
    address = forms.CharField(label=_("Địa chỉ"), max_length=250, required=False)

    def __init__(self, *args, villages, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda u: u.full_name
        if editing:
            # The code is the household's identity in the commune (the import's natural key).
            del self.fields["code"]

    def clean_code(self):
        return clean(self.cleaned_data["code"])

    def clean_address(self):
        return clean(self.cleaned_data["address"])


class ResidentForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    birth = forms.CharField(
        label=_("Ngày sinh"),
        max_length=10,
        help_text=_("dd/mm/yyyy, hoặc chỉ năm sinh"),
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", "—"), *Gender.choices], required=False
    )
    relation = forms.CharField(label=_("Quan hệ với chủ hộ"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def clean_full_name(self):
        name = clean(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Hãy nhập họ và tên."))
        return name

    def clean_birth(self):
        """dd/mm/yyyy or a year; kept as (date or None, year)."""
        text = clean(self.cleaned_data["birth"])
        this_year = timezone.localdate().year
        if _YEAR.match(text):
            year, date = int(text), None
        else:
            try:
                date = dt.datetime.strptime(text, "%d/%m/%Y").date()
            except ValueError:
                raise forms.ValidationError(
                    _("Ngày sinh không hợp lệ: hãy nhập dd/mm/yyyy hoặc năm sinh.")
                ) from None
            year = date.year
        if not 1900 <= year <= this_year or (date and date > timezone.localdate()):
            raise forms.ValidationError(_("Năm sinh phải từ 1900 đến %(y)s.") % {"y": this_year})
        return date, year

    def clean_relation(self):
        return clean(self.cleaned_data["relation"])

    def clean_phone(self):
        try:
            return phone_normalize(self.cleaned_data["phone"])
        except PhoneInvalid as exc:
            raise forms.ValidationError(str(exc)) from None

    @staticmethod
    def initial_for(resident) -> dict:
        birth = (
            resident.birth_date.strftime("%d/%m/%Y")
            if resident.birth_date
            else str(resident.birth_year)
        )
        return {
            "full_name": resident.full_name,
            "birth": birth,
            "gender": resident.gender,
            "relation": resident.relation,
            "phone": resident.phone,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ResidentStatus.choices)
    on = forms.DateField(required=False, input_formats=DATE_INPUT)


class AssessmentForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Mức"), choices=SkillLevel.choices, coerce=int, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[(v, label) for v, label in Method.choices if v != Method.IMPORT],
    )
    assessed_on = forms.DateField(
        label=_("Ngày đánh giá"), input_formats=DATE_INPUT, widget=DateInput()
    )
    assessor_name = forms.CharField(label=_("Người đánh giá"), max_length=120, required=False)
    checklist = forms.MultipleChoiceField(
        label=_("Việc người dân đã tự làm được"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = [(str(i.pk), i.text) for i in items]
        if not items:
            del self.fields["checklist"]

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Ngày đánh giá không được sau hôm nay."))
        return day


class TargetForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    rate = forms.DecimalField(
        label=_("Chỉ tiêu (% hộ có người thành thạo 5 kỹ năng)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )


class HouseholdFilterForm(forms.Form):
    """The households list's filters; all optional, read from the query string."""

    q = forms.CharField(
        label=_("Tìm"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Tên người dân hoặc mã hộ"), "type": "search"}
        ),
    )
    village = forms.ModelChoiceField(
        label=_("Thôn"),
        queryset=None,
        required=False,
        empty_label=_("Mọi thôn"),
        to_field_name="code",
    )
    covered = forms.ChoiceField(
        label=_("Phổ cập"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            ("yes", _("Đã có người thành thạo")),
            ("no", _("Chưa có người thành thạo")),
        ],
    )
    missing = forms.ChoiceField(label=_("Còn thiếu kỹ năng"), required=False)

    def __init__(self, *args, villages, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda u: u.full_name
        self.fields["missing"].choices = [("", _("Bất kỳ")), *[(s.code, s.name) for s in skills]]

    @property
    def covered_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("covered") or "")
