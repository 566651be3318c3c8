"""Forms of the teams pages: they parse input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cdtt.geo.models import AdminUnit
from cdtt.geo.picker import UnitField
from cdtt.skills.models import SKILL_CODES
from cdtt.teams.models import Gender, MemberRole

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]
SKILL_CHOICES = [
    ("public_services", _("Dịch vụ công trực tuyến")),
    ("shopping", _("Mua sắm trực tuyến")),
    ("payment", _("Thanh toán trực tuyến")),
    ("safety", _("An toàn trên không gian mạng")),
    ("local_platform", _("Nền tảng số khác")),
]
assert [c for c, _label in SKILL_CHOICES] == SKILL_CODES


def _date(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"),
    )


class PersonFields(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    gender = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", "—")] + list(Gender.choices)
    )
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    organization = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị cử"), queryset=None, required=False
    )
    position = forms.CharField(label=_("Chức vụ, công việc"), max_length=120, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        from cdtt.organizations.models import Organization

        self.fields["organization"].queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )


class TeamFoundForm(PersonFields):
    unit = UnitField(
        kind="team",
        label=_("Địa bàn của tổ"),
        help_text=_(
            "Gõ tên xã hoặc thôn (không dấu cũng được) rồi chọn, hoặc nhập mã. Chọn xã để thành "
            "lập tổ cấp xã, một thôn để thành lập tổ cấp thôn."
        ),
    )
    name = forms.CharField(
        label=_("Tên tổ"),
        max_length=200,
        required=False,
        help_text=_("Để trống: “Tổ CNSCĐ” + tên địa bàn."),
    )
    villages = forms.MultipleChoiceField(
        label=_("Các thôn tổ phụ trách"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_number = forms.CharField(
        label=_("Số quyết định thành lập"), max_length=60, required=False
    )
    decision_date = _date(_("Ngày quyết định"))
    contact_phone = forms.CharField(
        label=_("Số điện thoại liên hệ của tổ"), max_length=30, required=False
    )
    publish_contact = forms.BooleanField(
        label=_("Công khai số liên hệ trên trang công khai"), required=False
    )

    field_order = [
        "unit",
        "name",
        "villages",
        "decision_number",
        "decision_date",
        "contact_phone",
        "publish_contact",
    ]

    def __init__(self, *args, units=None, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_units(units if units is not None else AdminUnit.objects.none())
        self.fields["villages"].choices = [(v.code, v.full_name) for v in villages]
        for name in PersonFields.base_fields:
            self.fields[name].label = _("Tổ trưởng: %(f)s") % {"f": self.fields[name].label}
        self.fields["full_name"].label = _("Họ và tên tổ trưởng")


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Tên tổ"), max_length=200)
    villages = forms.MultipleChoiceField(
        label=_("Các thôn tổ phụ trách"), required=False, widget=forms.CheckboxSelectMultiple
    )
    decision_number = forms.CharField(
        label=_("Số quyết định thành lập"), max_length=60, required=False
    )
    decision_date = _date(_("Ngày quyết định"))
    contact_phone = forms.CharField(
        label=_("Số điện thoại liên hệ của tổ"), max_length=30, required=False
    )
    publish_contact = forms.BooleanField(
        label=_("Công khai số liên hệ trên trang công khai"), required=False
    )

    def __init__(self, *args, villages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].choices = [(v.code, v.full_name) for v in villages]


class MemberAddForm(PersonFields):
    existing = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(
        label=_("Vai trò trong tổ"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.DEPUTY, MemberRole.DEPUTY.label),
        ],
    )
    core_force = forms.BooleanField(label=_("Lực lượng nòng cốt (Đoàn Thanh niên)"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Kỹ năng có thể hướng dẫn"),
        required=False,
        choices=SKILL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = _date(_("Ngày tham gia"))


class MemberEditForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Vai trò trong tổ"),
        choices=[
            (MemberRole.MEMBER, MemberRole.MEMBER.label),
            (MemberRole.DEPUTY, MemberRole.DEPUTY.label),
        ],
    )
    core_force = forms.BooleanField(label=_("Lực lượng nòng cốt"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Kỹ năng có thể hướng dẫn"),
        required=False,
        choices=SKILL_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    joined_on = _date(_("Ngày tham gia"), required=True)


class PersonForm(PersonFields):
    pass


class ProfileForm(forms.Form):
    phone = forms.CharField(label=_("Số điện thoại"), max_length=30, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
